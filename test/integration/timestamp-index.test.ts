// --create-timestamp-index: a storage-attached index on the timestamp column, built before the run
// reads the table, after which range reads go through it. Rows without a tmstmp are then looked for
// only by runs from the epoch, since finding them means reading every id.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it, type TestContext } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const { TimeUuid, Uuid } = cassandra.types;

/** Rows of the table whose index a run finds building. */
const BUILDING_ROWS = 40_000;

describe("the timestamp index", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("tsindex");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.latest (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.versions (id uuid, tmstmp timeuuid, v int, PRIMARY KEY ((id), tmstmp))`,
    );
  });
  after(() => h.cleanup());

  async function indexes(): Promise<string[]> {
    const result = await h.cassandra.execute(
      "SELECT index_name FROM system_schema.indexes WHERE keyspace_name = ?",
      [h.keyspace],
      { prepare: true },
    );
    return result.rows.map((r) => String(r.get("index_name"))).sort();
  }

  /** Cassandra before 5.0 has no such index; cassandra-41.test.ts checks that synced refuses it there. */
  function withoutIndexes(t: TestContext): boolean {
    if (h.capabilities.storageAttachedIndexes) return false;
    t.skip(`Cassandra ${h.capabilities.release} has no storage-attached indexes`);
    return true;
  }

  it("creates the index on both table shapes, then syncs through it", async (t) => {
    if (withoutIndexes(t)) return;
    const at = new Date(Date.now() - 60_000);
    const [a, b] = [Uuid.random().toString(), Uuid.random().toString()];
    await h.cassandra.execute(`INSERT INTO ${h.keyspace}.latest (id, tmstmp, v) VALUES (?, ?, 1)`, [a, at], {
      prepare: true,
    });
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.versions (id, tmstmp, v) VALUES (?, ?, 1)`,
      [b, TimeUuid.fromDate(at)],
      { prepare: true },
    );
    const first = await h.run(["--create-timestamp-index", "--direction", "to-es"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.deepEqual(first.summary["timestampIndexes"], [
      `${h.keyspace}.latest_tmstmp_idx`,
      `${h.keyspace}.versions_tmstmp_idx`,
    ]);
    assert.deepEqual(await indexes(), ["latest_tmstmp_idx", "versions_tmstmp_idx"]);
    assert.equal(tableStats(first.summary, "latest", "to-es")["written"], 1);
    assert.equal(tableStats(first.summary, "versions", "to-es")["written"], 1);

    // The next run finds the index and creates nothing; what changed since the checkpoint is copied.
    const written = new Date();
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.latest (id, tmstmp, v) VALUES (?, ?, 2)`,
      [Uuid.random().toString(), written],
      { prepare: true },
    );
    // The run's range ends at now (no lag here), so now must be past the row's millisecond.
    while (Date.now() <= written.getTime()) await new Promise((resolve) => setImmediate(resolve));
    // Without the look-back window, which would read the first run's row again.
    const next = await h.run(["--create-timestamp-index", "--direction", "to-es", "--lookback", "0"]);
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    assert.deepEqual(next.summary["timestampIndexes"], []);
    assert.equal(tableStats(next.summary, "latest", "to-es")["written"], 1);
    assert.equal(tableStats(next.summary, "latest", "to-es")["scanned"], 1);
  });

  it("looks for rows without a tmstmp only in a run from the epoch once the table is indexed", async (t) => {
    if (withoutIndexes(t)) return;
    // A first run of this configuration starts at the epoch; the next one starts at its checkpoint.
    const first = await h.run(["--direction", "to-es", "--tables", "latest"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const untimed = Uuid.random().toString();
    await h.cassandra.execute(`INSERT INTO ${h.keyspace}.latest (id, v) VALUES (?, 3)`, [untimed], {
      prepare: true,
    });
    const incremental = await h.run(["--direction", "to-es", "--tables", "latest"]);
    assert.equal(incremental.code, EXIT.success, JSON.stringify(incremental.summary));

    const full = await h.run(["--direction", "to-es", "--tables", "latest", "-b", "0"]);
    assert.equal(full.code, EXIT.partial, JSON.stringify(full.summary));
    const location = (full.summary["deadLetters"] as { location: string }).location;
    const letters = (await readFile(location, "utf8")).trim().split("\n");
    assert.ok(
      letters.some((line) => line.includes(untimed) && line.includes("no tmstmp")),
      letters.join("\n"),
    );
  });

  it("waits for a timestamp index that is still being built, as a run stopped while building it leaves it", async (t) => {
    if (withoutIndexes(t)) return;
    // Enough rows that the build takes a moment after CREATE INDEX answers (a second or more here).
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.building (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    const old = new Date(Date.now() - 2 * 86_400_000);
    const rows = Array.from({ length: BUILDING_ROWS }, (_, i) => [Uuid.random(), old, i]);
    await cassandra.concurrent.executeConcurrent(
      h.cassandra,
      `INSERT INTO ${h.keyspace}.building (id, tmstmp, v) VALUES (?, ?, ?)`,
      rows,
      { concurrencyLevel: 32 },
    );
    // The tables' indices exist already, so that the run goes straight to reading.
    const since = new Date(Date.now() - 3_600_000);
    const before = await h.runEngine({ key: "building", begin: since });
    assert.equal(before.outcome, "success", before.error?.message);
    // What a run with --create-timestamp-index killed during its wait leaves: the index, building.
    await h.cassandra.execute(
      `CREATE CUSTOM INDEX building_tmstmp_idx ON ${h.keyspace}.building (tmstmp) USING 'StorageAttachedIndex'`,
    );
    const state = await h.cassandra.execute(
      "SELECT is_queryable FROM system_views.sai_column_indexes WHERE keyspace_name = ? AND index_name = ?",
      [h.keyspace, "building_tmstmp_idx"],
      { prepare: true },
    );
    assert.equal(state.rows[0]?.get("is_queryable"), false, "the index was built before the run began");
    // A range that begins after the epoch is read through the index.
    const report = await h.runEngine({ key: "building", begin: since });
    assert.equal(report.error?.message, undefined);
    assert.equal(report.outcome, "success");
    const read = report.tables.find((r) => r.table === "building" && r.direction === "to-es");
    assert.equal(read?.scanned, 0);
  });
});
