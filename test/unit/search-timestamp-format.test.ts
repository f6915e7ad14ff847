// The timestamp field's date format: versions are read from ISO-8601 text and epoch milliseconds only,
// so a field whose format lets a document hold anything else cannot give versions.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timestampPrecision } from "../../src/stores/search/index-schema.js";
import { timestampRefusal } from "../../src/reconcile/plan-refusals.js";
import { TIMESTAMP_FORMAT } from "../../src/stores/values/es-mapping.js";
import { parseEsTimestamp } from "../../src/stores/search/timestamps.js";

const field = (type: string, format?: string): ReturnType<typeof timestampPrecision> =>
  timestampPrecision({ tmstmp: { type, ...(format === undefined ? {} : { format }) } }, "tmstmp");

describe("the timestamp field's date format", () => {
  it("gives versions with the default formats, spelled out or not", () => {
    assert.deepEqual(field("date"), { precision: "millisecond" });
    assert.deepEqual(field("date_nanos", "strict_date_optional_time_nanos||epoch_millis"), {
      precision: "microsecond",
    });
    assert.deepEqual(field("date", "strict_date_optional_time || epoch_millis"), {
      precision: "millisecond",
    });
    assert.deepEqual(field("date", "date_optional_time"), { precision: "millisecond" });
    // The format of the timestamp fields synced maps itself.
    assert.deepEqual(field("date", TIMESTAMP_FORMAT), { precision: "millisecond" });
  });

  it("reads four digits as milliseconds where epoch_millis comes before the date-time format", () => {
    // As the index does: under this order it holds "2026" as 1970-01-01T00:00:02.026Z.
    assert.deepEqual(field("date", "epoch_millis||strict_date_optional_time"), {
      precision: "millisecond",
      digitsAsMillis: true,
    });
    assert.equal(parseEsTimestamp("2026", true), 2_026_000n);
    assert.equal(parseEsTimestamp(2026, true), 2_026_000n);
    assert.equal(parseEsTimestamp("2026-01", true), 1_767_225_600_000_000n);
  });

  it("cannot give versions where a value could be seconds, other digits, or not ISO-8601 text", () => {
    for (const format of [
      "epoch_second",
      "strict_date_optional_time||epoch_second",
      "yyyyMMdd",
      "epoch_millis",
    ]) {
      const mapping = field("date", format);
      assert.ok("problem" in mapping, format);
      assert.equal(mapping.format, format);
      assert.equal(mapping.mappedAs, "date");
    }
  });

  it("is refused with the format and a new index as the fix", () => {
    const mapping = field("date_nanos", "epoch_second");
    assert.ok("problem" in mapping);
    const reason = timestampRefusal("events", "app-events", mapping, false);
    assert.match(reason, /maps field 'tmstmp' as date_nanos with format 'epoch_second'/);
    assert.match(
      reason,
      /format cannot change, so give the table a new index \(the config file's tables\.events\.index/,
    );
    assert.doesNotMatch(reason, /_mapping/);
  });
});
