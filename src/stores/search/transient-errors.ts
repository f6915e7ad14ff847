// Which search-side failures are worth retrying: the cluster could not be reached, or was too busy or
// restarting to answer. A refused request (400, 404, 409) fails the same way every time. Decided on
// the kind the product's adapter gave the error (search-error.ts).
import { isSearchError } from "./search-error.js";

export function isTransientSearchError(error: unknown): boolean {
  return isSearchError(error, "transient");
}

/**
 * Whether a read failed because its view is gone: the node that held the point in time or the scroll
 * contexts restarted, or they expired. Trying the same page again fails the same way; a new view is
 * needed.
 */
export function isViewLost(error: unknown): boolean {
  return isSearchError(error, "view-lost");
}
