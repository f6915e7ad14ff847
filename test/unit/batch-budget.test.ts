// A batch of a table of large rows holds fewer of them (batch-budget.ts), from the stores' estimates
// before the read, and from the rows' own size as each page of a Cassandra read comes in
// (row-sizing.ts). The real stores' estimates and reads: integration/estimates.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { BATCH_BYTES, batchFor, plannedBatch } from "../../src/core/batch-bytes.js";
import { sizedPlan, type TableSize } from "../../src/reconcile/batch-budget.js";
import type { RecordStore } from "../../src/reconcile/record-store.js";
import { FIRST_PAGE_ROWS, RowSizing } from "../../src/stores/cassandra/row-sizing.js";
import { plan } from "../support/memory-stores.js";

const MB = 1024 * 1024;

function storeOf(size: TableSize | undefined | Error): RecordStore {
  return {
    tableSize: () => (size instanceof Error ? Promise.reject(size) : Promise.resolve(size)),
  } as unknown as RecordStore;
}

/** A row as the driver makes it: each column an own property, named here c0, c1, ... unless given. */
function row(values: unknown[], names = values.map((_, i) => `c${i}`)): cassandra.types.Row {
  // The driver exports its Row class, though its typings declare only the interface.
  const { Row } = cassandra.types as unknown as { Row: new (columns: unknown[]) => cassandra.types.Row };
  const made = new Row(names.map((name) => ({ name, type: { code: 0 } })));
  const cells = made as unknown as Record<string, unknown>;
  names.forEach((name, i) => (cells[name] = values[i]));
  return made;
}

describe("a table's batch from its rows' size", () => {
  it("keeps --batch-size for small rows, and for rows of unknown size", () => {
    assert.equal(batchFor(500, 300), 500);
    assert.equal(batchFor(500, BATCH_BYTES / 500), 500);
    assert.equal(batchFor(500, undefined), 500);
  });

  it("holds a batch's bytes for large rows, and one row at least", () => {
    assert.equal(batchFor(500, 2 * MB), 4);
    assert.equal(batchFor(500, 100_000), Math.floor(BATCH_BYTES / 100_000));
    assert.equal(batchFor(500, 50 * MB), 1);
    assert.equal(batchFor(2, 2 * MB), 2);
  });

  it("takes the plan's lowered batch in each store, bounded by that store's own --batch-size", () => {
    assert.equal(plannedBatch(undefined, 500), 500);
    assert.equal(plannedBatch(4, 500), 4);
    assert.equal(plannedBatch(400, 100), 100);
  });

  it("lowers the batch of a table of large rows by the larger estimate, saying so once", async () => {
    const logged: string[] = [];
    const sized = await sizedPlan(
      plan(),
      [storeOf({ rowBytes: 1 * MB, rows: 100 }), storeOf({ rowBytes: 2 * MB, rows: 90 })],
      500,
      (message) => logged.push(message),
    );
    assert.equal(sized.batchSize, 4);
    assert.equal(sized.rowBytes, 2 * MB);
    assert.equal(logged.length, 1);
    assert.match(
      logged[0] ?? "",
      /table things: rows of about 2\.0 MiB each .* 4 at a time instead of --batch-size 500/,
    );
  });

  it("leaves the batch of a table of small rows, or one that fits in a batch's bytes, unsaid", async () => {
    const logged: string[] = [];
    const log = (message: string): void => void logged.push(message);
    const small = await sizedPlan(plan(), [storeOf({ rowBytes: 400, rows: 10_000_000 })], 500, log);
    assert.equal(small.batchSize, undefined);
    assert.equal(small.rowBytes, 400);
    const few = await sizedPlan(plan(), [storeOf({ rowBytes: 2 * MB, rows: 3 })], 500, log);
    assert.equal(few.batchSize, undefined);
    assert.deepEqual(logged, []);
  });

  it("reads on without an estimate where a store has none or fails to give one", async () => {
    const sized = await sizedPlan(
      plan(),
      [storeOf(undefined), storeOf(new Error("down")), {} as RecordStore],
      500,
      () => {
        throw new Error("nothing to say");
      },
    );
    assert.deepEqual(sized, plan());
  });
});

describe("a Cassandra read's pages from the rows they bring", () => {
  it("asks for a few rows first where the table has no estimate, then a batch's bytes of them", () => {
    const sizing = new RowSizing(500);
    assert.equal(sizing.pageRows(), FIRST_PAGE_ROWS);
    const bytes = sizing.observe(Array.from({ length: 8 }, () => row([Buffer.alloc(2 * MB), "id", 3])));
    assert.ok(bytes >= 16 * MB && bytes < 16 * MB + 1000, String(bytes));
    assert.equal(sizing.pageRows(), 3);
  });

  it("asks for --batch-size rows once it has seen small ones", () => {
    const sizing = new RowSizing(500);
    sizing.observe([row(["a".repeat(100), 1]), row(["b", 2])]);
    assert.equal(sizing.pageRows(), 500);
  });

  // A table may name a column as a member of every object: the driver's row.values() then failed.
  it("sizes a row whose columns are named hasOwnProperty and forEach", () => {
    const sizing = new RowSizing(500);
    const bytes = sizing.observe([row([Buffer.alloc(MB), "x"], ["hasOwnProperty", "forEach"])]);
    assert.ok(bytes >= MB && bytes < MB + 1000, String(bytes));
  });

  it("starts from the table's estimate where it has one", () => {
    assert.equal(new RowSizing(500, 300).pageRows(), 500);
    assert.equal(new RowSizing(500, 1 * MB).pageRows(), 8);
  });
});
