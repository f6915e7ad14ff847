// Parity of both sides, over the engine's store interfaces: what each side's records look like on
// the other, which ids differ, and what counts as a difference. The integration test plants a hard
// delete and an out-of-band change on the real servers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/core/errors.js";
import type { BadRecord, SyncRecord } from "../../src/core/record.js";
import { reportJson, reportText } from "../../src/cli/verify-report.js";
import { ErrorBudget } from "../../src/reconcile/error-budget.js";
import { verify } from "../../src/reconcile/verify.js";
import {
  MemoryDeadLetters,
  MemoryRecordStore,
  MemorySchema,
  planSettings,
  record,
  tableInput,
} from "../support/memory-stores.js";

const id = (n: number): string => `0000000${n}-0000-4000-8000-000000000000`;
const range = { begin: 0n, end: 1000n };

function world(): { cassandra: MemoryRecordStore; elasticsearch: MemoryRecordStore } {
  const cassandra = new MemoryRecordStore("cassandra").put(
    record(id(1), 10, { n: 1 }),
    record(id(2), 10, { n: 2 }),
    record(id(3), 10, { n: 3 }),
    record(id(4), 5, { n: 4 }),
  );
  const elasticsearch = new MemoryRecordStore("elasticsearch").put(
    record(id(1), 10, { n: 1 }),
    record(id(2), 20, { n: 2 }),
    record(id(3), 10, { n: 33 }),
    record(id(5), 10, { n: 5 }),
  );
  return { cassandra, elasticsearch };
}

const signal = new AbortController().signal;

