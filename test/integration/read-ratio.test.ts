// A run that reads a whole table to find the few records of its range says so, once, in its log and
// its summary, with the measured ratio and the option that makes the read cost what changed. A run
// whose range holds the table (a backfill) or that reads through the timestamp index says nothing. A
// versioned table is filtered by the server, which does not say how much it read: the notice gives
// Cassandra's own estimate of the table, once the node has one.
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";
import { refreshSizeEstimates, skippedWithoutNodetool } from "../support/nodetool.js";

/** Old rows: past the notice's minimum of 10,000 rows read, so the table is not too small to nag. */
const OLD = 10_000;
const CHANGED = 3;
const OLD_AT = new Date("2024-01-01T00:00:00.000Z");

describe("a run that reads far more than its range held", () => {
  let h: Harness;
  const insert = (keyspace: string): string =>
    `INSERT INTO ${keyspace}.events (id, tmstmp, n) VALUES (?, ?, ?)`;
  const insertVersion = (keyspace: string): string =>
    `INSERT INTO ${keyspace}.versions (id, tmstmp, n) VALUES (?, ?, ?)`;

  before(async () => {
    h = await Harness.create("readratio");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.events (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const rows = Array.from({ length: OLD }, (_, i) => [
      cassandra.types.Uuid.random(),
      new Date(OLD_AT.getTime() + i),
      i,
    ]);
    await cassandra.concurrent.executeConcurrent(h.cassandra, insert(h.keyspace), rows, {
      concurrencyLevel: 64,
    });
    // One version of each of OLD ids: the same number of partitions as the table above has rows.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.versions (id uuid, tmstmp timestamp, n int, PRIMARY KEY ((id), tmstmp))`,
    );
    await cassandra.concurrent.executeConcurrent(h.cassandra, insertVersion(h.keyspace), rows, {
      concurrencyLevel: 64,
    });
  });
  after(() => h.cleanup());

  /**
   * Runs the real command on one table with --json: the summary from stdout, the notice's log lines
   * from stderr.
   */
  async function run(
    args: readonly string[],
    table = "events",
  ): Promise<{ summary: Record<string, unknown>; logged: string[] }> {
    const result = await h.cli([
      ...h.baseArgs(),
      "--json",
      "--tables",
      table,
      "--direction",
      "to-es",
      "--lookback",
      "0",
      ...args,
    ]);
    assert.equal(result.code, EXIT.success, `${result.stdout}\n${result.stderr}`);
    const logged = result.stderr.split("\n").filter((line) => line.includes("--create-timestamp-index"));
    return { summary: JSON.parse(result.stdout) as Record<string, unknown>, logged };
  }

  async function changeSome(statement = insert): Promise<Date> {
    const begin = new Date();
    const written = new Date(begin.getTime() + 1);
    for (let i = 0; i < CHANGED; i++) {
      await h.cassandra.execute(statement(h.keyspace), [cassandra.types.Uuid.random(), written, -i], {
        prepare: true,
      });
    }
    // The run's range ends at now (no lag here), so now must be past the rows' millisecond.
    while (Date.now() <= written.getTime() + 1) await new Promise((resolve) => setImmediate(resolve));
    return begin;
  }

  it("says nothing after a backfill, which reads what its range holds", async () => {
    const { summary, logged } = await run(["-b", "0"]);
    const stats = tableStats(summary, "events", "to-es");
    assert.equal(stats["scanned"], OLD);
    assert.equal(stats["read"], OLD);
    assert.equal(stats["readPerInRange"], 1);
    assert.deepEqual(summary["notices"], []);
    assert.deepEqual(logged, []);
  });

  it("says once, with the ratio, when an incremental run reads the whole table for a few rows", async () => {
    const begin = await changeSome();
    const { summary, logged } = await run(["-b", begin.toISOString()]);
    const stats = tableStats(summary, "events", "to-es");
    assert.equal(stats["scanned"], CHANGED);
    assert.equal(stats["written"], CHANGED);
    assert.equal(stats["read"], OLD + CHANGED);
    const ratio = (OLD + CHANGED) / CHANGED;
    assert.equal(stats["readPerInRange"], Math.round(ratio * 10) / 10);
    const notices = summary["notices"] as string[];
    assert.equal(notices.length, 1, JSON.stringify(notices));
    const [notice] = notices;
    assert.match(notice ?? "", /events/);
    assert.match(notice ?? "", new RegExp(`${(OLD + CHANGED).toLocaleString("en-US")} rows`));
    assert.match(notice ?? "", new RegExp(`${Math.round(ratio).toLocaleString("en-US")}×`));
    assert.match(notice ?? "", /--create-timestamp-index/);
    // The trade-off: what the index costs the writes.
    assert.match(notice ?? "", /write/);
    assert.equal(logged.length, 1, logged.join("\n"));
    assert.ok(logged[0]?.includes("events"), logged[0]);
  });

  it("says so, by Cassandra's estimate, when the server filtered a versioned table for a few rows", async (t: TestContext) => {
    if (skippedWithoutNodetool(t)) return;
    // The node estimates from SSTables, every few minutes: flushed and estimated now, it has a figure.
    await refreshSizeEstimates(h.keyspace, "versions");
    const begin = await changeSome(insertVersion);
    const { summary, logged } = await run(["-b", begin.toISOString()], "versions");
    const stats = tableStats(summary, "versions", "to-es");
    assert.equal(stats["scanned"], CHANGED);
    assert.equal(stats["written"], CHANGED);
    assert.equal(stats["readEstimated"], true);
    // An estimate, from the SSTables' key counts: near the OLD partitions flushed, not exact.
    const read = Number(stats["read"]);
    assert.ok(read >= OLD * 0.8 && read <= OLD * 1.25, `estimated ${read} partitions for ${OLD}`);
    assert.equal(stats["readPerInRange"], Math.round((read / CHANGED) * 10) / 10);
    const notices = summary["notices"] as string[];
    assert.equal(notices.length, 1, JSON.stringify(notices));
    const [notice] = notices;
    assert.match(
      notice ?? "",
      new RegExp(
        `versions \\(about ${read.toLocaleString("en-US")} partitions read for ${CHANGED} in range, ` +
          `about ${Math.round(read / CHANGED).toLocaleString("en-US")}×, by Cassandra's size estimate\\)`,
      ),
    );
    assert.match(notice ?? "", /--create-timestamp-index/);
    assert.equal(logged.length, 1, logged.join("\n"));
  });

  it("says nothing once the table is read through its timestamp index", async (t: TestContext) => {
    if (!h.capabilities.storageAttachedIndexes) {
      t.skip(`Cassandra ${h.capabilities.release} has no storage-attached indexes`);
      return;
    }
    const begin = await changeSome();
    const { summary, logged } = await run(["-b", begin.toISOString(), "--create-timestamp-index"]);
    const stats = tableStats(summary, "events", "to-es");
    assert.equal(stats["scanned"], CHANGED);
    assert.equal(stats["written"], CHANGED);
    assert.equal(stats["read"], undefined, "the index selects the range: nothing is read and dropped");
    assert.deepEqual(summary["notices"], []);
    assert.deepEqual(logged, []);
  });
});
