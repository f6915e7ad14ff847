// The search side refused an operation for want of a privilege (403), or refused the login (401),
// after synced had connected. The cluster's reason says which action and, on Elasticsearch, which
// privileges grant it; synced adds what that means for the run and where the privileges each command
// needs are listed.
import { AuthenticationError, PRIVILEGES_SECTION } from "../store-errors.js";

/** What a refusal with `status` asks of the user, after the cluster's own reason. */
export function refusalAdvice(status: number): string {
  return status === 401
    ? "the login was refused: check --es-username and its password, or the API key"
    : `the login was accepted, but its role lacks a privilege this needs: grant it (${PRIVILEGES_SECTION})`;
}

/**
 * A bulk write's item was refused for want of a privilege on the index (or the login expired). The
 * records are not at fault, so none goes to the dead letters: the run stops, as for a blocked index,
 * and the next run once the privilege is granted writes them.
 */
export class WriteRefusedError extends AuthenticationError {
  constructor(product: string, index: string, table: string, status: number, reason: string) {
    super(
      `${product} refused writes to index ${index} (${status}, ${reason}): ${refusalAdvice(status)}. ` +
        "The user, not the records, was refused: no record was dead-lettered for it, and the checkpoint " +
        "did not move. Run again once the role may write there.",
      { store: "elasticsearch", product, index, table, status },
    );
  }
}