describe("verify", () => {
  it("waits for a timestamp index still being built before it reads the table through it", async () => {
    const schema = new MemorySchema([tableInput("things", { timestampIndexed: true })], ["things"]);
    schema.buildingTimestampIndexes.add("things");
    const report = await verify(
      { range, direction: "both", limit: 10, plan: planSettings() },
      { ...world(), schema, signal },
    );
    assert.deepEqual(schema.awaitedTimestampIndexes, ["things"]);
    assert.equal(report.sides.length, 2);
  });

  it("reads a table of large rows in the lowered batches a run takes, and says so once", async () => {
    const stores = world();
    stores.elasticsearch.size = { rowBytes: 2 * 1024 * 1024, rows: 100 };
    const logged: string[] = [];
    await verify(
      { range, direction: "both", limit: 10, plan: planSettings(), batchSize: 500 },
      {
        ...stores,
        schema: new MemorySchema(["things"], ["things"]),
        signal,
        log: (message) => logged.push(message),
      },
    );
    const batches = [...stores.cassandra.scannedPlans, ...stores.elasticsearch.scannedPlans].map(
      (p) => p.batchSize,
    );
    assert.deepEqual(batches, [4, 4]);
    assert.equal(logged.filter((m) => m.includes("4 at a time instead of --batch-size 500")).length, 1);
  });

  it("counts, per side, what the other side holds: equal, missing, older, newer, a tie", async () => {
    const report = await verify(
      { range, direction: "both", limit: 10, plan: planSettings() },
      { ...world(), schema: new MemorySchema(["things"], ["things"]), signal },
    );
    const counts = report.sides.map(({ side, scanned, equal, missing, older, newer, tie }) => ({
      side,
      scanned,
      equal,
      missing,
      older,
      newer,
      tie,
    }));
    assert.deepEqual(counts, [
      { side: "cassandra", scanned: 4, equal: 1, missing: 1, older: 0, newer: 1, tie: 1 },
      { side: "elasticsearch", scanned: 4, equal: 1, missing: 1, older: 1, newer: 0, tie: 1 },
    ]);
    assert.deepEqual(
      report.sides[0]?.differing.map((d) => [d.id, d.difference, d.version, d.otherVersion]),
      [
        [id(2), "newer", 10n, 20n],
        [id(3), "tie", 10n, 10n],
        [id(4), "missing", 5n, undefined],
      ],
    );
    assert.equal(report.differences, 6);
  });

  // Tried as a new user would: a millisecond row at .123 beside a document at .123900 with other
  // content was listed as a tie, where a run lets the document win as the later write.
  it("tells a copy later within the coarser unit from a tie, as a run does", async () => {
    const cassandra = new MemoryRecordStore("cassandra", "millisecond").put(record(id(1), 123_000, { n: 1 }));
    const elasticsearch = new MemoryRecordStore("elasticsearch").put(record(id(1), 123_900, { n: 2 }));
    const report = await verify(
      { range: { begin: 0n, end: 1_000_000n }, direction: "both", limit: 10, plan: planSettings() },
      { cassandra, elasticsearch, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    assert.deepEqual(
      report.sides.map((s) => [s.side, s.differing.map((d) => d.difference)]),
      [
        ["cassandra", ["newer"]],
        ["elasticsearch", ["older"]],
      ],
    );
  });

  it("keeps only the first differing ids, and reads only the sides the direction syncs from", async () => {
    const report = await verify(
      { range, direction: "to-es", limit: 1, plan: planSettings() },
      { ...world(), schema: new MemorySchema(["things"], ["things"]), signal },
    );
    assert.deepEqual(
      report.sides.map((s) => [s.side, s.differing.length]),
      [["cassandra", 1]],
    );
    assert.equal(report.differences, 3);
  });

  it("finds nothing to report where both sides agree, and counts a table without its index", async () => {
    const same = new MemoryRecordStore("cassandra").put(record(id(1), 10));
    const copy = new MemoryRecordStore("elasticsearch").put(record(id(1), 10));
    const odd = tableInput("odd", { shape: { supported: false, reason: "no tmstmp column" } });
    const schema = new MemorySchema(["things", "unindexed", odd], ["things"]);
    const report = await verify(
      { range, direction: "both", limit: 10, plan: planSettings() },
      { cassandra: same, elasticsearch: copy, schema, signal },
    );
    assert.deepEqual(
      report.sides.map((s) => s.equal),
      [1, 1],
    );
    assert.deepEqual(
      report.skipped.map((s) => [s.name, s.differs]),
      [
        ["odd", false],
        ["unindexed", true],
      ],
    );
    assert.equal(report.differences, 1);
  });

  it("refuses to call the sides the same when no selected table can be compared", async () => {
    const odd = tableInput("odd", { shape: { supported: false, reason: "counter table" } });
    const schema = new MemorySchema([odd], []);
    await assert.rejects(
      verify({ range, direction: "both", limit: 10, plan: planSettings() }, { ...world(), schema, signal }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /^no selected table can be synced, so verify would compare nothing: odd: counter table\. /,
        );
        return true;
      },
    );
  });

  it("repairs what differs as a run would: the newer side wins, a tie by the rule, missing ones listed", async () => {
    const stores = world();
    const repair = { copyMissing: false, deadLetters: new MemoryDeadLetters(), budget: new ErrorBudget(10) };
    const report = await verify(
      { range, direction: "both", limit: 10, plan: planSettings(), repair },
      { ...stores, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    // The tie goes to whichever copy the rule picks: Cassandra's pass writes it, or Elasticsearch's.
    const cassandraWon = stores.elasticsearch.get(id(3))?.content["n"] === 3;
    assert.deepEqual(
      report.sides.map((s) => [s.side, s.repaired, s.repairFailed]),
      [
        ["cassandra", cassandraWon ? 1 : 0, 0],
        ["elasticsearch", cassandraWon ? 1 : 2, 0],
      ],
    );
    assert.equal(stores.cassandra.get(id(2))?.version, 20n);
    assert.deepEqual(stores.cassandra.get(id(3))?.content, stores.elasticsearch.get(id(3))?.content);
    // On one side only: perhaps a hard delete, so listed and left alone, and counted as left.
    assert.deepEqual([stores.elasticsearch.get(id(4)), stores.cassandra.get(id(5))], [undefined, undefined]);
    assert.equal(report.unresolved, 2);
  });

  it("counts a newer copy as left when the direction does not read its side", async () => {
    const stores = world();
    const repair = { copyMissing: true, deadLetters: new MemoryDeadLetters(), budget: new ErrorBudget(10) };
    const report = await verify(
      { range, direction: "to-es", limit: 10, plan: planSettings(), repair },
      { ...stores, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    assert.deepEqual(
      report.sides.map((s) => [s.side, s.newer]),
      [["cassandra", 1]],
    );
    assert.equal(report.unresolved, 1);
  });

  it("copies records the other side lacks only when told to", async () => {
    const stores = world();
    const repair = { copyMissing: true, deadLetters: new MemoryDeadLetters(), budget: new ErrorBudget(10) };
    const report = await verify(
      { range, direction: "both", limit: 10, plan: planSettings(), repair },
      { ...stores, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    assert.deepEqual(
      [stores.elasticsearch.get(id(4))?.version, stores.cassandra.get(id(5))?.version],
      [5n, 10n],
    );
    assert.equal(report.unresolved, 0);
  });

  // Tried as an operator would: a document whose row is dated past --max-future was listed as newer on
  // cassandra, among the differences the next run makes agree, while every run dead-letters that row.
  it("counts a record whose copy is dated past the future limit as bad, as the run leaves it", async () => {
    const cassandra = new MemoryRecordStore("cassandra").put(record(id(1), 2_000, { n: 2 }));
    const elasticsearch = new MemoryRecordStore("elasticsearch").put(record(id(1), 10, { n: 1 }));
    const window = { checkpoint: 900n, lookbackFrom: 800n, covers: () => true };
    const report = await verify(
      {
        range: { begin: 0n, end: 1000n, futureLimit: 1500n },
        direction: "both",
        limit: 10,
        plan: planSettings(),
        window,
      },
      { cassandra, elasticsearch, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    assert.deepEqual(
      report.sides.map((s) => [s.side, s.newer, s.bad, s.badSince]),
      [
        ["cassandra", 0, 1, undefined],
        ["elasticsearch", 0, 1, undefined],
      ],
    );
    const [bad] = report.sides[1]?.badRecords ?? [];
    assert.ok(bad !== undefined);
    assert.equal(bad.id, id(1));
    // Its own date, as every bad record listed has, not its copy's.
    assert.equal(bad.version, 10n);
    assert.match(bad.reason, /copy on cassandra .*past --max-future.* dead-letters/);
    const text = reportText(report, false).join("\n");
    assert.doesNotMatch(text, /next run/);
    assert.match(text, /only a person settles/);
    // It can be read; what is wrong is its copy, which the line's reason names.
    assert.doesNotMatch(text, /cannot be read:/);
    assert.match(text, new RegExp(`${id(1)}  bad: its copy on cassandra`));
  });

  // Tried as an operator whose applications delete records would: a delete on one side only was
  // listed as a record like any other, and the line for differences the next run reads said it makes
  // the sides agree without saying that a record hard-deleted on one side comes back from the other.
  it("marks deletes among the differences, and says a hard delete comes back", async () => {
    const deleted = (n: number, version: number): SyncRecord => ({
      ...record(id(n), version),
      deleted: true,
    });
    const cassandra = new MemoryRecordStore("cassandra").put(deleted(1, 900), record(id(2), 900, { n: 2 }));
    const elasticsearch = new MemoryRecordStore("elasticsearch").put(
      record(id(2), 850, { n: 2 }),
      deleted(3, 950),
    );
    const window = { checkpoint: 900n, lookbackFrom: 800n, covers: () => true };
    const report = await verify(
      { range, direction: "both", limit: 10, plan: planSettings(), window },
      { cassandra, elasticsearch, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    const text = reportText(report, false).join("\n");
    assert.match(
      text,
      new RegExp(`${id(1)}  not on elasticsearch \\(1970-01-01T00:00:00.000900Z deleted\\)`),
    );
    assert.match(text, new RegExp(`${id(2)}  older on elasticsearch \\(\\S+ vs \\S+\\)`));
    assert.match(text, new RegExp(`${id(3)}  not on cassandra \\(\\S+ deleted\\)`));
    assert.match(text, /copying a record found on one side only \(a hard delete there comes back\)/);
    const json = JSON.stringify(reportJson(report, false));
    assert.match(json, new RegExp(`"id":"${id(1)}","difference":"missing","version":"[^"]+","deleted":true`));
  });

  it("lists the records it cannot read up to the limit, dates them, and counts them as left", async () => {
    const stores = world();
    const bad = (n: number, version?: bigint): BadRecord => ({
      kind: "bad",
      id: id(n),
      documentId: `doc-${n}`,
      reason: `reason ${n}`,
      raw: {},
      ...(version === undefined ? {} : { version }),
    });
    stores.elasticsearch.bad = [bad(6, 300n), bad(7, 200n), bad(8, 400n)];
    const repair = { copyMissing: true, deadLetters: new MemoryDeadLetters(), budget: new ErrorBudget(10) };
    const report = await verify(
      {
        range: { begin: 100n, end: 1000n },
        direction: "to-cassandra",
        limit: 2,
        plan: planSettings(),
        repair,
      },
      { ...stores, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    const [side] = report.sides;
    assert.ok(side !== undefined);
    assert.deepEqual(
      [side.bad, side.badRecords, side.badSince],
      [
        3,
        [
          { id: id(6), documentId: "doc-6", reason: "reason 6", version: 300n },
          { id: id(7), documentId: "doc-7", reason: "reason 7", version: 200n },
        ],
        200n,
      ],
    );
    // A repair cannot write them: they are left for a person.
    assert.equal(report.unresolved, 3);

    // One without a version that could be read: a backfill from the range's beginning meets it.
    const undated = world();
    undated.elasticsearch.bad = [bad(6, 300n), bad(9)];
    const plain = await verify(
      { range: { begin: 100n, end: 1000n }, direction: "to-cassandra", limit: 10, plan: planSettings() },
      { ...undated, schema: new MemorySchema(["things"], ["things"]), signal },
    );
    assert.deepEqual(
      plain.sides.map((s) => [s.bad, s.badSince]),
      [[2, 100n]],
    );
    assert.equal(plain.differences, 2);
  });
});
