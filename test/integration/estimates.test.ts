// The totals behind the progress display's percentage, from the real servers: Elasticsearch counts
// the documents of the range; Cassandra's size estimates stand for whole-table reads only.
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { randomBytes } from "node:crypto";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { planSchema } from "../../src/reconcile/schema-plan.js";
import type { ScanBatch } from "../../src/reconcile/record-store.js";
import { sizedPlan } from "../../src/reconcile/batch-budget.js";
import { BATCH_BYTES } from "../../src/core/batch-bytes.js";
import { Harness } from "../support/harness.js";
import { handPlan } from "../support/table-plan.js";
import { refreshSizeEstimates, skippedWithoutNodetool } from "../support/nodetool.js";

const ROWS = 120;

describe("progress estimates", () => {
  let h: Harness;
  let plan: TablePlan;
  const at = Date.now() - 5_000;
  before(async () => {
    h = await Harness.create("estimate");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const rows = Array.from({ length: ROWS }, (_, i) => [cassandra.types.Uuid.random(), new Date(at), i]);
    await cassandra.concurrent.executeConcurrent(
      h.cassandra,
      `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, ?)`,
      rows,
    );
    assert.equal((await h.run()).code, EXIT.success);
    await h.refresh();
    const entry = (await planSchema(h.schema(), h.planSettings())).find((e) => e.kind === "sync");
    assert.ok(entry?.kind === "sync");
    plan = entry.plan;
  });
  after(() => h.cleanup());

  it("counts an index's documents in the range", async () => {
    const { elasticsearch } = h.stores();
    const micros = BigInt(at) * 1000n;
    assert.equal(await elasticsearch.estimate(plan, { begin: 0n, end: micros + 1000n }), ROWS);
    assert.equal(await elasticsearch.estimate(plan, { begin: micros + 1000n, end: micros + 2000n }), 0);
  });

  it("gives no Cassandra estimate for a range that does not start at the epoch", async () => {
    const { cassandra: store } = h.stores();
    assert.equal(await store.estimate(plan, { begin: 1n, end: BigInt(Date.now()) * 1000n }), undefined);
    // Cassandra computes its estimates every few minutes: a table this new may have none yet.
    const whole = await store.estimate(plan, { begin: 0n, end: BigInt(Date.now()) * 1000n });
    assert.ok(whole === undefined || whole > 0, String(whole));
  });

  it("gives Cassandra's estimate of a whole-table read once the node has one", async (t: TestContext) => {
    if (skippedWithoutNodetool(t)) return;
    await refreshSizeEstimates(h.keyspace, "things");
    const { cassandra: store } = h.stores();
    const whole = await store.estimate(plan, { begin: 0n, end: BigInt(Date.now()) * 1000n });
    // From the SSTable's key count: near the rows written, not exact.
    assert.ok(whole !== undefined && whole >= ROWS * 0.8 && whole <= ROWS * 1.25, String(whole));
  });

  it("reads an empty table with one query, and every split of a table whose one row has no row marker", async () => {
    for (const table of ["empties", "touched"])
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
    // An UPDATE writes cells without the row marker an INSERT leaves: the row is there all the same.
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.touched SET tmstmp = ?, n = 1 WHERE id = ?`,
      [new Date(at), cassandra.types.Uuid.random()],
      { prepare: true },
    );
    // The real client, with each query it is given noted.
    const queries: string[] = [];
    const client = new Proxy(h.cassandra, {
      get(target, name, receiver): unknown {
        if (name !== "execute") return Reflect.get(target, name, receiver) as unknown;
        return (query: string, params?: unknown[], options?: cassandra.QueryOptions) => {
          queries.push(query);
          return target.execute(query, params, options);
        };
      },
    });
    const read = async (table: string): Promise<{ records: number; splits: number }> => {
      queries.length = 0;
      const store = h.cassandraStore({ client, splits: 8 });
      const tablePlan = handPlan({
        keyspace: h.keyspace,
        table,
        index: `${h.index}-${table}`,
        columns: { n: "int" },
      });
      let records = 0;
      for await (const batch of store.scan(tablePlan, { begin: 0n, end: BigInt(Date.now()) * 1000n }))
        records += batch.records.length;
      return { records, splits: queries.filter((q) => q.includes("token(")).length };
    };
    assert.deepEqual(await read("empties"), { records: 0, splits: 0 });
    assert.equal(queries.length, 1, queries.join("\n"));
    assert.deepEqual(await read("touched"), { records: 1, splits: 8 });
  });
});

describe("a table of large rows", () => {
  const LARGE = 12;
  const BLOB = 1024 * 1024;
  let h: Harness;
  let plan: TablePlan;
  const at = Date.now() - 5_000;
  before(async () => {
    h = await Harness.create("estbig");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.blobs (id uuid PRIMARY KEY, tmstmp timestamp, data blob)`,
    );
    for (let i = 0; i < LARGE; i++) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.blobs (id, tmstmp, data) VALUES (?, ?, ?)`,
        [cassandra.types.Uuid.random(), new Date(at), randomBytes(BLOB)],
        { prepare: true },
      );
    }
    const entry = (await planSchema(h.schema(), h.planSettings())).find((e) => e.kind === "sync");
    assert.ok(entry?.kind === "sync");
    plan = entry.plan;
  });
  after(() => h.cleanup());

  /** The records of each batch a scan of the whole table yields. */
  async function batchSizes(scan: AsyncIterable<ScanBatch>): Promise<number[]> {
    const sizes: number[] = [];
    for await (const batch of scan) if (batch.records.length > 0) sizes.push(batch.records.length);
    return sizes;
  }

  it("reads a table without an estimate in batches of its rows' bytes, not of --batch-size rows", async () => {
    // All in memtables: the node has no estimate of it, so the pages' rows tell their size.
    const scan = h.cassandraStore().scan(plan, { begin: 0n, end: BigInt(Date.now()) * 1000n });
    const sizes = await batchSizes(scan);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      LARGE,
    );
    assert.ok(sizes.length > 1 && Math.max(...sizes) <= BATCH_BYTES / BLOB, sizes.join(","));
  });

  it("lowers the batch by Cassandra's estimate, once the node has one", async (t: TestContext) => {
    if (skippedWithoutNodetool(t)) return;
    await refreshSizeEstimates(h.keyspace, "blobs");
    const size = await h.cassandraStore().tableSize(plan);
    assert.ok(
      size !== undefined && size.rowBytes >= BLOB && size.rowBytes < BLOB * 1.1,
      JSON.stringify(size),
    );
    const logged: string[] = [];
    const sized = await sizedPlan(plan, [h.cassandraStore()], 500, (m) => logged.push(m));
    assert.ok(
      sized.batchSize !== undefined && sized.batchSize <= BATCH_BYTES / BLOB,
      String(sized.batchSize),
    );
    assert.equal(logged.length, 1);
  });

  it("lowers the batch by the index's statistics, and reads the index a lowered batch at a time", async () => {
    assert.equal((await h.run(["--direction", "to-es"])).code, EXIT.success);
    await h.refresh();
    const { elasticsearch } = h.stores();
    const size = await elasticsearch.tableSize(plan);
    // Random bytes, as base64 in the source: about 4/3 of the blob on disk, counted three times over.
    assert.ok(size?.rows === LARGE && size.rowBytes >= 3 * BLOB, JSON.stringify(size));
    const sized = await sizedPlan(plan, [elasticsearch], 100, () => undefined);
    assert.ok(sized.batchSize !== undefined && sized.batchSize <= 2, String(sized.batchSize));
    const sizes = await batchSizes(elasticsearch.scan(sized, { begin: 0n, end: BigInt(Date.now()) * 1000n }));
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      LARGE,
    );
    assert.ok(Math.max(...sizes) <= sized.batchSize, sizes.join(","));
  });
});
