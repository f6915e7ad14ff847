// A scan asks first whether the table holds any row, so an empty one costs one query, not one per split.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type cassandra from "cassandra-driver";
import type { TimeRange } from "../../src/reconcile/record-store.js";
import { scanTable } from "../../src/stores/cassandra/scan.js";
import { handPlan } from "../support/table-plan.js";

const plan = handPlan({ keyspace: "app", table: "things", index: "app-things", columns: { body: "text" } });

/** A client that answers every query with no rows, or the probe with one key where `holds`. */
function fakeClient(holds: boolean): { client: cassandra.Client; queries: string[] } {
  const queries: string[] = [];
  const execute = (query: string): Promise<unknown> => {
    queries.push(query);
    const probe = query.endsWith("LIMIT 1");
    return Promise.resolve({ rows: probe && holds ? [{ id: "k" }] : [], pageState: undefined });
  };
  return { client: { execute } as unknown as cassandra.Client, queries };
}

async function scanned(
  holds: boolean,
  splits: number,
  range: TimeRange = { begin: 1_000n, end: 2_000n },
  table = plan,
) {
  const { client, queries } = fakeClient(holds);
  const settings = { client, consistency: 6, batchSize: 500, splits, concurrency: 4 };
  const batches = [];
  for await (const batch of scanTable({ ...settings, retry: (work) => work() }, table, range))
    batches.push(batch);
  return {
    batches,
    probes: queries.filter((q) => q.endsWith("LIMIT 1")),
    reads: queries.filter((q) => q.includes("token(")),
  };
}

describe("a scan of an empty table", () => {
  it("reads one key over the whole ring, and no split", async () => {
    const { batches, probes, reads } = await scanned(false, 32);
    assert.deepEqual(probes, ["SELECT id FROM app.things LIMIT 1"]);
    assert.equal(reads.length, 0);
    assert.deepEqual(batches, []);
  });

  it("reads every split and pass of a table that holds a row", async () => {
    const { probes, reads } = await scanned(true, 32);
    assert.equal(probes.length, 1);
    assert.equal(reads.length, 32);
    // A backfill through a timestamp index, its end far behind the future limit, reads its range and
    // then what lies past the limit: two passes over the splits.
    const range = { begin: 1_000n, end: 2_000n, futureLimit: 10n ** 15n };
    const backfill = await scanned(true, 8, range, { ...plan, timestampIndexed: true });
    assert.equal(backfill.reads.length, 16);
  });

  it("asks nothing first where one query reads the table anyway", async () => {
    const { probes, reads } = await scanned(false, 1);
    assert.equal(probes.length, 0);
    assert.equal(reads.length, 1);
  });
});
