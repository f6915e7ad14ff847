// Which Elasticsearch failures are worth retrying: the cluster could not be reached or was too busy or
// restarting to answer. A refused request (400, 404, 409) fails the same way every time.
import { errors } from "@elastic/elasticsearch";

const BUSY_OR_RESTARTING: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function isTransientSearchError(error: unknown): boolean {
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    return true;
  }
  return error instanceof errors.ResponseError && BUSY_OR_RESTARTING.has(error.statusCode ?? 0);
}

/**
 * Whether a search failed because its point in time is gone: the node that held it restarted, or it
 * expired. Trying the same search again fails the same way; a new point in time is needed.
 */
export function isPointInTimeLost(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError)) return false;
  const body = JSON.stringify(error.meta.body ?? "");
  return body.includes("search_context_missing_exception") || body.includes("No search context found");
}
