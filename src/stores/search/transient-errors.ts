// Which search-side failures are worth retrying: the cluster could not be reached, or was too busy or
// restarting to answer. A refused request (400, 404, 409) fails the same way every time. Decided on
// the kind the product's adapter gave the error (search-error.ts).
import { isSearchError } from "./search-error.js";

export function isTransientSearchError(error: unknown): boolean {
  return isSearchError(error, "transient");
}

/**
 * The read-only-allow-delete block (the flood-stage disk block, or the same setting set by hand), in
 * the words of Elasticsearch and OpenSearch: "disk usage exceeded flood-stage watermark, index has
 * read-only-allow-delete block" (429) since Elasticsearch 7.10, in OpenSearch 2 and 3 too, and
 * "index read-only / allow delete (api)" (403) before it, named alike though no server synced
 * supports gives it.
 */
export const FLOOD_STAGE =
  /read_only_allow_delete|read-only-allow-delete|read-only \/ allow delete|flood[- ]stage/i;

/**
 * Whether the cluster refused a write because a node's disk passed its flood-stage watermark. It
 * answers 429, as a busy cluster does, but only disk space lifts the block, not time.
 */
export function isFloodStageBlock(error: unknown): boolean {
  return isSearchError(error, "transient") && error.answer.status === 429 && FLOOD_STAGE.test(error.message);
}

/**
 * The transient errors of the state and dead-letter stores, whose operations wait at most
 * --state-timeout: a flood-stage block outlasts that, so it fails at once and says the disk is full.
 */
export function isTransientStateSearchError(error: unknown): boolean {
  return isTransientSearchError(error) && !isFloodStageBlock(error);
}

/**
 * Whether a read failed because its view is gone: the node that held the point in time or the scroll
 * contexts restarted, or they expired. Trying the same page again fails the same way; a new view is
 * needed.
 */
export function isViewLost(error: unknown): boolean {
  return isSearchError(error, "view-lost");
}
