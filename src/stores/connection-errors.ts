// Failures to reach or log in to a store, with what to check next.
import { SyncedError } from "../core/errors.js";

/** A store cannot be reached: refused, reset or unanswered connections, unknown hosts, TLS failures. */
export class ConnectionError extends SyncedError {
  override readonly kind = "unreachable";
}

/** A store refused the credentials. */
export class AuthenticationError extends SyncedError {
  override readonly kind = "unreachable";
}
