// The rule that says when a run read far more than its range held, and the line that says it in the
// summary; the real reads are in test/integration/read-ratio.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  READ_NOTICE_MIN_ROWS,
  READ_NOTICE_RATIO,
  readFarMore,
  readNotice,
  readPerInRange,
} from "../../src/reconcile/read-ratio.js";
import { emptyStats, type TableStats } from "../../src/reconcile/stats.js";
import { renderSummary, summaryJson } from "../../src/cli/summary.js";
import { runReport } from "../support/run-report.js";

function stats(table: string, read: number | undefined, scanned: number): TableStats {
  const s = { ...emptyStats(table, "to-es"), scanned };
  return read === undefined ? s : { ...s, read };
}

describe("the read-ratio rule", () => {
  it("gives rows read per record in range, to one decimal, only where the read was counted", () => {
    assert.equal(readPerInRange(stats("t", 10_003, 3)), 3334.3);
    assert.equal(readPerInRange(stats("t", 500, 500)), 1);
    assert.equal(readPerInRange(stats("t", undefined, 3)), undefined);
    assert.equal(readPerInRange(stats("t", 20_000, 0)), undefined);
  });

  it("speaks from the ratio on, and only past the minimum of rows read", () => {
    const min = READ_NOTICE_MIN_ROWS;
    assert.equal(readFarMore(stats("t", min, min / READ_NOTICE_RATIO)), true);
    assert.equal(readFarMore(stats("t", min, min / READ_NOTICE_RATIO + 1)), false);
    assert.equal(readFarMore(stats("t", min - 1, 0)), false, "a small table does not nag");
    assert.equal(readFarMore(stats("t", min, 0)), true, "a whole table read for nothing");
    assert.equal(readFarMore(stats("t", min * 100, min * 100)), false, "a backfill reads what it keeps");
    assert.equal(readFarMore(stats("t", undefined, 1)), false, "a read through the index is not counted");
  });

  it("names every such table in one line, with the ratio, the option and its price", () => {
    assert.equal(readNotice([stats("small", 100, 1), stats("indexed", undefined, 5)]), undefined);
    const notice = readNotice([
      stats("events", 10_003, 3),
      stats("small", 100, 1),
      stats("empty_range", 50_000, 0),
    ]);
    assert.ok(notice !== undefined);
    assert.match(notice, /events \(10,003 rows read for 3 in range, 3,334×\)/);
    assert.match(notice, /empty_range \(50,000 rows read, none in range\)/);
    assert.doesNotMatch(notice, /small/);
    assert.match(notice, /Without an index on its timestamp column/);
    assert.match(notice, /--create-timestamp-index/);
    assert.match(notice, /each write to the table also updates the index/);
    assert.match(notice, /rows without a timestamp are then looked for only by runs from the epoch/);
  });

  it("says where the figure is Cassandra's estimate of the partitions, not a count", () => {
    const estimated = (table: string, read: number, scanned: number): TableStats => ({
      ...stats(table, read, scanned),
      readEstimated: true,
    });
    const notice = readNotice([estimated("versions", 10_240, 3), estimated("quiet", 20_000, 0)]);
    assert.ok(notice !== undefined);
    assert.match(
      notice,
      /versions \(about 10,240 partitions read for 3 in range, about 3,413×, by Cassandra's size estimate\)/,
    );
    assert.match(
      notice,
      /quiet \(about 20,000 partitions read, none in range, by Cassandra's size estimate\)/,
    );
  });
});

describe("the notice in the summary", () => {
  const far = stats("events", 10_003, 3);
  const report = runReport({
    tables: [far, { ...stats("events", undefined, 3), direction: "to-cassandra" }],
    notices: [readNotice([far]) ?? ""],
  });

  it("prints the notice once, as a note, in the text summary", () => {
    const notes = renderSummary(report)
      .split("\n")
      .filter((line) => line.startsWith("note: "));
    assert.equal(notes.length, 1);
    assert.match(notes[0] ?? "", /events .*3,334×.*--create-timestamp-index/);
  });

  it("gives the read and its ratio per table in --json where it was counted, and the notice", () => {
    const json = summaryJson(report);
    const [counted, uncounted] = json["tables"] as (Record<string, unknown> | undefined)[];
    assert.ok(counted !== undefined && uncounted !== undefined);
    assert.equal(counted["read"], 10_003);
    assert.equal(counted["readPerInRange"], 3334.3);
    assert.equal("readPerInRange" in uncounted, false);
    assert.deepEqual(json["notices"], report.notices);
  });
});
