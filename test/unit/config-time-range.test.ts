import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/core/errors.js";
import { formatMicros, MIN_MICROS } from "../../src/core/micros.js";
import { parseTimestamp } from "../../src/config/time-range.js";
import { caughtUpReason, resolveRange } from "../../src/reconcile/range.js";

const JAN_2015 = 1_420_070_400_000_000n; // 2015-01-01T00:00:00Z, the seed's example begin
const FEB_2015 = 1_422_748_800_000_000n;

function rejects(value: string, ...expected: (string | RegExp)[]): ConfigError {
  let caught: unknown;
  try {
    parseTimestamp(value, "end");
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `"${value}" should be refused`);
  for (const part of expected) {
    if (typeof part === "string")
      assert.ok(caught.message.includes(part), `${caught.message}\nlacks ${part}`);
    else assert.match(caught.message, part);
  }
  assert.equal(caught.option, "end");
  return caught;
}

describe("parseTimestamp", () => {
  it("reads ISO-8601 with Z, with offsets in every spelling, and dates as midnight UTC", () => {
    for (const text of [
      "2015-01-01T00:00:00Z",
      "2015-01-01t00:00:00z",
      "2015-01-01 00:00:00Z",
      "2015-01-01T00:00Z",
      "2015-01-01T01:00:00+01:00",
      "2015-01-01T01:00:00+0100",
      "2015-01-01T01:00:00+01",
      "2014-12-31T19:00:00-05:00",
      "2015-01-01",
    ]) {
      assert.equal(parseTimestamp(text), JAN_2015, text);
    }
  });

  it("keeps fractions to the microsecond and truncates digits beyond, up to 9", () => {
    assert.equal(parseTimestamp("2015-01-01T00:00:00.1Z"), JAN_2015 + 100_000n);
    assert.equal(parseTimestamp("2015-01-01T00:00:00.000001Z"), JAN_2015 + 1n);
    assert.equal(parseTimestamp("2015-01-01T00:00:00.123456Z"), JAN_2015 + 123_456n);
    assert.equal(parseTimestamp("2015-01-01T00:00:00.123456789Z"), JAN_2015 + 123_456n);
    assert.equal(parseTimestamp("2015-01-01T00:00:00.0000009Z"), JAN_2015);
    assert.equal(parseTimestamp("2015-01-01T01:00:00.5+01:00"), JAN_2015 + 500_000n);
  });

  it("reads times before the epoch as negative microseconds", () => {
    assert.equal(parseTimestamp("1969-12-31T23:59:59.999999Z"), -1n);
    assert.equal(parseTimestamp("1969-12-31T23:59:59.5Z"), -500_000n);
  });

  it("reads a bare number as epoch seconds, as the 2015 tool's examples do", () => {
    assert.equal(parseTimestamp("1420070400"), JAN_2015);
    assert.equal(parseTimestamp("1422748800"), FEB_2015);
    assert.equal(parseTimestamp("0"), 0n);
    assert.equal(parseTimestamp("1420070400.5"), JAN_2015 + 500_000n);
    assert.equal(parseTimestamp("1420070400.123456789"), JAN_2015 + 123_456n);
  });

  it("reads an epoch with each unit suffix", () => {
    assert.equal(parseTimestamp("1420070400s"), JAN_2015);
    assert.equal(parseTimestamp("1420070400000ms"), JAN_2015);
    assert.equal(parseTimestamp("1420070400000000us"), JAN_2015);
    assert.equal(parseTimestamp("1420070400000000000ns"), JAN_2015);
    assert.equal(parseTimestamp("1420070400123.456ms"), JAN_2015 + 123_456n);
    assert.equal(parseTimestamp("1420070400123456789ns"), JAN_2015 + 123_456n);
    assert.equal(parseTimestamp("1420070400.25s"), JAN_2015 + 250_000n);
  });

  it("refuses other forms, naming the flag, echoing the value and listing the accepted forms", () => {
    const error = rejects(
      "yesterday",
      "flag --end",
      '"yesterday"',
      "2015-01-01",
      "1420070400",
      "1420070400000ms",
    );
    assert.equal(error.details["value"], "yesterday");
    assert.equal(error.details["source"], "flag --end");
    for (const bad of [
      "",
      "-5",
      "1e9",
      "1420070400 ms",
      "1420070400MS",
      "1420070400m",
      "0x10",
      "2015/01/01",
      "15-01-01",
    ]) {
      rejects(bad, "Accepted forms", "ISO-8601");
    }
  });

  it("explains the likely mistake in a bad value", () => {
    rejects("2015-01-01T00:00:00", "no time zone", "add Z");
    rejects("2015-02-29", "not a calendar date");
    rejects("2015-13-01", "not a calendar date");
    rejects("2015-01-01T24:00:00Z", "not a time of day");
    rejects("2015-01-01T00:00:00.1234567891Z", "more than 9 fraction digits");
    rejects("1420070400.1234567891", "more than 9 fraction digits");
    rejects("2015-01-01T00:00:00+25:00", "offset");
    rejects("1420070400000", "1420070400000ms");
    rejects("1420070400000000", "1420070400000000us");
    rejects("999999999999999999999999ns", "after 9999-12-31");
    rejects("253402300800", "after 9999-12-31");
    // Tried as an operator would: year 0 and an offset that reaches back before the earliest version
    // were taken, and printed as -000001-12-31T23:00:00.000000Z, a time no option reads back.
    rejects("0000-12-31", "before 0001-01-01");
    rejects("0001-01-01T00:00:00+01:00", "before 0001-01-01");
    assert.equal(parseTimestamp("0001-01-01T00:00:00Z"), MIN_MICROS);
    assert.equal(parseTimestamp("0001-01-01T00:30:00+00:30"), MIN_MICROS);
    // Tried as a new user would: -b 2015 -e 2016 was one second in 1970, and the run said success.
    rejects(
      "2015",
      "reads as epoch seconds, 1970-01-01T00:33:35.000Z",
      "for the year write 2015-01-01",
      "2015s",
    );
    rejects("20150301", "for that date write 2015-03-01", "20150301s");
    assert.equal(parseTimestamp("2015s"), 2015_000_000n);
    assert.equal(parseTimestamp("1850"), 1850_000_000n);
  });

  it("accepts 29 February in a leap year", () => {
    assert.equal(parseTimestamp("2016-02-29"), 1_456_704_000_000_000n);
  });

  it("reads now, and now minus a duration as --lag takes it, against the clock it is given", () => {
    const now = JAN_2015 + 123_456n;
    const at = (text: string): bigint => parseTimestamp(text, "begin", { kind: "flag", flag: "-b" }, now);
    assert.equal(at("now"), now);
    assert.equal(at("now-2h"), now - 7_200_000_000n);
    assert.equal(at("now-1h30m"), now - 5_400_000_000n);
    assert.equal(at("NOW - 10m"), now - 600_000_000n);
    assert.equal(at("now-1500ms"), now - 1_500_000n);
    assert.ok(parseTimestamp("now-1m") < parseTimestamp("now"), "the clock by default");
  });

  it("refuses now with anything but a duration taken from it", () => {
    rejects("now-2", "not now minus a duration", "has no unit", "now-2h");
    rejects("now-1h1h", "not now minus a duration", "Accepted forms");
    // A future end is given as a time with --allow-future-end; the message says so.
    rejects("now+1h", "comes after now", "-e with --allow-future-end", "as a date and time", "now-1h");
    // Tried as an operator would: state set --to now+1h was told to give a date and time after now,
    // which state set refuses next.
    assert.throws(
      () => parseTimestamp("now+1h", "to"),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /comes after now: --to takes a time before now, such as now-1h/);
        assert.doesNotMatch(error.message, /--allow-future-end|2030/);
        return true;
      },
    );
    rejects("now-", "not now minus a duration");
    rejects("yesterday", "now-2h");
    rejects("now-800000d", "before 0001-01-01");
    rejects("now-1000000000d", "too long a duration");
  });
});

