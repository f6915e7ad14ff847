// Search-side failures, turned into synced's errors with the status, the server's reason and what to
// do. Decided on the kind and status the product's adapter gave the error (search-error.ts); the
// clients' own messages are terse ("Response Error") or carry a whole response body.
import { SyncedError } from "../../core/errors.js";
import { AuthenticationError, ConnectionError, firstLine, StoreError } from "../store-errors.js";
import { allowDeleteBlock } from "./allow-delete-block.js";
import { blockOn } from "./index-blocks.js";
import { refusalAdvice } from "./refused-privilege.js";
import { FROM_PAGE, SearchError, withStatus } from "./search-error.js";
import { FLOOD_STAGE } from "./transient-errors.js";

const AGAIN = "The run stopped without moving the checkpoint; run again once the cluster is healthy.";

/**
 * `error` as a SyncedError; `action` completes "could not ...", such as "read index app-users", and
 * `product` names what answers on the search side (the client's productName).
 */
export function searchFailure(error: unknown, action: string, product = "Elasticsearch"): SyncedError {
  if (error instanceof SyncedError) return error;
  // `store` keeps the side's one name, which scripts match whatever product holds it; `product` says which.
  const details = { store: "elasticsearch", product, action };
  if (!(error instanceof SearchError)) {
    return new StoreError(`${product} could not ${action}: ${firstLine(error)}.`, details, { cause: error });
  }
  const { answer } = error;
  if (answer.status === undefined) {
    if (error.kind === "transient") {
      return new ConnectionError(
        `${product} could not ${action}: ${firstLine(error)}. Check that the cluster runs and is reachable ` +
          `from here (a restart in progress, a network problem, --es-nodes). ${AGAIN}`,
        details,
        { cause: error },
      );
    }
    return new StoreError(`${product} could not ${action}: ${firstLine(error)}.`, details, { cause: error });
  }
  const { status, reason } = answer;
  if (answer.page === true) return pageFailure(error, action, product, details, status, reason);
  const blocked = allowDeleteBlocked(status, reason, product);
  if (blocked !== undefined) {
    // Not the login, nor a cluster too busy: only disk space or lifting the block lets it through. A
    // run refuses the table whose index refused its new fields so, and stops where anything else did.
    return new StoreError(
      `${product} could not ${action}: the cluster answered ${status} (${reason}); ${blocked.why}. ` +
        `${blocked.todo}, then run again.`,
      { ...details, status, setting: "index.blocks.read_only_allow_delete" },
      { cause: error },
    );
  }
  const other = blockFailure(error, `${product} could not ${action}`, details, status, reason);
  if (other !== undefined) return other;
  if (error.kind === "credentials") {
    return new AuthenticationError(
      `${product} refused to ${action} (${status}, ${reason}): ${refusalAdvice(status)}.`,
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

/**
 * The read-only-allow-delete block that refused a request, where the answer names it and its index:
 * OpenSearch refuses a mapping change of a blocked index too, where Elasticsearch refuses its writes
 * only (bulk-write.ts names the block there).
 */
function allowDeleteBlocked(
  status: number,
  reason: string,
  product: string,
): { why: string; todo: string } | undefined {
  if ((status !== 429 && status !== 403) || !FLOOD_STAGE.test(reason)) return undefined;
  const index = /index \[([^\]]+)\] blocked by/.exec(reason)?.[1];
  return index === undefined ? undefined : allowDeleteBlock(index, product);
}

/**
 * A block that refused the request (not the flood-stage one), answered 403 as a missing privilege is,
 * though no role lets it through: only lifting the block (or opening the index) does. Exit 1, as for a
 * block that refuses writes. Undefined where the answer names no block.
 */
function blockFailure(
  error: SearchError,
  failed: string,
  details: Record<string, unknown>,
  status: number,
  reason: string,
): StoreError | undefined {
  const other = otherBlock(reason);
  if (other === undefined) return undefined;
  return new StoreError(
    `${failed}: ${other.why} (${status}, ${reason}); it is a block set on the index, not a missing ` +
      `privilege, and refuses this request whatever the login's roles. ${other.todo}, then run again.`,
    {
      ...details,
      status,
      index: other.index,
      ...(other.setting === undefined ? {} : { setting: other.setting }),
    },
    { cause: error },
  );
}

/**
 * Another block that refused a request, where the answer names it and its index: a read block refuses
 * counts and scans, a metadata block reading the mapping, a read-only or metadata block a mapping
 * change; a closed index reads alike. Elasticsearch and OpenSearch answer each with 403 (a closed
 * index with 400), in the same words.
 */
function otherBlock(
  reason: string,
): { index: string; setting: string | undefined; why: string; todo: string } | undefined {
  const index = /index \[([^\]]+)\]/.exec(reason)?.[1];
  const block = index === undefined ? undefined : blockOn(reason, index);
  if (index === undefined || block === undefined) return undefined;
  const named = block.setting === undefined ? "" : ` (${block.setting})`;
  const why = block.closed ? `index ${index} is closed` : `index ${index} is blocked${named}`;
  return { index, setting: block.setting, why, todo: block.todo };
}

/**
 * Something in front of the cluster answered with an HTML page: the cluster may never have seen the
 * request, so its words are not the cluster's. A 413 is that proxy's limit on request bodies.
 */
function pageFailure(
  error: SearchError,
  action: string,
  product: string,
  details: Record<string, unknown>,
  status: number,
  reason: string,
): SyncedError {
  const said = `${product} could not ${action}: ${withStatus(status, reason)}, ${FROM_PAGE}`;
  if (error.kind === "transient") {
    return new ConnectionError(
      `${said}. Check that proxy and the nodes behind it. ${AGAIN}`,
      { ...details, status },
      {
        cause: error,
      },
    );
  }
  const other = blockFailure(error, `${product} could not ${action}`, details, status, reason);
  if (other !== undefined) return other;
  if (error.kind === "credentials") {
    return new AuthenticationError(
      `${said}: it refused the request before the cluster saw it.`,
      { ...details, status },
      {
        cause: error,
      },
    );
  }
  const advice =
    status === 413
      ? "The request was larger than that proxy accepts: raise its limit on request bodies (nginx: client_max_body_size) to at least the nodes' http.max_content_length."
      : "Check that proxy's configuration and logs.";
  return new StoreError(
    `${said}. ${advice} The run stopped without moving the checkpoint.`,
    { ...details, status },
    { cause: error },
  );
}
