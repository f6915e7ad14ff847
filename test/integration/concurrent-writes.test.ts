// A write by synced never overwrites a newer record, even one that another application writes between
// synced's read and its write; and a write that wins by version lands even over cells with later
// write times. The application writes are ordinary: a plain index call, a plain INSERT with now().
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { FileDeadLetters } from "../../src/deadletter/file-dead-letters.js";
import type { RecordStore } from "../../src/reconcile/record-store.js";
import { runSync, type RunDependencies } from "../../src/reconcile/run-sync.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { CassandraStore } from "../../src/stores/cassandra/cassandra-store.js";
import { ElasticsearchStore } from "../../src/stores/elasticsearch/elasticsearch-store.js";
import { StoreSchemaGateway } from "../../src/stores/schema-gateway.js";
import { Harness } from "../support/harness.js";

const { Uuid, consistencies } = cassandra.types;
const micros = (date: Date): bigint => BigInt(date.getTime()) * 1000n;

/** The real store, with an application write slipped in after synced has read the target. */
function interpose(store: RecordStore, between: () => Promise<void>): RecordStore {
  let done = false;
  return {
    side: store.side,
    versionPrecision: (plan) => store.versionPrecision(plan),
    scan: (plan, range) => store.scan(plan, range),
    fetchCurrent: async (plan, ids) => {
      const current = await store.fetchCurrent(plan, ids);
      if (!done && ids.length > 0) {
        done = true;
        await between();
      }
      return current;
    },
    write: (plan, writes) => store.write(plan, writes),
  };
}

describe("conditional writes beside other writers", () => {
  let h: Harness;
  let cassandraStore: CassandraStore;
  let esStore: ElasticsearchStore;

  before(async () => {
    h = await Harness.create("race");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.latest (id uuid PRIMARY KEY, tmstmp timestamp, body text, deleted boolean)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.versioned (id uuid, tmstmp timeuuid, body text, PRIMARY KEY ((id), tmstmp))`,
    );
    cassandraStore = new CassandraStore({
      client: h.cassandra,
      readConsistency: consistencies.one,
      writeConsistency: consistencies.one,
      writes: "timestamp",
      splits: 2,
      concurrency: 2,
      batchSize: 100,
      marginMicros: 5_000_000n,
    });
    esStore = new ElasticsearchStore({
      client: h.es,
      versioning: "optimistic",
      slices: 1,
      batchSize: 100,
      maxBulkBytes: 1_000_000,
      maxDocumentBytes: 1_000_000,
    });
    // The first run creates the indices; later runs find them.
    await syncOnce({});
  });
  after(() => h.cleanup());

  async function syncOnce(stores: { cassandra?: RecordStore; elasticsearch?: RecordStore }, begin?: Date) {
    const deps: RunDependencies = {
      cassandra: stores.cassandra ?? cassandraStore,
      elasticsearch: stores.elasticsearch ?? esStore,
      schema: new StoreSchemaGateway(h.cassandra, h.es, {
        keyspace: h.keyspace,
        layout: { layout: "index-per-table", index: h.index, typeField: "type" },
        names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
        include: [],
        exclude: [],
        createTables: false,
        direction: "both",
      }),
      state: new FileStateStore({ directory: h.stateDir }),
      deadLetters: new FileDeadLetters(`${h.stateDir}/dead.ndjson`, "test"),
      signal: new AbortController().signal,
      now: () => micros(new Date()),
      log: () => undefined,
    };
    return runSync(
      {
        runId: Uuid.random().toString(),
        key: "race",
        holder: "test",
        begin: begin === undefined ? undefined : micros(begin),
        end: undefined,
        allowFutureEnd: false,
        lagMs: 0,
        direction: "both",
        dryRun: false,
        maxErrors: 10,
        leaseTtlMs: 60_000,
        maxFutureMs: 3_600_000,
      },
      deps,
    );
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
