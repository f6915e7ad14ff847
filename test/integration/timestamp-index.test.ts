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
});
