// Failures of the data stores, raised by the adapters with the store, host, table or index, and what
// to check next. Drivers' own errors never leave an adapter unwrapped: they stay as the cause.
import { SyncedError } from "../core/errors.js";

/** A store cannot be reached: refused, reset or unanswered connections, no live host, TLS failures. */
export class ConnectionError extends SyncedError {
  override readonly kind = "unreachable";
}

/** A store refused the credentials. */
export class AuthenticationError extends SyncedError {
  override readonly kind = "unreachable";
}

/** A store answered, but refused or failed an operation that retrying will not fix. */
export class StoreError extends SyncedError {}

/** The first line of an error's message: drivers append advice and stack-like detail below it. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}
