// Expected failures are SyncedErrors, whose message says what to do. Anything else reaching the top
// is a bug in synced: then, and only then, the stack trace is worth printing, with a request to report it.
import { SyncedError } from "../core/errors.js";

export function isBug(error: unknown): boolean {
  return !(error instanceof SyncedError);
}

/** The text printed for a bug: the stack (or the value thrown) and where to report it. */
export function bugReport(error: unknown): string {
  const trace = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return (
    `${trace}\n` +
    "This is a bug in synced, not a problem with your data or settings. Please report it with the " +
    "output above, the synced version (synced --version) and the command you ran."
  );
}
