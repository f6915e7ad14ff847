// The engine's reconciliation of one table in one direction, over in-memory stores that keep the
// RecordStore contract: who wins, what is written, what is dead-lettered, and how races are retried.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "../../src/reconcile/decide.js";
import { ErrorBudget } from "../../src/reconcile/error-budget.js";
import { CircuitOpenError } from "../../src/reconcile/run-errors.js";
import { SettledRecords } from "../../src/reconcile/settled-records.js";
import { syncTable, type SyncTableInput } from "../../src/reconcile/sync-table.js";
import type { PlannedWrite } from "../../src/reconcile/record-store.js";
import { MemoryDeadLetters, MemoryRecordStore, plan, record } from "../support/memory-stores.js";

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), "the condition never held");
}

const ids = ["a", "b", "c", "d", "e"].map((c) => `${c.repeat(8)}-0000-4000-8000-000000000000`);
const id = (i: number): string => ids[i] ?? "";

function setup(overrides: Partial<SyncTableInput> = {}): {
  source: MemoryRecordStore;
  target: MemoryRecordStore;
  letters: MemoryDeadLetters;
  input: () => SyncTableInput;
} {
  const source = new MemoryRecordStore("cassandra");
  const target = new MemoryRecordStore("elasticsearch");
  const letters = new MemoryDeadLetters();
  return {
    source,
    target,
    letters,
    input: () => ({
      plan: plan(),
      direction: "to-es",
      source,
      target,
      range: { begin: 0n, end: 1000n },
      dryRun: false,
      deadLetters: letters,
      budget: new ErrorBudget(10),
      signal: new AbortController().signal,
      ...overrides,
    }),
  };
}

