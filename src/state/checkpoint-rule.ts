// The checkpoint says "everything before this position has been reconciled". It may only move when
// the run just finished extends that coverage without leaving a hole, so a backfill over an old
// range never moves it back and a range that starts past it never moves it forward.
import { formatMicros, MIN_MICROS } from "../core/micros.js";

/**
 * The earliest version, where a configuration without a checkpoint starts: only a run that covers
 * everything from there (a first run without -b) gives it one. A first run from the epoch (`-b 0`)
 * leaves records dated before 1970 uncovered, so it does not.
 */
export const EARLIEST_POSITION = MIN_MICROS;

/**
 * The checkpoint after `[begin, end)` was covered completely: `end` if the range contains the
 * current checkpoint (a missing one counts as the earliest version), otherwise the current value, unchanged.
 */
export function nextCheckpoint(current: bigint | undefined, begin: bigint, end: bigint): bigint | undefined {
  const position = current ?? EARLIEST_POSITION;
  return begin <= position && position < end ? end : current;
}

/**
 * Why nextCheckpoint leaves `current` where it was after `[begin, end)`, in a few words for the
 * summary; undefined where it moves. A first run from the epoch keeps none, which said nothing more.
 */
export function whyUnmoved(current: bigint | undefined, begin: bigint, end: bigint): string | undefined {
  if (
    nextCheckpoint(current, begin, end) !== current ||
    (current === undefined && begin <= EARLIEST_POSITION)
  )
    return undefined;
  if (current === undefined)
    return (
      `what is dated before ${formatMicros(begin)} stays uncovered: only a run from the earliest version ` +
      "(a first run without -b) gives a first checkpoint"
    );
  if (begin > current)
    return (
      `the range begins after the checkpoint: moving it would leave ${formatMicros(current)} to ` +
      `${formatMicros(begin)} uncovered`
    );
  return "the range ends at or before the checkpoint, which already covers it";
}
