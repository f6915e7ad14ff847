// A write by synced never overwrites a newer record, even one that another application writes between
// synced's read and its write; and a write that wins by version lands even over cells with later
// write times. The application writes are ordinary: a plain index call, a plain INSERT with now().
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import type { RecordStore } from "../../src/reconcile/record-store.js";
import { interpose } from "../support/interpose.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;

describe("conditional writes beside other writers", () => {
  let h: Harness;
  let cassandraStore: RecordStore;
  let esStore: RecordStore;

  before(async () => {
    h = await Harness.create("race");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.latest (id uuid PRIMARY KEY, tmstmp timestamp, body text, deleted boolean)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.versioned (id uuid, tmstmp timeuuid, body text, PRIMARY KEY ((id), tmstmp))`,
    );
    ({ cassandra: cassandraStore, elasticsearch: esStore } = h.stores());
    // The first run creates the indices; later runs find them.
    await syncOnce({});
  });
  after(() => h.cleanup());

  function syncOnce(stores: { cassandra?: RecordStore; elasticsearch?: RecordStore }, begin?: Date) {
    return h.runEngine({ key: "race", ...stores, ...(begin === undefined ? {} : { begin }) });
  }

  it("keeps an Elasticsearch document indexed between synced's read and its write", async () => {
    const id = Uuid.random().toString();
    const old = new Date(Date.now() - 60_000);
    const changed = new Date(Date.now() - 30_000);
    await h.es.index({
      index: `${h.index}-latest`,
      id,
      document: { id, tmstmp: old.toISOString(), body: "old" },
      refresh: true,
    });
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.latest (id, tmstmp, body) VALUES (?, ?, 'cassandra')`,
      [id, changed],
      {
        prepare: true,
      },
    );
    const appWrite = new Date();
    const report = await syncOnce(
      {
        elasticsearch: interpose(esStore, async () => {
          await h.es.index({
            index: `${h.index}-latest`,
            id,
            document: { id, tmstmp: appWrite.toISOString(), body: "application" },
          });
        }),
      },
      new Date(old.getTime() - 1000),
    );
    assert.equal(report.outcome, "success", report.error?.message);
    const toEs = report.tables.find((t) => t.table === "latest" && t.direction === "to-es");
    assert.equal(toEs?.conflicts, 1);
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-latest`, id });
    assert.equal(doc._source?.["body"], "application");
  });

  it("keeps a Cassandra row inserted with now() between synced's read and its write, for both shapes", async () => {
    for (const table of ["latest", "versioned"]) {
      const id = Uuid.random().toString();
      const old = new Date(Date.now() - 60_000);
      const changed = new Date(Date.now() - 30_000);
      const ts = table === "latest" ? "toTimestamp(now())" : "now()";
      const oldValue = table === "latest" ? old : cassandra.types.TimeUuid.fromDate(old);
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, body) VALUES (?, ?, 'old')`,
        [id, oldValue],
        {
          prepare: true,
        },
      );
      await h.es.index({
        index: `${h.index}-${table}`,
        id,
        document: { id, tmstmp: changed.toISOString(), body: "from es" },
        refresh: true,
      });
      const report = await syncOnce(
        {
          cassandra: interpose(cassandraStore, async () => {
            await h.cassandra.execute(
              `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, body) VALUES (?, ${ts}, 'application')`,
              [id],
              { prepare: true },
            );
          }),
        },
        new Date(old.getTime() - 1000),
      );
      assert.equal(report.outcome, "success", report.error?.message);
      const newest = await h.cassandra.execute(
        `SELECT body FROM ${h.keyspace}.${table} WHERE id = ?${table === "versioned" ? " ORDER BY tmstmp DESC" : ""} LIMIT 1`,
        [id],
        { prepare: true },
      );
      assert.equal(newest.first().get("body"), "application", `table ${table}`);
    }
  });

  it("lands a winning write over cells with later write times, with and without a transaction", async () => {
    // 20 s ago is before the 5 s margin: USING TIMESTAMP just above it. 1 s ago is inside the margin:
    // a lightweight transaction. An hour ahead is above any transaction's ballot: USING TIMESTAMP again.
    for (const writetime of [Date.now() - 20_000, Date.now() - 1_000, Date.now() + 3_600_000]) {
      const id = Uuid.random().toString();
      const old = new Date(Date.now() - 60_000);
      const changed = new Date(Date.now() - 30_000);
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.latest (id, tmstmp, body) VALUES (?, ?, 'older version, later write') USING TIMESTAMP ?`,
        [id, old, BigInt(writetime) * 1000n],
        { prepare: true },
      );
      await h.es.index({
        index: `${h.index}-latest`,
        id,
        document: { id, tmstmp: changed.toISOString(), body: "newer version" },
        refresh: true,
      });
      const report = await syncOnce({}, new Date(old.getTime() - 1000));
      assert.equal(report.outcome, "success", report.error?.message);
      const row = await h.cassandra.execute(
        `SELECT body, tmstmp FROM ${h.keyspace}.latest WHERE id = ?`,
        [id],
        {
          prepare: true,
        },
      );
      assert.equal(row.first().get("body"), "newer version");
      assert.equal((row.first().get("tmstmp") as Date).toISOString(), changed.toISOString());
    }
  });
});
