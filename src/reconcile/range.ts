// The range a run covers, `[begin, end)`: the options where given, else the checkpoint (or the
// earliest version, MIN_MICROS) and now minus the lag. Pure, so every default and refusal is unit-tested.
import { ConfigError } from "../core/errors.js";
import { formatMicros, microsFromMillis, MIN_MICROS } from "../core/micros.js";
import { formatDuration } from "../core/duration-text.js";

const CLOCK_SLACK = 1_000_000n;

export interface RangeInput {
  readonly begin?: bigint | undefined;
  readonly end?: bigint | undefined;
  /** This configuration's saved checkpoint, if it has one. */
  readonly checkpoint?: bigint | undefined;
  readonly lagMs: number;
  /** How far before the checkpoint the run reads again (absent or 0: not at all). */
  readonly lookbackMs?: number | undefined;
  /** The current time in microseconds since the epoch. */
  readonly now: bigint;
  readonly allowFutureEnd?: boolean | undefined;
  /** false for verify, which never moves a checkpoint: a refusal then says what an end after now means to it. */
  readonly movesCheckpoint?: boolean;
}

export interface ResolvedRange {
  readonly begin: bigint;
  readonly end: bigint;
  /** "earliest": the configuration has no checkpoint, so the run begins at the earliest version. */
  readonly beginFrom: "option" | "checkpoint" | "earliest";
  readonly endFrom: "option" | "now-minus-lag";
  /**
   * How far the checkpoint may move: `end`, or now minus the lag for an end after it (`-e now`, or
   * after now with --allow-future-end). What is dated within the lag may not be visible to the read
   * yet (a write in flight, an index not yet refreshed): a checkpoint past now minus the lag would
   * leave it behind for good once the look-back window is past it, and a checkpoint ahead of the
   * clock every record written until then with an earlier `tmstmp`.
   */
  readonly checkpointEnd: bigint;
  /**
   * Where the look-back window begins, when the run begins at its checkpoint: `[lookbackFrom, begin)`
   * is read again, and what is found out of step there arrived late.
   */
  readonly lookbackFrom?: bigint;
  /**
   * A run continuing from its checkpoint finds it at or past now minus the lag (the lag was raised
   * since the last run, or the clock set back): nothing new is in range yet, and `end` lies at or
   * before `begin`. Not a mistake in the options, so not refused: the run has nothing to do.
   */
  readonly caughtUp?: true;
}

/**
 * Fills in the defaults of `[begin, end)`: end is now minus the lag, begin is the checkpoint or the
 * earliest version. Refuses an empty range, and an end after now unless `allowFutureEnd`: a run up to a future
 * end would move the checkpoint past records that are written later with an earlier `tmstmp`.
 */
export function resolveRange(input: RangeInput): ResolvedRange {
  const lagMicros = microsFromMillis(input.lagMs);
  const end = input.end ?? input.now - lagMicros;
  const endFrom = input.end === undefined ? "now-minus-lag" : "option";
  const begin = input.begin ?? input.checkpoint ?? MIN_MICROS;
  const beginFrom =
    input.begin !== undefined ? "option" : input.checkpoint !== undefined ? "checkpoint" : "earliest";
  if (end > input.now && input.allowFutureEnd !== true) {
    const why =
      input.movesCheckpoint === false
        ? "Verify moves no checkpoint, but takes such an end only when asked: pass --allow-future-end " +
          "to compare up to it, or leave -e out to compare up to now minus --lag."
        : "Records written later with an earlier tmstmp would then sit behind the checkpoint and never " +
          "be synced. Leave -e out to sync up to now minus --lag, or pass --allow-future-end for a one-off run.";
    throw new ConfigError(
      "end",
      undefined,
      `The end ${formatMicros(end)} (-e) is after now (${formatMicros(input.now)}). ${why}`,
      { details: { end: formatMicros(end), now: formatMicros(input.now) } },
    );
  }
  const checkpointEnd = end > input.now - lagMicros ? input.now - lagMicros : end;
  const lookback = microsFromMillis(input.lookbackMs ?? 0);
  if (begin >= end) {
    if (beginFrom === "checkpoint" && endFrom === "now-minus-lag") {
      // What the writers write from now on is dated before such a checkpoint. Once the clock passes
      // it, the next run reads back only as far as the look-back window: a checkpoint further ahead
      // than that leaves what is written until then behind it for good, so it is no caught-up run.
      // A second for the clocks of two hosts, which never agree to the millisecond (as the check of
      // this host's clock against Cassandra's allows it).
      if (begin - input.now > lookback + CLOCK_SLACK)
        throw checkpointAheadOfClock(begin, input.now, input.lagMs, lookback);
      return { begin, end, beginFrom, endFrom, checkpointEnd, caughtUp: true };
    }
    throw emptyRange(begin, end, beginFrom, endFrom, input.lagMs);
  }
  // Only a run that continues from its checkpoint looks back: -b names its range exactly, and a
  // first run reads everything anyway.
  if (beginFrom !== "checkpoint" || lookback === 0n) return { begin, end, beginFrom, endFrom, checkpointEnd };
  const from = begin - lookback;
  return {
    begin,
    end,
    beginFrom,
    endFrom,
    checkpointEnd,
    lookbackFrom: from < MIN_MICROS ? MIN_MICROS : from,
  };
}

