// Elasticsearch client errors, turned into synced's errors with the status, the server's reason and
// what to do. The client's own messages are terse ("Response Error") or carry a whole response body.
import { errors } from "@elastic/elasticsearch";
import { SyncedError } from "../../core/errors.js";
import { AuthenticationError, ConnectionError, firstLine, StoreError } from "../store-errors.js";

const AGAIN = "The run stopped without moving the checkpoint; run again once the cluster is healthy.";

/** The server's own reason in an error response: `type: reason`. */
export function responseReason(error: errors.ResponseError): string {
  const body = error.body as { error?: { type?: unknown; reason?: unknown } | string } | undefined;
  const cause = body?.error;
  if (typeof cause === "string") return cause;
  const type = typeof cause?.type === "string" ? cause.type : undefined;
  const reason = typeof cause?.reason === "string" ? cause.reason : undefined;
  if (type === undefined && reason === undefined) return `status ${error.statusCode ?? "unknown"}`;
  return [type, reason].filter((part) => part !== undefined).join(": ");
}

/**
 * `error` as a SyncedError; `action` completes "could not ...", such as "read index app-users", and
 * `product` names what answers on the search side (the client's productName).
 */
export function searchFailure(error: unknown, action: string, product = "Elasticsearch"): SyncedError {
  if (error instanceof SyncedError) return error;
  const details = { store: "elasticsearch", action };
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    return new ConnectionError(
      `${product} could not ${action}: ${firstLine(error)}. Check that the cluster runs and is reachable ` +
        `from here (a restart in progress, a network problem, --es-nodes). ${AGAIN}`,
      details,
      { cause: error },
    );
  }
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const reason = responseReason(error);
    if (status === 401 || status === 403) {
      return new AuthenticationError(
        `${product} refused to ${action} (${status}, ${reason}): check the user's privileges on the index.`,
        { ...details, status },
        { cause: error },
      );
    }
    if (status === 429 || status >= 502) {
      return new ConnectionError(
        `${product} could not ${action}: the cluster answered ${status} (${reason}). ${AGAIN}`,
        { ...details, status },
        { cause: error },
      );
    }
    return new StoreError(
      `${product} refused to ${action} (${status}, ${reason}).`,
      { ...details, status },
      { cause: error },
    );
  }
  return new StoreError(`${product} could not ${action}: ${firstLine(error)}.`, details, { cause: error });
}
