import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide, sourceWinsTie, versionToWrite, writesAboveTie } from "../../src/reconcile/decide.js";
import { makeRecord, type CurrentRecord, type SyncRecord } from "../../src/core/record.js";
import { recordDigest } from "../../src/reconcile/record.js";

const ID = "5b6962dd-3f90-4c93-8f61-eabfa4a803e2";

function record(version: bigint, content: string, deleted = false): SyncRecord {
  return makeRecord(ID, version, deleted, { v: content });
}

function current(version: bigint, content: string, deleted = false): CurrentRecord {
  return { ...record(version, content, deleted), token: undefined };
}

describe("decide", () => {
  it("writes a record the target does not have", () => {
    assert.deepEqual(decide(record(1n, "a"), undefined, "microsecond"), {
      action: "write",
      reason: "absent",
    });
  });

  it("writes a newer record and skips an older one", () => {
    assert.deepEqual(decide(record(2n, "a"), current(1n, "b"), "microsecond"), {
      action: "write",
      reason: "newer",
    });
    assert.deepEqual(decide(record(1n, "a"), current(2n, "b"), "microsecond"), {
      action: "skip",
      reason: "target-newer",
    });
  });

  it("skips an unchanged record", () => {
    assert.deepEqual(decide(record(5n, "a"), current(5n, "a"), "microsecond"), {
      action: "skip",
      reason: "unchanged",
    });
  });

  it("treats versions that differ below the coarser precision as equal", () => {
    assert.deepEqual(decide(record(1_000_999n, "a"), current(1_000_000n, "a"), "millisecond"), {
      action: "skip",
      reason: "unchanged",
    });
    assert.equal(decide(record(1_000_999n, "a"), current(1_000_000n, "a"), "microsecond").action, "write");
  });

  it("breaks a tie the same way from both sides: the larger digest wins", () => {
    const [low, high] = [record(7n, "aaa"), record(7n, "bbb")].sort((x, y) =>
      recordDigest(x) < recordDigest(y) ? -1 : 1,
    ) as [SyncRecord, SyncRecord];
    assert.deepEqual(decide(low, { ...high, token: undefined }, "microsecond"), {
      action: "skip",
      reason: "tie-lost",
    });
    assert.deepEqual(decide(high, { ...low, token: undefined }, "microsecond"), {
      action: "write",
      reason: "tie-break",
    });
  });

  it("keeps the digest that earlier versions ordered ties by", () => {
    // sha256("live\n" + '{"v":"aaa"}'): a changed digest would flip ties already settled.
    assert.equal(
      recordDigest(record(7n, "aaa")),
      "e3e8786c2e3a03c54e671c29844ad36b6e75353d0c84a9f7e84cd772739c7373",
    );
  });

  // Tried as an operator would: a document rewritten 500 microseconds after the one a run copied into
  // a millisecond column met the row as a tie; where the row's digest won, the run wrote the older
  // content over the newer document, stamped a microsecond above it.
  it("lets a copy dated later at its own finer precision win over the coarser copy of that unit", () => {
    const row = makeRecord(ID, 1_000_000n, false, { v: "first" }); // .123 in a millisecond column
    const doc = makeRecord(ID, 1_000_900n, false, { v: "second" }); // .123900 in a date_nanos field
    assert.deepEqual(decide(row, { ...doc, token: undefined }, "millisecond"), {
      action: "skip",
      reason: "tie-lost",
    });
    assert.deepEqual(decide(doc, { ...row, token: undefined }, "millisecond"), {
      action: "write",
      reason: "tie-break",
    });
    // The same content is a copy, however its versions differ below the millisecond.
    const copy = makeRecord(ID, 1_000_400n, false, { v: "first" });
    assert.equal(decide(copy, { ...row, token: undefined }, "millisecond").reason, "unchanged");
  });

  it("lets a tie go to the copy that holds every value of the other and more, from either side", () => {
    // A column synced since the document was written: the row holds it, the document never had it.
    const row = makeRecord(ID, 7n, false, { a: 1, note: "kept" });
    const documents = [makeRecord(ID, 7n, false, { a: 1 }), makeRecord(ID, 7n, false, { a: 1, note: null })];
    for (const doc of documents) {
      assert.equal(sourceWinsTie(row, doc), true, JSON.stringify(doc.content));
      assert.equal(sourceWinsTie(doc, row), false, JSON.stringify(doc.content));
      assert.equal(decide(doc, { ...row, token: undefined }, "microsecond").reason, "tie-lost");
    }
    // Where the copies disagree on a value they both hold, the digest decides as before, however many
    // values either holds.
    const [low, high] = [
      makeRecord(ID, 7n, false, { a: 1, note: "x", extra: 3 }),
      makeRecord(ID, 7n, false, { a: 2, note: "x" }),
    ].sort((x, y) => (recordDigest(x) < recordDigest(y) ? -1 : 1)) as [SyncRecord, SyncRecord];
    assert.equal(sourceWinsTie(high, low), true);
    assert.equal(sourceWinsTie(low, high), false);
    // A tombstone still beats a fuller live copy.
    assert.equal(sourceWinsTie(makeRecord(ID, 7n, true, {}), row), true);
  });

  it("lets a tombstone win a tie against a live record, from either side", () => {
    assert.equal(sourceWinsTie(record(7n, "a", true), record(7n, "z")), true);
    assert.equal(sourceWinsTie(record(7n, "z"), record(7n, "a", true)), false);
  });

  it("writes a tie winner at the version it tied with, above the row it beat, in a table of timeuuids", () => {
    assert.equal(writesAboveTie(record(1_000_700n, "a"), current(1_000_700n, "b"), "microsecond"), true);
    // Not a tie, a table of milliseconds, a target of one copy per record, or no row yet: no.
    assert.equal(writesAboveTie(record(1_000_701n, "a"), current(1_000_700n, "b"), "microsecond"), false);
    assert.equal(writesAboveTie(record(1_000_000n, "a"), current(1_000_000n, "b"), "millisecond"), false);
    assert.equal(writesAboveTie(record(1_000_700n, "a"), current(1_000_700n, "b"), undefined), false);
    assert.equal(writesAboveTie(record(1_000_700n, "a"), undefined, "microsecond"), false);
  });

  it("writes a winner one microsecond above the version it tied with where the target keeps a row per version", () => {
    assert.equal(
      versionToWrite(record(1_000_700n, "a"), current(1_000_700n, "b"), "microsecond"),
      1_000_701n,
    );
    assert.equal(
      versionToWrite(record(1_000_000n, "a"), current(1_000_700n, "b"), "microsecond"),
      1_000_701n,
    );
    assert.equal(
      versionToWrite(record(2_000_000n, "a"), current(1_000_700n, "b"), "microsecond"),
      2_000_000n,
    );
    assert.equal(versionToWrite(record(2_000_000n, "a"), undefined, "microsecond"), 2_000_000n);
  });

  // In a table of milliseconds one microsecond above is the same row: written over it, below the
  // application's write time, the winner never landed.
  it("writes a winner that falls on the row it beat one millisecond above it where the table keeps milliseconds", () => {
    assert.equal(
      versionToWrite(record(1_000_000n, "a"), current(1_000_000n, "b"), "millisecond"),
      1_001_000n,
    );
    assert.equal(
      versionToWrite(record(1_000_300n, "a"), current(1_000_000n, "b"), "millisecond"),
      1_001_000n,
    );
    assert.equal(
      versionToWrite(record(1_001_300n, "a"), current(1_000_000n, "b"), "millisecond"),
      1_001_300n,
    );
    assert.equal(versionToWrite(record(1_000_300n, "a"), undefined, "millisecond"), 1_000_300n);
  });

  it("writes a tie winner at the version it tied with where the target keeps one copy per record", () => {
    assert.equal(versionToWrite(record(1_000_700n, "a"), current(1_000_700n, "b"), undefined), 1_000_700n);
    assert.equal(versionToWrite(record(1_000_000n, "a"), current(1_000_700n, "b"), undefined), 1_000_701n);
    assert.equal(versionToWrite(record(2_000_000n, "a"), current(1_000_700n, "b"), undefined), 2_000_000n);
    assert.equal(versionToWrite(record(2_000_000n, "a"), undefined, undefined), 2_000_000n);
  });
});
