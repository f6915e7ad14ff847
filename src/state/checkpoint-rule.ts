// The checkpoint says "everything before this position has been reconciled". It may only move when
// the run just finished extends that coverage without leaving a hole, so a backfill over an old
// range never moves it back and a range that starts past it never moves it forward.

/** The epoch, which is where a configuration without a checkpoint starts. */
export const EPOCH_POSITION = 0n;

/**
 * The checkpoint after `[begin, end)` was covered completely: `end` if the range contains the
 * current checkpoint (a missing one counts as the epoch), otherwise the current value, unchanged.
 */
export function nextCheckpoint(current: bigint | undefined, begin: bigint, end: bigint): bigint | undefined {
  const position = current ?? EPOCH_POSITION;
  return begin <= position && position < end ? end : current;
}