describe("syncTable", () => {
  it("writes no record the target would hold as expired already, and counts it", async () => {
    const decisions: string[] = [];
    const { source, target, input } = setup({
      onDecision: (d) => decisions.push(`${d.record.id.slice(0, 1)} ${d.decision.reason}`),
    });
    target.expiredBefore = 15n;
    source.put(record(id(0), 10, { v: 1 }), record(id(1), 20, { v: 2 }));
    const stats = await syncTable(input());
    assert.deepEqual(
      { scanned: stats.scanned, written: stats.written, expired: stats.expired },
      { scanned: 2, written: 1, expired: 1 },
    );
    assert.equal(target.get(id(0)), undefined);
    assert.deepEqual(target.get(id(1))?.content, { v: 2 });
    assert.deepEqual(target.fetchCalls, [[id(1)]], "an expired record is not looked up either");
    assert.deepEqual(decisions.sort(), ["a expired", "b absent"]);
  });

  it("tells the letters which records it reconciled: equal ones in both directions, the rest in this", async () => {
    const { source, target, letters, input } = setup();
    source.put(
      record(id(0), 10, { v: 1 }), // absent: written, equal on both sides after
      record(id(1), 20, { v: 2 }), // equal already
      record(id(2), 30, { v: 3 }), // older than the target's: its copy may go the other way
      record(id(3), 40, { v: 4 }), // refused: fails again
    );
    target.put(record(id(1), 20, { v: 2 }), record(id(2), 50, { v: 9 }));
    target.refuse.set(id(3), "no");
    await syncTable(input());
    assert.deepEqual(letters.settledRecords.sort(), [
      `to-cassandra ${id(0)}`,
      `to-cassandra ${id(1)}`,
      `to-es ${id(0)}`,
      `to-es ${id(1)}`,
      `to-es ${id(2)}`,
    ]);
    assert.deepEqual(
      letters.letters.map((l) => l.id),
      [id(3)],
    );
  });

  it("writes what is absent or older in the target, and counts what it leaves", async () => {
    const { source, target, input } = setup();
    source.put(record(id(0), 10, { v: 1 }), record(id(1), 20, { v: 2 }), record(id(2), 30, { v: 3 }));
    source.put(record(id(3), 2000, { v: 4 })); // after the range: not read
    target.put(record(id(1), 5, { v: 0 }), record(id(2), 40, { v: 9 }));
    const stats = await syncTable(input());
    assert.deepEqual(
      { scanned: stats.scanned, written: stats.written, targetNewer: stats.targetNewer },
      { scanned: 3, written: 2, targetNewer: 1 },
    );
    assert.deepEqual(target.get(id(0))?.content, { v: 1 });
    assert.deepEqual(target.get(id(1))?.content, { v: 2 });
    assert.deepEqual(target.get(id(2))?.content, { v: 9 });
    assert.equal(target.get(id(3)), undefined);

    const again = await syncTable(input());
    assert.deepEqual({ written: again.written, unchanged: again.unchanged }, { written: 0, unchanged: 2 });
  });

  it("plans the version each write stores: the tied version itself in a target of one copy per record", async () => {
    // A source that keeps milliseconds, and a finer target holding the same version to the microsecond.
    const source = new MemoryRecordStore("cassandra", "millisecond");
    const { target, input } = setup({ source, range: { begin: 0n, end: 5000n } });
    const theirs = record(id(0), 1000, { v: "theirs" });
    const contents = Array.from({ length: 20 }, (_, v) => record(id(0), 1000, { v }));
    const winner = contents.find((r) => decide(r, { ...theirs, token: 0 }, "millisecond").action === "write");
    assert.ok(winner !== undefined);
    source.put(winner);
    target.put(theirs);
    const stats = await syncTable(input());
    assert.equal(stats.written, 1);
    assert.deepEqual([target.get(id(0))?.version, target.get(id(0))?.content], [1000n, winner.content]);
  });

  it("plans the version each write stores: the tied version, above the row it beat, in a table of timeuuids", async () => {
    const source = new MemoryRecordStore("elasticsearch");
    const target = new MemoryRecordStore("cassandra");
    const { input } = setup({
      source,
      target,
      direction: "to-cassandra",
      plan: { ...plan(), shape: "versioned" },
      range: { begin: 0n, end: 5000n },
    });
    const theirs = record(id(0), 1000, { v: "theirs" });
    const contents = Array.from({ length: 20 }, (_, v) => record(id(0), 1000, { v }));
    const winner = contents.find((r) => decide(r, { ...theirs, token: 0 }, "microsecond").action === "write");
    assert.ok(winner !== undefined);
    source.put(winner);
    target.put(theirs);
    const planned: PlannedWrite[] = [];
    const write = target.write.bind(target);
    target.write = (p, writes) => {
      planned.push(...writes);
      return write(p, writes);
    };
    const stats = await syncTable(input());
    assert.equal(stats.written, 1);
    assert.deepEqual(
      planned.map((w) => [w.version, w.aboveTie]),
      [[1000n, true]],
    );
    assert.deepEqual([target.get(id(0))?.version, target.get(id(0))?.content], [1000n, winner.content]);
  });

  it("writes no coarser copy over a finer one dated later within its millisecond", async () => {
    const source = new MemoryRecordStore("cassandra", "millisecond");
    const { target, input } = setup({ source, range: { begin: 0n, end: 5000n } });
    source.put(record(id(0), 1000, { v: "older" }));
    target.put(record(id(0), 1400, { v: "newer" }));
    const stats = await syncTable(input());
    assert.deepEqual([stats.written, stats.tieLost], [0, 1]);
    assert.deepEqual(target.get(id(0))?.content, { v: "newer" });
  });

  it("places what the source read past the end: dead-letters a version far in the future, leaves the rest", async () => {
    const { source, target, letters, input } = setup({
      range: { begin: 0n, end: 1000n, futureLimit: 5000n },
    });
    source.put(record(id(0), 10), record(id(1), 2000), record(id(2), 9000));
    const stats = await syncTable(input());
    assert.deepEqual([stats.scanned, stats.written, stats.deadLettered], [2, 1, 1]);
    assert.deepEqual(
      [target.get(id(0))?.version, target.get(id(1)), target.get(id(2))],
      [10n, undefined, undefined],
    );
    assert.deepEqual(
      letters.letters.map((l) => [l.id, l.reason.includes("far in the future")]),
      [[id(2), true]],
    );
  });

  it("counts as late what it writes from before the checkpoint, once, and nothing equal there", async () => {
    const late: unknown[] = [];
    const { source, target, input } = setup({
      lateBefore: 500n,
      onLate: (record) => late.push([record.id, record.lateByMicros]),
    });
    source.put(record(id(0), 100, { v: 1 }), record(id(1), 200, { v: 2 }), record(id(2), 600, { v: 3 }));
    target.put(record(id(1), 200, { v: 2 }));
    const stats = await syncTable(input());
    assert.deepEqual([stats.written, stats.late], [2, 1]);
    assert.deepEqual(late, [[id(0), 400n]]);
  });

  it("counts as late no write whose content the target held already, older only in its version", async () => {
    const late: unknown[] = [];
    const { source, target, input } = setup({
      lateBefore: 500n,
      onLate: (record) => late.push(record.id),
    });
    // id(0): the same content one microsecond newer, as a tie's winner comes back; id(1): new content.
    source.put(record(id(0), 201, { v: 1 }), record(id(1), 300, { v: 3 }));
    target.put(record(id(0), 200, { v: 1 }), record(id(1), 200, { v: 2 }));
    const stats = await syncTable(input());
    assert.deepEqual([stats.written, stats.late], [2, 1]);
    assert.deepEqual(late, [id(1)]);
    assert.equal(target.get(id(0))?.version, 201n);
  });

  // Tried as an operator would: a record the target refuses, in the look-back window, was counted
  // late by every run that met it again (and so was every late-record metric and log line), though
  // none wrote it: it waits as a dead letter, which is what the runs count it as.
  it("counts as late only what it writes, not what the target refuses", async () => {
    const late: unknown[] = [];
    const { source, target, letters, input } = setup({
      lateBefore: 500n,
      onLate: (record) => late.push(record.id),
    });
    source.put(record(id(0), 100, { v: 1 }), record(id(1), 200, { v: 2 }));
    target.refuse.set(id(1), "no");
    const stats = await syncTable(input());
    assert.deepEqual([stats.written, stats.late, stats.deadLettered], [1, 1, 1]);
    assert.deepEqual(late, [id(0)]);
    assert.deepEqual(
      letters.letters.map((l) => l.id),
      [id(1)],
    );
  });

  it("writes nothing in a dry run, yet counts what it would write", async () => {
    const { source, target, input } = setup({ dryRun: true });
    source.put(record(id(0), 10));
    const stats = await syncTable(input());
    assert.equal(stats.written, 1);
    assert.equal(target.records.size, 0);
    assert.equal(target.writeCalls.length, 0);
  });

  it("dead-letters bad source records, unreadable target records and refused writes, and goes on", async () => {
    const { source, target, letters, input } = setup();
    source.bad = [{ kind: "bad", id: id(4), reason: "no tmstmp", raw: { id: id(4) } }];
    source.put(record(id(0), 10), record(id(1), 10), record(id(2), 10));
    target.unreadable.set(id(1), { kind: "bad", id: id(1), reason: "not a UUID", raw: {} });
    target.refuse.set(id(2), "too large");
    const stats = await syncTable(input());
    assert.deepEqual({ written: stats.written, dead: stats.deadLettered }, { written: 1, dead: 3 });
    assert.deepEqual(
      letters.letters.map((l) => [l.id, l.reason]),
      [
        [id(4), "no tmstmp"],
        [id(1), "the Elasticsearch record is unreadable: not a UUID"],
        [id(2), "too large"],
      ],
    );
    assert.ok(letters.letters.every((l) => l.table === "things" && l.from === "cassandra"));
  });

  it("decides again after a concurrent write, and keeps the newer concurrent version", async () => {
    const { source, target, input } = setup();
    source.put(record(id(0), 10, { v: "ours" }), record(id(1), 10, { v: "ours" }));
    let raced = false;
    target.beforeWrite = (store) => {
      if (raced) return;
      raced = true;
      store.put(record(id(0), 50, { v: "theirs" }));
    };
    const stats = await syncTable(input());
    assert.deepEqual(
      { written: stats.written, conflicts: stats.conflicts, targetNewer: stats.targetNewer },
      { written: 1, conflicts: 1, targetNewer: 1 },
    );
    assert.deepEqual(target.get(id(0))?.content, { v: "theirs" });
    assert.deepEqual(target.get(id(1))?.content, { v: "ours" });
  });

  it("dead-letters a record that meets a concurrent write in every round", async () => {
    const { source, target, letters, input } = setup({ conflictRounds: 2 });
    source.put(record(id(0), 10));
    target.put(record(id(0), 5));
    target.beforeWrite = (store) => store.put(record(id(0), 5, { bump: store.writeCalls.length }));
    const stats = await syncTable(input());
    assert.deepEqual({ conflicts: stats.conflicts, dead: stats.deadLettered }, { conflicts: 2, dead: 1 });
    assert.match(letters.letters[0]?.reason ?? "", /kept winning the race 2 times/);
  });

  it("counts a write whose repeat met its own first sending as written, in the last round too", async () => {
    const { source, target, letters, input } = setup({ conflictRounds: 1 });
    target.losesAnswers = true;
    target.tagged = true;
    const settled = new SettledRecords();
    source.put(record(id(0), 10, { v: "ours" }), record(id(1), 20, { v: "ours" }));
    target.put(record(id(1), 5, { v: "old" }));
    const stats = await syncTable({ ...input(), recordSettled: settled });
    assert.deepEqual(
      {
        written: stats.written,
        conflicts: stats.conflicts,
        unchanged: stats.unchanged,
        dead: stats.deadLettered,
      },
      { written: 2, conflicts: 0, unchanged: 0, dead: 0 },
    );
    assert.deepEqual(target.get(id(1))?.content, { v: "ours" });
    assert.deepEqual(letters.settledRecords.sort(), [
      `to-cassandra ${id(0)}`,
      `to-cassandra ${id(1)}`,
      `to-es ${id(0)}`,
      `to-es ${id(1)}`,
    ]);
    assert.equal(settled.size, 2, "the written copies are remembered for the other direction");
  });

  it("counts a repeat that met another writer's write as a conflict, and decides again", async () => {
    const { source, target, input } = setup();
    target.losesAnswers = true;
    source.put(record(id(0), 10, { v: "ours" }));
    target.beforeRepeat = (store) => {
      if (store.writeCalls.length === 1) store.put(record(id(0), 50, { v: "theirs" }));
    };
    const stats = await syncTable(input());
    assert.deepEqual(
      { written: stats.written, conflicts: stats.conflicts, targetNewer: stats.targetNewer },
      { written: 0, conflicts: 1, targetNewer: 1 },
    );
    assert.deepEqual(target.get(id(0))?.content, { v: "theirs" });
  });

  it("counts a create that met an equal record it did not send as a conflict, found unchanged", async () => {
    // An index not refreshed since the last run counts none of its documents, so a rerun creates
    // again what that run wrote: the record met is equal, but this run did not write it.
    const { source, target, input } = setup();
    target.createsWhenEmpty = true;
    target.countsBeforeRefresh = true;
    source.put(record(id(0), 10, { v: "ours" }));
    target.put(record(id(0), 10, { v: "ours" }));
    const stats = await syncTable(input());
    assert.deepEqual(
      { written: stats.written, conflicts: stats.conflicts, unchanged: stats.unchanged },
      { written: 0, conflicts: 1, unchanged: 1 },
    );
  });

  it("stops with the circuit open once the error budget is spent", async () => {
    const { source, input } = setup({ budget: new ErrorBudget(1) });
    source.bad = [1, 2].map((n) => ({ kind: "bad" as const, reason: `bad ${n}`, raw: n }));
    await assert.rejects(syncTable(input()), CircuitOpenError);
  });

  it("stops when the run is aborted", async () => {
    const abort = new AbortController();
    abort.abort(new Error("lease lost"));
    const { source, input } = setup({ signal: abort.signal });
    source.put(record(id(0), 10));
    await assert.rejects(syncTable(input()), /lease lost/);
  });

  it("writes into an empty target without reading it first, and reads what appeared meanwhile", async () => {
    const { source, target, input } = setup();
    target.createsWhenEmpty = true;
    source.put(record(id(0), 10, { v: "ours" }), record(id(1), 10, { v: "ours" }));
    target.beforeWrite = (store) => {
      if (store.writeCalls.length === 0) store.put(record(id(1), 50, { v: "theirs" }));
    };
    const stats = await syncTable(input());
    assert.deepEqual(target.fetchCalls, [[id(1)]]);
    assert.deepEqual(
      { written: stats.written, conflicts: stats.conflicts, targetNewer: stats.targetNewer },
      { written: 1, conflicts: 1, targetNewer: 1 },
    );
    assert.deepEqual(target.get(id(1))?.content, { v: "theirs" });
  });

  it("reads the target first when it already holds records", async () => {
    const { source, target, input } = setup();
    target.createsWhenEmpty = true;
    target.put(record(id(4), 1));
    source.put(record(id(0), 10));
    await syncTable(input());
    assert.deepEqual(target.fetchCalls, [[id(0)]]);
  });

  it("fetches the next batch while a write is still in flight, and never more than the limit", async () => {
    const { source, target, input } = setup({ batchesInFlight: 2 });
    source.put(...[0, 1, 2, 3, 4].map((n) => record(id(n), 10 + n)));
    let release = (): void => undefined;
    target.writeGate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = syncTable(input());
    // Batches of two: the first two batches are fetched while no write has finished; the third waits.
    await waitFor(() => target.fetchCalls.length === 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(target.fetchCalls.length, 2);
    release();
    const stats = await running;
    assert.equal(stats.written, 5);
    assert.equal(target.fetchCalls.length, 3);
  });

  it("skips in the second direction what the first settled, unless its copy changed since", async () => {
    const settled = new SettledRecords();
    const es = new MemoryRecordStore("elasticsearch");
    const cassandra = new MemoryRecordStore("cassandra");
    es.tagged = true;
    cassandra.put(record(id(0), 10, { v: 0 }), record(id(1), 10, { v: 1 }), record(id(2), 10, { v: 2 }));
    es.put(record(id(0), 10, { v: 0 }), record(id(2), 20, { v: "newer" }));
    const common = {
      plan: plan(),
      range: { begin: 0n, end: 1000n },
      dryRun: false,
      budget: new ErrorBudget(10),
    };
    const signal = new AbortController().signal;
    const letters = new MemoryDeadLetters();
    const first = await syncTable({
      ...common,
      direction: "to-es",
      source: cassandra,
      target: es,
      deadLetters: letters,
      signal,
      recordSettled: settled,
    });
    // id 0 was equal, id 1 was written: both settled; id 2 is newer in Elasticsearch: not settled.
    assert.deepEqual(
      { written: first.written, unchanged: first.unchanged, newer: first.targetNewer },
      { written: 1, unchanged: 1, newer: 1 },
    );
    assert.equal(settled.size, 2);
    es.put(record(id(0), 30, { v: "changed since" }));
    cassandra.fetchCalls.length = 0;
    const second = await syncTable({
      ...common,
      direction: "to-cassandra",
      source: es,
      target: cassandra,
      deadLetters: letters,
      signal,
      skipSettled: settled,
    });
    assert.deepEqual(cassandra.fetchCalls.flat().sort(), [id(0), id(2)]);
    assert.deepEqual(
      { scanned: second.scanned, written: second.written, unchanged: second.unchanged },
      { scanned: 3, written: 2, unchanged: 1 },
    );
    assert.deepEqual(cassandra.get(id(0))?.content, { v: "changed since" });
    assert.deepEqual(cassandra.get(id(2))?.content, { v: "newer" });
  });
  it("adds up the rows a source says it read, and leaves the count out where it says none", async () => {
    // With a future limit the scan reads on past the end, as a run's does.
    const { source, input } = setup({ range: { begin: 0n, end: 1000n, futureLimit: 1_000_000n } });
    source.put(record(id(0), 10), record(id(1), 20), record(id(2), 2000));
    const uncounted = await syncTable(input());
    assert.equal(uncounted.read, undefined);
    source.readPerBatch = 100;
    const counted = await syncTable(input());
    // Two batches of two and one (the last past the end, dropped by the engine); two records in range.
    assert.deepEqual({ read: counted.read, scanned: counted.scanned }, { read: 200, scanned: 2 });
  });
});
