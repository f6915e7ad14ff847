// A state or dead-letter store that refused synced's login a privilege, as both backends answer it:
// the search side with 401 or 403, Cassandra with its Unauthorized error. Neither is a store out of
// reach nor a location to change: the role behind the login needs a privilege granted.
import { refusalAdvice } from "../stores/search/refused-privilege.js";
import { PRIVILEGES_SECTION } from "../stores/store-errors.js";
import { isSearchError } from "../stores/search/search-error.js";
import { isUnauthorized } from "../stores/cassandra/cassandra-errors.js";

/**
 * An item of a bulk request to a state or letters index refused for want of a privilege (403) or of
 * a login (401): the request itself is answered 200, so only its items tell.
 */
export class RefusedItemError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`answered ${status}: ${reason}`);
    this.name = "RefusedItemError";
  }
}

/** What the store said and what to grant, when `error` is a refused privilege or login; else undefined. */
export function privilegeRefusal(error: unknown): string | undefined {
  if (isSearchError(error, "credentials") && error.answer.status !== undefined) {
    const { status, reason } = error.answer;
    // A HEAD request (does the index exist?) is refused with no body, so with no reason of its own.
    const answered = reason === `status ${status}` ? `${status}` : `${status} (${reason})`;
    return `it answered ${answered}: ${refusalAdvice(status)}`;
  }
  if (error instanceof RefusedItemError)
    return `it answered ${error.status} (${error.reason}): ${refusalAdvice(error.status)}`;
  if (isUnauthorized(error)) {
    return `Cassandra refused it (${error.message}): grant the role the permission named (${PRIVILEGES_SECTION})`;
  }
  return undefined;
}
