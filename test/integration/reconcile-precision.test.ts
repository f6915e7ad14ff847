// Versions compare as microseconds, truncated to the coarser side; ties converge in one run; writes to
// a versioned table reuse one deterministic timeuuid, so reruns add no duplicate version rows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { makeRecord } from "../../src/core/record.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";
import { handPlan } from "../support/table-plan.js";

const { Uuid, TimeUuid } = cassandra.types;

describe("precision, ties and versioned writes", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("prec");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.events (id uuid, tmstmp timeuuid, body text, PRIMARY KEY ((id), tmstmp))`,
    );
    // An index an application made itself, with a millisecond `date` timestamp.
    await h.es.indices.create({
      index: `${h.index}-events`,
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, body: { type: "keyword" } },
      },
    });
  });
  after(() => h.cleanup());

  it("treats a microsecond version and the same millisecond in a date field as equal", async () => {
    const id = Uuid.random().toString();
    const at = new Date(Date.now() - 20_000);
    // 123.4 microseconds past the millisecond, as an application's now() could be.
    const tmstmp = TimeUuid.fromDate(at, 1234);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.events (id, tmstmp, body) VALUES (?, ?, 'same')`,
      [id, tmstmp],
      {
        prepare: true,
      },
    );
    await h.es.index({
      index: `${h.index}-events`,
      id,
      document: { id, tmstmp: at.toISOString(), body: "same" },
    });
    await h.refresh();
    const result = await h.run(["-b", String(Math.floor(at.getTime() / 1000) - 1)]);
    assert.equal(result.code, 0, JSON.stringify(result.summary));
    assert.equal(totalWritten(result.summary), 0, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "events", "to-es")["unchanged"], 1);
    assert.equal(tableStats(result.summary, "events", "to-cassandra")["unchanged"], 1);
  });

  it("converges a tie (same version, different content) in one run, the same way from both sides", async () => {
    const id = Uuid.random().toString();
    const at = new Date(Date.now() - 15_000);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.events (id, tmstmp, body) VALUES (?, ?, 'from cassandra')`,
      [id, TimeUuid.fromDate(at, 5000)],
      { prepare: true },
    );
    await h.es.index({
      index: `${h.index}-events`,
      id,
      document: { id, tmstmp: at.toISOString(), body: "from es" },
    });
    await h.refresh();
    const begin = String(Math.floor(at.getTime() / 1000) - 1);
    const first = await h.run(["-b", begin]);
    assert.equal(first.code, 0, JSON.stringify(first.summary));
    assert.equal(totalWritten(first.summary), 1);

    const es = await h.es.get<Record<string, unknown>>({ index: `${h.index}-events`, id });
    const newest = await h.cassandra.execute(
      `SELECT body FROM ${h.keyspace}.events WHERE id = ? ORDER BY tmstmp DESC LIMIT 1`,
      [id],
      { prepare: true },
    );
    assert.equal(newest.first().get("body"), es._source?.["body"]);

    await h.refresh();
    const second = await h.run(["-b", begin]);
    assert.equal(totalWritten(second.summary), 0, JSON.stringify(second.summary));
  });

  // Tried as an operator would: an application wrote each document twice, 500 microseconds apart, with
  // a run between; the table's millisecond column held the first as a tie with the second, and where
  // the row won on its digest, the run wrote the first over the newer document, exit 0.
  it("keeps a document rewritten later within the millisecond the table's copy holds", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.items (id uuid PRIMARY KEY, tmstmp timestamp, body text, deleted boolean)`,
    );
    assert.equal((await h.run(["--tables", "items"])).code, 0);
    const index = `${h.index}-items`;
    const second = new Date(Math.floor((Date.now() - 30_000) / 1000) * 1000).toISOString();
    const at = (micros: string): string => second.replace(/\.\d+Z$/, `.${micros}Z`);
    const ids = Array.from({ length: 20 }, () => Uuid.random().toString());
    const write = async (micros: string, body: string) => {
      for (const id of ids)
        await h.es.index({ index, id, document: { id, tmstmp: at(micros), body: `${body} ${id}` } });
      await h.refresh();
    };
    await write("123400", "first");
    assert.equal((await h.run(["--tables", "items", "-b", "0"])).code, 0);
    await write("123900", "second");
    const run = await h.run(["--tables", "items", "-b", "0"]);
    assert.equal(run.code, 0, JSON.stringify(run.summary));
    await h.refresh();
    const { hits } = await h.es.search<{ body: string }>({ index, size: 100 });
    const rows = await h.cassandra.execute(`SELECT id, body FROM ${h.keyspace}.items`);
    const stale = [
      ...hits.hits.filter((hit) => !hit._source?.body.startsWith("second")).map((hit) => `es ${hit._id}`),
      ...rows.rows
        .filter((r) => !(r.get("body") as string).startsWith("second"))
        .map((r) => `c* ${r.get("id")}`),
    ];
    assert.deepEqual(stale, []);
  });

  it("writes a version into a versioned table once, however often the range is run again", async () => {
    const id = Uuid.random().toString();
    const at = new Date(Date.now() - 10_000);
    await h.es.index({
      index: `${h.index}-events`,
      id,
      document: { id, tmstmp: at.toISOString(), body: "once" },
      refresh: "wait_for",
    });
    const begin = String(Math.floor(at.getTime() / 1000) - 1);
    const first = await h.run(["-b", begin]);
    assert.equal(tableStats(first.summary, "events", "to-cassandra")["written"], 1);
    for (let i = 0; i < 2; i++) {
      const again = await h.run(["-b", begin]);
      assert.equal(totalWritten(again.summary), 0);
    }
    const rows = await h.cassandra.execute(`SELECT tmstmp FROM ${h.keyspace}.events WHERE id = ?`, [id], {
      prepare: true,
    });
    assert.equal(rows.rowLength, 1);
    assert.equal(
      (rows.first().get("tmstmp") as cassandra.types.TimeUuid).getDate().toISOString(),
      at.toISOString(),
    );
  });

  it("lands a repeated write of one version on the same row, as a retry after a crash would", async () => {
    const id = Uuid.random().toString();
    const store = h.cassandraStore({ splits: 1, concurrency: 1, batchSize: 10, marginMicros: 0n });
    const plan = handPlan({
      keyspace: h.keyspace,
      table: "events",
      index: `${h.index}-events`,
      columns: { body: "text" },
      shape: "versioned",
      timestampType: "timeuuid",
    });
    const record = makeRecord(id, BigInt(Date.now() - 5_000) * 1000n + 7n, false, { body: "retried" });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await store.write(plan, [{ record, current: undefined, version: record.version }]), [
        { status: "written" },
      ]);
    }
    const rows = await h.cassandra.execute(`SELECT body FROM ${h.keyspace}.events WHERE id = ?`, [id], {
      prepare: true,
    });
    assert.equal(rows.rowLength, 1);
  });
});

