// Which Elasticsearch failures are worth retrying: the cluster could not be reached or was too busy or
// restarting to answer. A refused request (400, 404, 409) fails the same way every time.
import { errors } from "@elastic/elasticsearch";

const BUSY_OR_RESTARTING: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function isTransientElasticsearchError(error: unknown): boolean {
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    return true;
  }
  return error instanceof errors.ResponseError && BUSY_OR_RESTARTING.has(error.statusCode ?? 0);
}
