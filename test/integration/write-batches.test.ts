// Writes toward Cassandra that need no condition go in small unlogged batches of rows on one replica
// set (stores/cassandra/write-batches.ts). On the real server: every row lands at its own write time,
// as it would alone, and the replicas of a row are found from the token Cassandra itself gives it.
import assert from "node:assert/strict";
import { after, before, describe, it, mock } from "node:test";
import cassandra from "cassandra-driver";
import { native, type NativeName } from "../../src/core/cql-type.js";
import type { TableKey } from "../../src/core/table-key.js";
import { routingKey } from "../../src/stores/cassandra/write-batches.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

const { Uuid, TimeUuid } = cassandra.types;

describe("writes to Cassandra in unlogged batches", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("batches");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.docs (id uuid PRIMARY KEY, tmstmp timestamp, a text, n int, tags list<text>)`,
    );
  });
  after(() => h.cleanup());

  /** A run toward Cassandra of the documents dated from `base` on, with the size of each batch it sent. */
  async function copyToCassandra(base: number, flags: readonly string[]) {
    const batch = mock.method(cassandra.Client.prototype, "batch");
    try {
      const run = await h.run([
        ...["--tables", "docs", "--direction", "to-cassandra", ...flags],
        ...["-b", new Date(base - 1).toISOString()],
      ]);
      return { run, batches: batch.mock.calls.map((call) => (call.arguments[0] as unknown[]).length) };
    } finally {
      batch.mock.restore();
    }
  }

  it("writes each row of a batch at its own write time, as it would alone", async () => {
    const index = `${h.index}-docs`;
    const base = Date.now() - 3_600_000;
    const documents = Array.from({ length: 45 }, (_, i) => ({
      id: Uuid.random().toString(),
      tmstmp: new Date(base + i * 1_000 + (i % 7)).toISOString(),
      a: `row ${i}`,
      n: i,
      tags: [`t${i % 3}`, "shared"],
    }));
    // The first run creates the index; the documents come after it, as an application writes them.
    assert.equal((await h.run(["--tables", "docs"])).code, EXIT.success);
    for (const document of documents) await h.es.index({ index, id: document.id, document });
    await h.refresh();

    const { run, batches } = await copyToCassandra(base, []);
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    const batched = batches.reduce((n, size) => n + size, 0);
    assert.ok(batches.length >= 5, `${batches.length} batches`);
    assert.equal(batched, documents.length, "every row went in a batch");

    const rows = await h.cassandra.execute(
      `SELECT id, tmstmp, a, n, tags, WRITETIME(a) AS written FROM ${h.keyspace}.docs`,
    );
    assert.equal(rows.rowLength, documents.length);
    const byId = new Map(rows.rows.map((row) => [String(row.get("id")), row]));
    for (const document of documents) {
      const row = byId.get(document.id);
      assert.ok(row, document.id);
      assert.equal(row.get("a"), document.a);
      assert.equal(row.get("n"), document.n);
      assert.deepEqual(row.get("tags"), document.tags);
      // The version, in microseconds: the write time that lets any later write win.
      assert.equal(row.get("written"), BigInt(Date.parse(document.tmstmp)) * 1000n, document.id);
    }
  });

  it("writes each row alone with --cassandra-batch-bytes 0, at the same write times", async () => {
    const index = `${h.index}-docs`;
    const base = Date.now() - 1_800_000;
    const documents = Array.from({ length: 12 }, (_, i) => ({
      id: Uuid.random().toString(),
      tmstmp: new Date(base + i * 1_000).toISOString(),
      a: `alone ${i}`,
      n: i,
      tags: ["alone"],
    }));
    for (const document of documents) await h.es.index({ index, id: document.id, document });
    await h.refresh();

    const { run, batches } = await copyToCassandra(base, ["--cassandra-batch-bytes", "0"]);
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.equal(batches.length, 0, "no batch was sent");
    const rows = await h.cassandra.execute(
      `SELECT id, a, WRITETIME(a) AS written FROM ${h.keyspace}.docs WHERE id IN ?`,
      [documents.map((d) => d.id)],
      { prepare: true },
    );
    assert.equal(rows.rowLength, documents.length);
    const byId = new Map(rows.rows.map((row) => [String(row.get("id")), row]));
    for (const document of documents) {
      assert.equal(byId.get(document.id)?.get("a"), document.a);
      assert.equal(byId.get(document.id)?.get("written"), BigInt(Date.parse(document.tmstmp)) * 1000n);
    }
  });

  it("finds a row's replicas from the token Cassandra gives its partition key, for each key type it batches", async () => {
    const values: Record<string, unknown> = {
      text: "tenant-é",
      int: -258,
      bigint: 9_007_199_254_740_993n,
      uuid: Uuid.random(),
      timeuuid: TimeUuid.now(),
    };
    const names = Object.keys(values) as NativeName[];
    const cases: { table: string; key: TableKey; values: unknown[] }[] = [
      ...names.map((name) => ({
        table: `k_${name}`,
        key: { partition: [{ name: "k", type: native(name) }], clustering: [] },
        values: [values[name]],
      })),
      {
        table: "k_all",
        key: {
          partition: names.map((name) => ({ name: `k_${name}`, type: native(name) })),
          clustering: [{ name: "c", type: native("int") }],
        },
        values: [...names.map((name) => values[name]), 1],
      },
    ];
    for (const { table, key, values: row } of cases) {
      const columns = [...key.partition, ...key.clustering];
      const partition = key.partition.map((column) => column.name).join(", ");
      const clustering = key.clustering.map((column) => `, ${column.name}`).join("");
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (${columns.map((c) => `${c.name} ${c.type.kind === "native" ? c.type.name : ""}`).join(", ")}, ` +
          `PRIMARY KEY ((${partition})${clustering}))`,
      );
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (${columns.map((c) => c.name).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
        row,
        { prepare: true },
      );
      const read = await h.cassandra.execute(`SELECT token(${partition}) AS t FROM ${h.keyspace}.${table}`);
      const routing = routingKey(key, row);
      assert.ok(routing, table);
      assert.equal(
        String(h.cassandra.metadata.newToken(routing).getValue()),
        String(read.first().get("t")),
        table,
      );
    }
  });
});
