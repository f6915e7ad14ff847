// A lease write whose answer was lost (a broken connection, a timeout) may have been applied or not.
// The Cassandra and Elasticsearch protocols send such a request again while it fails transiently,
// within the state operation's time limit, and stop when the operation is given up. Every lease write
// is conditional, so a repeat never takes what another run holds: a repeat after a write that landed
// answers as a race lost (not applied, 409, 404), the protocol reads the lease again, and finds its
// own write there (decideOnLease: "already-held"), or the lease gone after a release.
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
