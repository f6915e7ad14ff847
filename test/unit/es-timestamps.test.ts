// Elasticsearch timestamps: the forms synced writes are read exactly, and any other ISO-8601 form
// reads as Date.parse reads it, with every fraction digit down to the microsecond.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMicros } from "../../src/core/micros.js";
import {
  DATE_NANOS_MAX,
  formatEsTimestamp,
  parseEsTimestamp,
  unwritableNanos,
  unwritableVersion,
} from "../../src/stores/search/timestamps.js";
import { unwritableNanosWithin } from "../../src/stores/search/nanos-values.js";
import { parseCqlType } from "../../src/core/cql-type.js";

/** A deterministic spread of microsecond instants from year 100 to 9999. */
function instants(count: number): bigint[] {
  const low = -59_011_459_200_000_000n; // 0100-01-01
  const span = 253_402_300_799_999_999n - low;
  let state = 12345n;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
    out.push(low + (state % span));
  }
  return out;
}

/** What Date.parse reads, plus the fraction's digits below the millisecond. */
function reference(text: string): bigint {
  const fraction = /\.(\d+)Z$/.exec(text)?.[1] ?? "";
  const ms = Date.parse(text.replace(/\.\d+Z$/, "Z"));
  return BigInt(ms) * 1000n + BigInt(fraction.padEnd(6, "0").slice(0, 6));
}

