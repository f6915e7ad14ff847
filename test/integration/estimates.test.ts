// The totals behind the progress display's percentage, from the real servers: Elasticsearch counts
// the documents of the range; Cassandra's size estimates stand for whole-table reads only.
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { planSchema } from "../../src/reconcile/schema-plan.js";
import { Harness } from "../support/harness.js";
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
});
