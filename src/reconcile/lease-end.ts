// What became of a lease when the work under it ended: a stop by a signal says so, and a released
// lease is only claimed once the state store took the release.

/** Released, or left in the state store to run out at `expiresAt` because the release failed. */
export type LeaseEnd =
  | { readonly released: true }
  | { readonly released: false; readonly expiresAt: Date; readonly reason: string };

/** The words for `end`, as a clause of a sentence about the run's stop. */
export function leaseEndWords(end: LeaseEnd): string {
  if (end.released) return "the lease was released";
  return (
    `the lease could not be released and runs out at ${end.expiresAt.toISOString()}: until then a run of ` +
    "this configuration on another host or in another container is refused with exit 4. The release " +
    `failed: ${end.reason}`
  );
}