describe("the range's begin on a table synced reads whole", () => {
  let h: Harness;
  // Half a millisecond past a whole millisecond, so each side of the bound sits in its own unit.
  const boundMs = Date.now() - 60_000;
  const begin = `${new Date(boundMs).toISOString().slice(0, -1)}500Z`;
  const ids = { before: Uuid.random().toString(), at: Uuid.random().toString() };

  before(async () => {
    h = await Harness.create("bound");
    // Latest tables without a timestamp index: a run up to now reads every row and applies the range
    // itself, so the begin is kept by synced, not by the server.
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.stamped (id uuid PRIMARY KEY, tmstmp timestamp)`);
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.uuided (id uuid PRIMARY KEY, tmstmp timeuuid)`);
    const insert = (table: string, id: string, tmstmp: unknown): Promise<unknown> =>
      h.cassandra.execute(`INSERT INTO ${h.keyspace}.${table} (id, tmstmp) VALUES (?, ?)`, [id, tmstmp], {
        prepare: true,
      });
    // A timestamp holds milliseconds: the one before the bound is out, the next one in.
    await insert("stamped", ids.before, new Date(boundMs));
    await insert("stamped", ids.at, new Date(boundMs + 1));
    // A timeuuid holds tenths of a microsecond: 499.9 us past the millisecond is out, 500.0 us in.
    await insert("uuided", ids.before, TimeUuid.fromDate(new Date(boundMs), 4999));
    await insert("uuided", ids.at, TimeUuid.fromDate(new Date(boundMs), 5000));
  });
  after(() => h.cleanup());

  it("copies the rows from the begin on and leaves those before it alone", async () => {
    const result = await h.run(["-b", begin, "--direction", "to-es"]);
    assert.equal(result.code, 0, JSON.stringify(result.summary));
    await h.refresh();
    for (const table of ["stamped", "uuided"]) {
      assert.equal(tableStats(result.summary, table, "to-es")["scanned"], 1, table);
      const copied = await h.es.search({ index: `${h.index}-${table}`, query: { match_all: {} } });
      assert.deepEqual(
        copied.hits.hits.map((hit) => hit._id),
        [ids.at],
        `${table}: only the row at the bound is copied`,
      );
    }
  });
});