describe("Elasticsearch timestamps", () => {
  it("reads back every microsecond and millisecond form it writes", () => {
    for (const micros of instants(5000)) {
      assert.equal(parseEsTimestamp(formatEsTimestamp(micros, "microsecond")), micros, formatMicros(micros));
      const ms = (micros / 1000n) * 1000n - (micros < 0n && micros % 1000n !== 0n ? 1000n : 0n);
      assert.equal(parseEsTimestamp(formatEsTimestamp(micros, "millisecond")), ms, formatMicros(micros));
    }
  });

  it("reads dates the calendar lacks, and early years, as the general parser does", () => {
    for (const text of [
      "2023-02-29T00:00:00.000000Z",
      "2024-02-29T23:59:59.999999Z",
      "2024-02-30T12:00:00.500Z",
      "2024-04-31T00:00:00.000001Z",
      "2024-01-01T24:00:00.000Z",
      "0050-06-01T00:00:00.000000Z",
      "1969-12-31T23:59:59.999999Z",
    ]) {
      assert.equal(parseEsTimestamp(text), reference(text), text);
    }
  });

  it("reads epoch milliseconds with a fraction, as a date or date_nanos field takes them", () => {
    // An application may write them so; the index takes them, so a run must not dead-letter them.
    for (const [value, micros] of [
      ["1740787199999.999", 1_740_787_199_999_999n],
      ["1740787199999.5", 1_740_787_199_999_500n],
      ["0.001", 1n],
      ["1740787199999.9999999", 1_740_787_199_999_999n],
      ["-1.5", -1500n],
      ["-0.0005", -1n],
      [1_740_787_199_999.999, 1_740_787_199_999_999n],
      [1.5, 1500n],
      [-1.5, -1500n],
    ] as const) {
      assert.equal(parseEsTimestamp(value), micros, String(value));
    }
    for (const text of ["1.", ".5", "1.2.3", "1e3"]) assert.equal(parseEsTimestamp(text), undefined, text);
  });

  it("reads the shorter forms and comma fractions an index takes, as the index reads them", () => {
    // strict_date_optional_time comes before epoch_millis in the default format and in synced's own,
    // so the index reads four digits as a year, not as milliseconds of 1970 (tried against
    // Elasticsearch 8: "2026" and 2026 both index as 2026-01-01T00:00:00.000Z).
    const newYear = 1_767_225_600_000_000n; // 2026-01-01T00:00:00Z
    const hour = 3_600_000_000n;
    for (const [value, micros] of [
      ["2026", newYear],
      [2026, newYear],
      ["1969", -31_536_000_000_000n],
      ["2026-01", newYear],
      ["2026-01-01T10", newYear + 10n * hour],
      ["2026-01-01T10Z", newYear + 10n * hour],
      ["2026-01-01T10+05:30", newYear + 10n * hour - 5n * hour - 1_800_000_000n],
      ["2026-01-01T00:00:00,5Z", newYear + 500_000n],
      ["2026-01-01T10:11:12,123456Z", newYear + 10n * hour + 672_123_456n],
      ["2026-01-01T10:11:12.5+0530", newYear + 10n * hour + 672_500_000n - 5n * hour - 1_800_000_000n],
    ] as const) {
      assert.equal(parseEsTimestamp(value), micros, String(value));
    }
    // Fewer or more digits than a year are epoch milliseconds, as the index reads them.
    assert.equal(parseEsTimestamp("202"), 202_000n);
    assert.equal(parseEsTimestamp(20260), 20_260_000n);
    assert.equal(parseEsTimestamp(2026.5), 2_026_500n);
  });

  it("refuses what is not a timestamp", () => {
    for (const text of [
      "2024-13-01T00:00:00.000000Z",
      "2024-01-01T00:00:00.00000xZ",
      "2024-01-01X00:00:00.000Z",
    ]) {
      assert.equal(parseEsTimestamp(text), undefined, text);
    }
  });

  it("names the versions a date_nanos field cannot hold, and lets a date field hold them", () => {
    const before1970 = -315_619_199_877_000n; // 1960-01-01T00:00:00.123Z
    assert.match(
      unwritableVersion(before1970, "microsecond", "tmstmp") ?? "",
      /1960-01-01T00:00:00\.123000Z is before 1970, which the date_nanos field tmstmp cannot hold/,
    );
    assert.match(unwritableVersion(DATE_NANOS_MAX + 1n, "microsecond", "ts") ?? "", /after 2262/);
    assert.equal(unwritableVersion(-1n, "microsecond", "tmstmp") === undefined, false);
    for (const ok of [0n, DATE_NANOS_MAX])
      assert.equal(unwritableVersion(ok, "microsecond", "tmstmp"), undefined);
    assert.equal(unwritableVersion(before1970, "millisecond", "tmstmp"), undefined);
  });

  it("names a value before 1970 or after 2262 inside a collection or a UDT's field, not a tuple", () => {
    const udts = {
      visit: {
        keyspace: "app",
        name: "visit",
        fieldNames: ["at", "seen"],
        fieldTypes: ["timestamp", "list<timestamp>"],
      },
    };
    const column = (type: string, field: string, nanosFields: string[]) => ({
      name: "c",
      type: parseCqlType(type, (name) => udts[name as keyof typeof udts]),
      field,
      nanosFields,
    });
    const late = "3000-01-01T00:00:00.000Z";
    const fine = "2000-01-01T00:00:00.000Z";
    const list = column("list<timestamp>", "c_f", ["c_f"]);
    assert.match(
      unwritableNanosWithin([fine, late], list, "idx") ?? "",
      /^column c holds 3000-01-01T00:00:00\.000Z at c\[1\], after 2262-04-11, which the date_nanos field c_f of index idx cannot hold/,
    );
    assert.equal(unwritableNanosWithin([fine], list, "idx"), undefined);
    assert.match(
      unwritableNanosWithin(["1960-01-01T00:00:00.000Z"], column("set<timestamp>", "c", ["c"]), "idx") ?? "",
      /at c\[0\], before 1970/,
    );
    // A tuple is an object the index does not index (es-mapping.ts): no date_nanos field refuses it.
    const pair = column("frozen<tuple<int, timestamp>>", "c", ["c"]);
    assert.equal(unwritableNanosWithin([1, late], pair, "idx"), undefined);
    const visit = column("frozen<visit>", "c", ["c.at"]);
    assert.match(
      unwritableNanosWithin({ at: late }, visit, "idx") ?? "",
      /at c\.at, .*date_nanos field c\.at /,
    );
    // A field that ignores what it cannot hold (ignore_malformed) is not among the date_nanos fields.
    assert.equal(unwritableNanosWithin({ at: fine, seen: [late] }, visit, "idx"), undefined);
    const visits = column("list<frozen<visit>>", "c", ["c.at", "c.seen"]);
    assert.match(
      unwritableNanosWithin([{ at: fine }, { seen: [fine, late] }], visits, "idx") ?? "",
      /at c\[1\]\.seen\[1\]/,
    );
    assert.equal(unwritableNanosWithin(null, visits, "idx"), undefined);
  });

  it("names a timestamp whose year has more than four digits or a sign, which date_nanos cannot hold", () => {
    assert.match(unwritableNanos("+010000-01-01T00:00:00.000Z", "c", "c", "idx") ?? "", /after 2262/);
    assert.match(unwritableNanos("-000001-01-01T00:00:00.000Z", "c", "c", "idx") ?? "", /before 1970/);
  });
});
