// What became of a lease when the work under it ended: a stop by a signal says so, and a released
// lease is only claimed once the state store took the release.
import type { SyncedError } from "../core/errors.js";

/**
 * Released, or left in the state store to run out at `expiresAt` because the release failed; `ranOut`
 * when that time had passed as the release failed (a release retried past it), so nothing waits for it.
 */
export type LeaseEnd =
  | { readonly released: true }
  | {
      readonly released: false;
      readonly expiresAt: Date;
      readonly reason: string;
      readonly ranOut: boolean;
    };

/** The words for `end`, as a clause of a sentence about the run's stop. */
export function leaseEndWords(end: LeaseEnd): string {
  if (end.released) return "the lease was released";
  if (end.ranOut)
    return (
      `the lease could not be released and ran out at ${end.expiresAt.toISOString()}: the next run of ` +
      `this configuration takes it at once. The release failed: ${end.reason}`
    );
  return (
    `the lease could not be released and runs out at ${end.expiresAt.toISOString()}: until then a run of ` +
    "this configuration on another host or in another container is refused with exit 4. The release " +
    `failed: ${end.reason}`
  );
}

/** `words` after `text`: a new sentence where `text` ends one, else a clause. */
export function followedBy(text: string, words: string): string {
  return /[.!?]$/.test(text)
    ? `${text} ${words.charAt(0).toUpperCase()}${words.slice(1)}`
    : `${text}; ${words}`;
}

/**
 * `error`, thrown by the work under a lease the state store did not take back, saying so and until
 * when: a refusal before anything was done (a --tables name that is no table) is all a run says, and
 * the next run elsewhere is refused until then. A copy of the same class with the same fields, so its
 * exit code, and where its option was given, stay what they were.
 */
export function withLeaseLeft<E extends SyncedError>(
  error: E,
  end: Extract<LeaseEnd, { released: false }>,
): E {
  const message = followedBy(error.message, leaseEndWords(end));
  const told = Object.create(
    Object.getPrototypeOf(error) as object,
    Object.getOwnPropertyDescriptors(error),
  ) as E;
  Object.defineProperty(told, "message", { value: message, writable: true, configurable: true });
  Object.defineProperty(told, "details", {
    value: { ...error.details, leaseExpiresAt: end.expiresAt.toISOString() },
    writable: true,
    configurable: true,
    enumerable: true,
  });
  return told;
}