describe("formatMicros", () => {
  it("prints UTC with six fraction digits", () => {
    assert.equal(formatMicros(JAN_2015 + 123_456n), "2015-01-01T00:00:00.123456Z");
    assert.equal(formatMicros(0n), "1970-01-01T00:00:00.000000Z");
    assert.equal(formatMicros(-1n), "1969-12-31T23:59:59.999999Z");
    assert.equal(formatMicros(-1000n), "1969-12-31T23:59:59.999000Z");
  });

  it("round-trips through parseTimestamp", () => {
    for (const micros of [
      JAN_2015,
      JAN_2015 + 1n,
      FEB_2015 + 999_999n,
      -1n,
      -999_001n,
      253_402_300_799_999_999n,
    ]) {
      assert.equal(parseTimestamp(formatMicros(micros)), micros);
    }
  });
});

describe("resolveRange", () => {
  const now = FEB_2015;
  const lagMs = 30_000;

  it("defaults the end to now minus the lag and the begin to the earliest version, before 1970", () => {
    assert.deepEqual(resolveRange({ now, lagMs }), {
      begin: MIN_MICROS,
      end: now - 30_000_000n,
      beginFrom: "earliest",
      endFrom: "now-minus-lag",
      checkpointEnd: now - 30_000_000n,
    });
  });

  it("reads a look-back window before the checkpoint, and only when the run begins there", () => {
    const tenMinutes = 600_000_000n;
    const looking = resolveRange({ now, lagMs, checkpoint: JAN_2015, lookbackMs: 600_000 });
    assert.deepEqual([looking.begin, looking.lookbackFrom], [JAN_2015, JAN_2015 - tenMinutes]);
    assert.equal(resolveRange({ now, lagMs, checkpoint: JAN_2015, lookbackMs: 0 }).lookbackFrom, undefined);
    const explicit = resolveRange({
      now,
      lagMs,
      checkpoint: JAN_2015,
      begin: 5n,
      end: 10n,
      lookbackMs: 600_000,
    });
    assert.equal(explicit.lookbackFrom, undefined);
    assert.equal(resolveRange({ now, lagMs, lookbackMs: 600_000 }).lookbackFrom, undefined);
    const early = resolveRange({ now, lagMs, checkpoint: MIN_MICROS + 5n, lookbackMs: 600_000 });
    assert.equal(early.lookbackFrom, MIN_MICROS);
  });

  it("defaults the begin to the checkpoint, and lets -b override it", () => {
    assert.equal(resolveRange({ now, lagMs, checkpoint: JAN_2015 }).begin, JAN_2015);
    assert.equal(resolveRange({ now, lagMs, checkpoint: JAN_2015 }).beginFrom, "checkpoint");
    const explicit = resolveRange({ now, lagMs, checkpoint: JAN_2015, begin: 5n, end: 10n });
    assert.deepEqual(
      [explicit.begin, explicit.end, explicit.beginFrom, explicit.endFrom],
      [5n, 10n, "option", "option"],
    );
  });

  it("finds an incremental run caught up when its checkpoint is at or past now minus the lag", () => {
    // A larger --lag than the last run's, or a clock set back: nothing new yet, which is no mistake.
    const end = now - 30_000_000n;
    for (const checkpoint of [end, end + 5_000_000n]) {
      const range = resolveRange({ now, lagMs, checkpoint, lookbackMs: 600_000 });
      assert.deepEqual(
        [range.begin, range.end, range.beginFrom, range.caughtUp, range.lookbackFrom],
        [checkpoint, end, "checkpoint", true, undefined],
      );
    }
    assert.equal(resolveRange({ now, lagMs, checkpoint: end - 1n }).caughtUp, undefined);
  });

  it("says until when a caught-up run has nothing new, and asks about the clock when the checkpoint is ahead of it", () => {
    const end = now - 30_000_000n;
    const waiting = caughtUpReason(resolveRange({ now, lagMs, checkpoint: end + 1n }), now);
    assert.equal(
      waiting,
      `nothing new to sync until now minus the lag (${formatMicros(end)}) passes the checkpoint`,
    );
    const ahead = caughtUpReason(
      resolveRange({ now, lagMs, checkpoint: now + 1n, lookbackMs: 600_000 }),
      now,
    );
    assert.match(
      ahead,
      /ahead of this host's clock .*check the clock, or move the checkpoint back with synced state set --to/,
    );
  });

  // Tried as an operator would: a checkpoint a day ahead of the clock (a host whose clock ran fast,
  // set back since) made every run succeed with nothing to do, exit 0; what the writers wrote that day
  // was dated before the checkpoint and earlier than the look-back window, and no run ever read it.
  it("refuses a checkpoint ahead of the clock by more than the look-back window, saying what it would leave behind", () => {
    const lookbackMs = 600_000;
    const day = 86_400_000_000n;
    for (const [checkpoint, lookback] of [
      [now + day, lookbackMs],
      [now + 601_000_001n, lookbackMs],
      [now + 1_000_001n, 0],
    ] as const) {
      assert.throws(
        () => resolveRange({ now, lagMs, checkpoint, lookbackMs: lookback }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.option === "lookback" &&
          error.details["reason"] === "checkpoint-ahead-of-clock" &&
          error.message.includes(formatMicros(checkpoint)) &&
          error.message.includes(formatMicros(now)) &&
          error.message.includes("no run would read it") &&
          error.message.includes("synced state set --to now-30s --yes") &&
          error.message.includes("Nothing was done."),
      );
    }
    // Within the window, what is written from now on is read again once the clock passes it.
    for (const checkpoint of [now + 1n, now + 601_000_000n]) {
      assert.equal(resolveRange({ now, lagMs, checkpoint, lookbackMs }).caughtUp, true);
    }
    // Two hosts' clocks differ by a few milliseconds: a second is allowed for that, as for Cassandra's.
    assert.equal(resolveRange({ now, lagMs, checkpoint: now + 5_000n, lookbackMs: 0 }).caughtUp, true);
  });

  it("refuses a checkpoint at or past an end given with -e, naming both and saying what to do", () => {
    assert.throws(
      () => resolveRange({ now, lagMs, checkpoint: FEB_2015 - 1n, end: JAN_2015 }),
      (error: unknown) => error instanceof ConfigError && error.message.includes("Pass -b"),
    );
  });

  it("refuses a begin that is not before the end", () => {
    for (const begin of [JAN_2015, JAN_2015 + 1n]) {
      assert.throws(
        () => resolveRange({ now, lagMs, begin, end: JAN_2015 }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.details["reason"] === "begin-not-before-end" &&
          error.message.includes(formatMicros(begin)) &&
          error.message.includes(formatMicros(JAN_2015)),
      );
    }
  });

  it("refuses an end after now unless allowed, and accepts an end at now", () => {
    assert.throws(
      () => resolveRange({ now, lagMs, end: now + 1n }),
      (error: unknown) => error instanceof ConfigError && error.message.includes("--allow-future-end"),
    );
    const future = resolveRange({ now, lagMs, end: now + 1n, allowFutureEnd: true });
    assert.deepEqual([future.end, future.checkpointEnd], [now + 1n, now - 30_000_000n]);
    const atNow = resolveRange({ now, lagMs, end: now });
    assert.deepEqual([atNow.end, atNow.checkpointEnd], [now, now - 30_000_000n]);
  });

  // Tried as an operator would: verify -e 2030-01-01T00:00:00Z was refused because records written later
  // would sit behind the checkpoint, which verify never moves.
  it("refuses verify's end after now for what verify compares, not for a checkpoint", () => {
    assert.throws(
      () => resolveRange({ now, lagMs, end: now + 1n, movesCheckpoint: false }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes("Verify moves no checkpoint, but takes such an end only when asked") &&
        error.message.includes("--allow-future-end") &&
        !error.message.includes("behind the checkpoint"),
    );
  });

  // Tried as an operator would: runs with -e now and --lookback 0 moved the checkpoint to now, so a
  // record dated within the lag before that end and not yet visible to the read was seen by no run.
  it("moves the checkpoint no further than now minus the lag, whatever the end", () => {
    const lag = 30_000_000n;
    const within = resolveRange({ now, lagMs, checkpoint: now - 3_600_000_000n, end: now - 10_000_000n });
    assert.deepEqual([within.end, within.checkpointEnd], [now - 10_000_000n, now - lag]);
    const before = resolveRange({ now, lagMs, checkpoint: now - 3_600_000_000n, end: now - lag - 1n });
    assert.deepEqual([before.end, before.checkpointEnd], [now - lag - 1n, now - lag - 1n]);
    const noLag = resolveRange({ now, lagMs: 0, end: now });
    assert.deepEqual([noLag.end, noLag.checkpointEnd], [now, now]);
  });
});
