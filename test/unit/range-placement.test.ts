// The engine's placement of what a store read: inside the range, past its end (left for a later run),
// or beyond the future limit (bad, with the reason).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { placeBatch, placeInRange, scanRangeOf } from "../../src/reconcile/range-placement.js";
import { record } from "../support/memory-stores.js";
import { MIN_MICROS } from "../../src/core/micros.js";
import { makeRecord, type SyncRecord } from "../../src/core/record.js";

const ID = "aaaaaaaa-0000-4000-8000-000000000000";

describe("range placement", () => {
  const range = { begin: 0n, end: 100n, futureLimit: 500n };

  it("keeps a record below the end, drops one before the limit, and turns one past it bad", () => {
    assert.deepEqual(placeInRange(record(ID, 99), range), record(ID, 99));
    assert.equal(placeInRange(record(ID, 100), range), undefined);
    assert.equal(placeInRange(record(ID, 499), range), undefined);
    const bad = placeInRange(record(ID, 500), range);
    assert.ok(bad !== undefined && "kind" in bad);
    assert.match(
      bad.reason,
      /far in the future \(more than --max-future after the clock of this run: after 1970-01-01T00:00:00\.000500Z\)/,
    );
    // The operator whose dates are meant to lie ahead is told which option lets them in.
    assert.match(bad.reason, /or raise --max-future where such dates are meant$/);
  });

  // Read only by a scan from the earliest, which reads on below it: no range would ever hold it.
  it("turns a record dated before 0001-01-01 bad, with the reason", () => {
    const ancient = MIN_MICROS - 1n;
    const at = (version: bigint): SyncRecord => makeRecord(ID, version, false, {});
    const bad = placeInRange(at(ancient), { ...range, begin: MIN_MICROS });
    assert.ok(bad !== undefined && "kind" in bad);
    assert.match(bad.reason, /is before 0001-01-01, the earliest version synced reads, so no range holds it/);
    assert.deepEqual(placeInRange(at(MIN_MICROS), range), at(MIN_MICROS));
    const placed = placeBatch({ records: [at(ancient), record(ID, 1)], bad: [] }, range);
    assert.deepEqual(
      [placed.records.map((r) => r.version), placed.bad.map((b) => b.version)],
      [[1n], [ancient]],
    );
  });

  it("drops whatever lies past the end when no future limit is set", () => {
    assert.equal(placeInRange(record(ID, 1_000_000), { begin: 0n, end: 100n }), undefined);
  });

  it("passes a batch wholly in the range as it is, and splits one that is not", () => {
    const inside = { records: [record(ID, 1), record(ID, 2)], bad: [] };
    assert.equal(placeBatch(inside, range), inside);
    const earlier = { kind: "bad", id: "x", reason: "no id", raw: {} } as const;
    const mixed = placeBatch(
      { records: [record(ID, 1), record(ID, 200), record(ID, 600)], bad: [earlier] },
      range,
    );
    assert.deepEqual(
      mixed.records.map((r) => r.version),
      [1n],
    );
    assert.deepEqual(
      mixed.bad.map((b) => b.id),
      ["x", ID],
    );
  });

  it("leaves a bad record dated between the end and the future limit to the run whose range holds it", () => {
    const bad = (id: string, version?: bigint) =>
      ({
        kind: "bad",
        id,
        reason: "unreadable",
        raw: {},
        ...(version === undefined ? {} : { version }),
      }) as const;
    const placed = placeBatch(
      {
        records: [record(ID, 1)],
        bad: [bad("in", 50n), bad("after", 200n), bad("ahead", 600n), bad("undated")],
      },
      range,
    );
    assert.deepEqual(
      placed.bad.map((b) => b.id),
      ["in", "ahead", "undated"],
    );
  });

  it("cuts an end past the future limit back to it, so what lies beyond is bad whatever the end", () => {
    assert.deepEqual(scanRangeOf(0n, 100n, 500n), range);
    const cut = scanRangeOf(0n, 10_000n, 500n);
    assert.deepEqual(cut, { begin: 0n, end: 500n, futureLimit: 500n });
    assert.deepEqual(placeInRange(record(ID, 499), cut), record(ID, 499));
    const bad = placeInRange(record(ID, 9_999), cut);
    assert.ok(
      bad !== undefined && "kind" in bad,
      JSON.stringify(bad, (_, v: unknown) => String(v)),
    );
  });
});
