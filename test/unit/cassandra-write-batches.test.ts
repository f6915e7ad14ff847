// How writes that need no condition are gathered into unlogged batches, and what happens when a node
// refuses a batch. The client here is a fake transport: what Cassandra does with a batch is tested
// against the real server in the integration tier (write-batches.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { native } from "../../src/core/cql-type.js";
import { singleKey, type TableKey } from "../../src/core/table-key.js";
import type { PlannedWrite, WriteOutcome } from "../../src/reconcile/record-store.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import {
  approximateRowSize,
  BATCH_BYTES,
  BATCH_ROWS,
  routingKey,
} from "../../src/stores/cassandra/write-batches.js";
import { chunkBySize } from "../../src/util/chunk-by-size.js";
import { plan as planOf } from "../support/memory-stores.js";
import { writeRecords, type WriteSettings } from "../../src/stores/cassandra/write.js";

const { Uuid } = cassandra.types;

describe("unlogged batches of writes", () => {
  it("splits rows at the row limit and at the byte limit, keeping their order", () => {
    const rows = Array.from({ length: 25 }, (_, i) => i);
    const limits = { maxBytes: BATCH_BYTES, maxCount: BATCH_ROWS };
    const byCount = chunkBySize(rows, () => 1, limits);
    assert.deepEqual(
      byCount.map((chunk) => chunk.length),
      [BATCH_ROWS, BATCH_ROWS, 25 - 2 * BATCH_ROWS],
    );
    assert.deepEqual(byCount.flat(), rows);
    const bySize = chunkBySize(rows.slice(0, 6), () => BATCH_BYTES / 2 - 1, limits);
    assert.deepEqual(
      bySize.map((chunk) => chunk.length),
      [2, 2, 2],
    );
    // A row larger than a batch on its own is a batch of one, never dropped.
    assert.deepEqual(
      chunkBySize([1, 2, 3], (n) => (n === 2 ? BATCH_BYTES * 3 : 10), limits),
      [[1], [2], [3]],
    );
  });

  it("counts a row's text, collections and overhead, so larger rows make smaller batches", () => {
    const small = approximateRowSize([Uuid.random(), new Date(), "Ada", 42, ["a", "b"], 7n]);
    const large = approximateRowSize([Uuid.random(), new Date(), "x".repeat(2000), 42, ["a", "b"], 7n]);
    assert.ok(large - small >= 1997, `${large} against ${small}`);
    const withMap = approximateRowSize([new Map([["k".repeat(500), new Set(["v".repeat(500)])]])]);
    assert.ok(withMap >= 1000, String(withMap));
  });

  it("frames a composite partition key as the driver hashes it: length, bytes and a zero byte each", () => {
    const key: TableKey = {
      partition: [
        { name: "tenant", type: native("text") },
        { name: "n", type: native("int") },
      ],
      clustering: [{ name: "at", type: native("timestamp") }],
    };
    const routing = routingKey(key, ["ab", 258, new Date(0)]);
    assert.deepEqual(
      routing,
      Buffer.from([0, 2, 0x61, 0x62, 0, 0, 4, 0, 0, 1, 2, 0]),
      "the clustering column is no part of it",
    );
    const id = Uuid.random();
    assert.deepEqual(routingKey(singleKey("id"), [id]), id.getBuffer());
    // A type not handled here: the row is written on its own.
    assert.equal(routingKey(singleKey("d", native("date")), [cassandra.types.LocalDate.now()]), undefined);
  });
});

/** A plan of a latest table keyed by one uuid, with one text column. */
const plan: TablePlan = { ...planOf("t"), contentColumns: [{ name: "a", type: native("text") }] };

function write(text: string): PlannedWrite {
  const id = Uuid.random().toString();
  return {
    record: { id, version: 1_000n, deleted: false, content: { a: text } },
    version: 1_000n,
    current: undefined,
  };
}

/** A fake transport that refuses batches as the node would, and single rows holding "bad". */
function fakeClient(refuseBatches: boolean): { client: cassandra.Client; calls: string[] } {
  const calls: string[] = [];
  const invalid = (message: string): Error =>
    new cassandra.errors.ResponseError(cassandra.types.responseErrorCodes.invalid, message);
  const client = {
    getReplicas: () => [{ address: "127.0.0.1:9042" }],
    batch: (queries: { params: unknown[] }[]) => {
      calls.push(`batch of ${queries.length}`);
      return refuseBatches ? Promise.reject(invalid("Batch too large")) : Promise.resolve({});
    },
    execute: (_query: string, params: unknown[]) => {
      calls.push("row");
      return params.includes("bad") ? Promise.reject(invalid("the bad value")) : Promise.resolve({});
    },
  } as unknown as cassandra.Client;
  return { client, calls };
}

function settings(client: cassandra.Client): WriteSettings {
  return {
    client,
    consistency: 1,
    concurrency: 4,
    mode: "timestamp",
    marginMicros: 0n,
    now: () => 10n ** 18n,
    retry: (operation) => operation(),
  };
}

describe("writing rows in batches", () => {
  it("writes rows of one replica set in batches, each row reported written", async () => {
    const { client, calls } = fakeClient(false);
    const writes = Array.from({ length: 23 }, (_, i) => write(`row ${i}`));
    const outcomes = await writeRecords(settings(client), plan, writes);
    assert.deepEqual(calls.sort(), [`batch of ${BATCH_ROWS}`, `batch of ${BATCH_ROWS}`, "batch of 3"].sort());
    assert.deepEqual(
      outcomes.map((o) => o.status),
      writes.map(() => "written"),
    );
  });

  it("writes each row alone with a batch size of 0 (--cassandra-batch-bytes 0)", async () => {
    const writes = Array.from({ length: 5 }, (_, i) => write(`row ${i}`));
    const batched = fakeClient(false);
    await writeRecords({ ...settings(batched.client), batchBytes: BATCH_BYTES }, plan, writes);
    assert.deepEqual(batched.calls, ["batch of 5"]);
    const alone = fakeClient(false);
    const outcomes = await writeRecords({ ...settings(alone.client), batchBytes: 0 }, plan, writes);
    assert.deepEqual(alone.calls, ["row", "row", "row", "row", "row"]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      writes.map(() => "written"),
    );
  });

  it("writes the rows of a refused batch one by one, rejecting only the one at fault", async () => {
    const { client, calls } = fakeClient(true);
    const writes = [write("fine"), write("bad"), write("also fine")];
    const outcomes: WriteOutcome[] = await writeRecords(settings(client), plan, writes);
    assert.deepEqual(calls, ["batch of 3", "row", "row", "row"]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["written", "rejected", "written"],
    );
    const rejected = outcomes[1];
    assert.ok(
      rejected?.status === "rejected" && rejected.reason.includes("the bad value"),
      JSON.stringify(rejected),
    );
  });

  it("fails the whole write when a batch fails for a reason that is no row's fault", async () => {
    const client = {
      getReplicas: () => [{ address: "127.0.0.1:9042" }],
      batch: () => Promise.reject(new Error("connection reset")),
      execute: () => Promise.resolve({}),
    } as unknown as cassandra.Client;
    await assert.rejects(writeRecords(settings(client), plan, [write("a"), write("b")]), /connection reset/);
  });
});
