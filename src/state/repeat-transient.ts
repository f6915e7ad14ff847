// A state or dead-letter request whose answer was lost (a broken connection, a timeout) may have been
// applied or not. Such a request is sent again while it fails transiently, within the operation's
// time limit (--state-timeout), and no more once the operation is given up. Every repeated request is
// safe to repeat: creating a table or index that exists is accepted, checkpoints, runs and letters are
// written by key, and every lease write is conditional, so a repeat never takes what another run
// holds: a repeat after a lease write that landed answers as a race lost (not applied, 409, 404), the
// protocol reads the lease again, and finds its own write there (decideOnLease: "already-held"), or
// the lease gone after a release.
import { withRetry } from "../util/retry.js";

/** Runs `request`, again while it fails transiently, until `signal` says the operation was given up. */
export type RepeatRequest = <T>(request: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

export function repeatTransient(isTransient: (error: unknown) => boolean, windowMs: number): RepeatRequest {
  return (request, signal) =>
    withRetry(request, {
      windowMs,
      baseDelayMs: 200,
      maxDelayMs: 2_000,
      isTransient,
      ...(signal ? { signal } : {}),
    });
}