/** Why a caught-up run read nothing, as its summary and its log say. */
export function caughtUpReason(range: ResolvedRange, now: bigint): string {
  const wait = `nothing new to sync until now minus the lag (${formatMicros(range.end)}) passes the checkpoint`;
  // A checkpoint is set no later than now minus the lag; one ahead of the clock itself means the
  // clock went back since (or an earlier version's --allow-future-end run moved it): worth a look, and
  // no failure while the look-back window reaches back over what is written until the clock passes it
  // (resolveRange refuses one further ahead).
  return range.begin > now
    ? `${wait}, which is ahead of this host's clock (${formatMicros(now)}): check the clock, or move ` +
        "the checkpoint back with synced state set --to"
    : wait;
}

function checkpointAheadOfClock(
  checkpoint: bigint,
  now: bigint,
  lagMs: number,
  lookback: bigint,
): ConfigError {
  const seconds = (micros: bigint): string => `${(Number(micros) / 1_000_000).toFixed(1)} s`;
  // As state set --to takes it, which reads durations as --lag does.
  const lag = lagMs === 0 ? "now" : `now-${lagMs % 1000 === 0 ? `${lagMs / 1000}s` : `${lagMs}ms`}`;
  return new ConfigError(
    "lookback",
    undefined,
    `The checkpoint ${formatMicros(checkpoint)} is ${seconds(checkpoint - now)} ahead of this host's clock ` +
      `(${formatMicros(now)}), more than the look-back window (--lookback, ${seconds(lookback)}): what is ` +
      "written until the clock reaches it is dated before it, and no run would read it. If this host's " +
      `clock is right, move the checkpoint back to now minus the lag (synced state set --to ${lag} --yes` +
      ", with this run's options; what is read again and already in step is not written again); if it " +
      "is behind, set it right (NTP). Nothing was done.",
    {
      details: {
        checkpoint: formatMicros(checkpoint),
        now: formatMicros(now),
        reason: "checkpoint-ahead-of-clock",
      },
    },
  );
}

function emptyRange(
  begin: bigint,
  end: bigint,
  beginFrom: ResolvedRange["beginFrom"],
  endFrom: ResolvedRange["endFrom"],
  lagMs: number,
): ConfigError {
  const b = formatMicros(begin);
  const e = formatMicros(end);
  const endText =
    endFrom === "option" ? `the end ${e} (-e)` : `the end ${e} (now minus --lag, ${formatDuration(lagMs)})`;
  let message: string;
  let reason: string;
  // A checkpoint past an end the clock gives is caught up (resolveRange); only -e gets here.
  if (beginFrom === "checkpoint") {
    reason = "checkpoint-past-end";
    message =
      `The checkpoint ${b} is already at or past ${endText}: there is nothing new to sync. ` +
      "Pass -b to sync an earlier range (a backfill does not move the checkpoint back).";
  } else {
    reason = "begin-not-before-end";
    message = `The begin ${b} (${beginFrom === "option" ? "-b" : "the earliest version"}) is not before ${endText}. Pass a begin earlier than the end.`;
  }
  return new ConfigError("begin", undefined, message, { details: { begin: b, end: e, reason } });
}
