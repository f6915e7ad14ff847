// What synced does differently on Cassandra 4.1, which has no maxwritetime() and no storage-attached
// indexes. Each test runs with the capabilities synced reads from the server and again with those of
// 4.1, so the main run on Cassandra 5 covers the 4.1 paths too and the compatibility run covers them on
// a real 4.1 (where both are the same).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { ConfigError } from "../../src/core/errors.js";
import { capabilitiesOf, type CassandraCapabilities } from "../../src/stores/cassandra/capabilities.js";
import { interpose } from "../support/interpose.js";
import { Harness, tableStats } from "../support/harness.js";

const { Uuid } = cassandra.types;
const CASSANDRA_41 = capabilitiesOf(["4.1.10"]);

function variants(h: Harness): [string, CassandraCapabilities][] {
  return [
    [`as read from the server (${h.capabilities.release})`, h.capabilities],
    ["as on Cassandra 4.1", CASSANDRA_41],
  ];
}

describe("a latest table with a non-frozen collection and UDT, written from Elasticsearch", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("c41");
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.address (street text, city text)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.people (id uuid PRIMARY KEY, tmstmp timestamp, body text, ` +
        `tags set<text>, home address, deleted boolean)`,
    );
    // The first run creates the index; later runs find it.
    const first = await h.runEngine({ key: "c41" });
    assert.equal(first.outcome, "success", first.error?.message);
  });
  after(() => h.cleanup());

  async function arrange(id: string, old: Date, changed: Date): Promise<void> {
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.people (id, tmstmp, body, tags, home) VALUES (?, ?, 'old', {'old'}, ` +
        `{street: 'old street', city: 'old city'}) USING TIMESTAMP ?`,
      [id, old, BigInt(old.getTime()) * 1000n],
      { prepare: true },
    );
    await h.es.index({
      index: `${h.index}-people`,
      id,
      document: {
        id,
        tmstmp: changed.toISOString(),
        body: "from es",
        tags: ["es"],
        home: { street: "es street", city: "es city" },
      },
      refresh: true,
    });
  }

  async function row(id: string): Promise<{ body: unknown; tags: string[]; street: unknown }> {
    const result = await h.cassandra.execute(
      `SELECT body, tags, home FROM ${h.keyspace}.people WHERE id = ?`,
      [id],
      { prepare: true },
    );
    const found = result.first();
    const tags = found.get("tags") as Iterable<string> | null;
    return {
      body: found.get("body"),
      tags: [...(tags ?? [])].sort(),
      street: (found.get("home") as { street?: unknown } | null)?.street,
    };
  }

  it("replaces the collection whole, even when its cells were written after the rest of the row", async () => {
    for (const [label, capabilities] of variants(h)) {
      const id = Uuid.random().toString();
      const old = new Date(Date.now() - 60_000);
      const changed = new Date(Date.now() - 30_000);
      await arrange(id, old, changed);
      // Another application adds an element later than the row's other cells, yet before the lag.
      await h.cassandra.execute(
        `UPDATE ${h.keyspace}.people USING TIMESTAMP ? SET tags = tags + {'late'} WHERE id = ?`,
        [BigInt(Date.now() - 20_000) * 1000n, id],
        { prepare: true },
      );
      const report = await h.runEngine({ key: "c41", capabilities, begin: new Date(old.getTime() - 1000) });
      assert.equal(report.outcome, "success", report.error?.message);
      assert.deepEqual(await row(id), { body: "from es", tags: ["es"], street: "es street" }, label);
    }
  });

  it("keeps an application write made between synced's read and its write", async () => {
    for (const [label, capabilities] of variants(h)) {
      const id = Uuid.random().toString();
      const old = new Date(Date.now() - 60_000);
      const changed = new Date(Date.now() - 30_000);
      await arrange(id, old, changed);
      const stores = h.stores(capabilities);
      const report = await h.runEngine({
        key: "c41",
        capabilities,
        begin: new Date(old.getTime() - 1000),
        cassandra: interpose(stores.cassandra, async () => {
          await h.cassandra.execute(
            `INSERT INTO ${h.keyspace}.people (id, tmstmp, body, tags, home) VALUES (?, toTimestamp(now()), ` +
              `'application', {'application'}, {street: 'app street', city: 'app city'})`,
            [id],
            { prepare: true },
          );
        }),
      });
      assert.equal(report.outcome, "success", report.error?.message);
      assert.deepEqual(
        await row(id),
        { body: "application", tags: ["application"], street: "app street" },
        label,
      );
      // Without maxwritetime() the write is a transaction whose condition the application's write
      // broke: synced read the row again and left it. With it, the write time lies below the
      // application's, which wins in Cassandra itself.
      const toCassandra = report.tables.find((t) => t.table === "people" && t.direction === "to-cassandra");
      assert.equal(toCassandra?.conflicts, capabilities.maxWritetime ? 0 : 1, label);
    }
  });
});

describe("--create-timestamp-index without storage-attached indexes", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("c41idx");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.events (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.events (id, tmstmp, v) VALUES (uuid(), ?, 1)`,
      [new Date(Date.now() - 60_000)],
      { prepare: true },
    );
  });
  after(() => h.cleanup());

  async function nothingWritten(): Promise<void> {
    const indexes = await h.cassandra.execute(
      "SELECT index_name FROM system_schema.indexes WHERE keyspace_name = ?",
      [h.keyspace],
      { prepare: true },
    );
    assert.equal(indexes.rowLength, 0);
    assert.equal(await h.es.indices.exists({ index: `${h.index}-events` }), false);
  }

  it("refuses the run before anything is written, naming the release", async () => {
    await assert.rejects(
      h.runEngine({ key: "c41idx", capabilities: CASSANDRA_41, createTimestampIndex: true }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, /Cassandra 4\.1\.10/);
        assert.match(error.message, /run without --create-timestamp-index/);
        return true;
      },
    );
    await nothingWritten();
  });

  it("exits 2 from the command on a server without them", async (t) => {
    if (h.capabilities.storageAttachedIndexes) {
      t.skip(`Cassandra ${h.capabilities.release} has storage-attached indexes`);
      return;
    }
    const result = await h.cli([...h.baseArgs(), "--create-timestamp-index"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(result.stderr, new RegExp(`Cassandra ${h.capabilities.release.replaceAll(".", "\\.")}`));
    assert.match(result.stderr, /run without --create-timestamp-index/);
    await nothingWritten();
    // Without the flag, the same run reads the range by filtering the table.
    const run = await h.run();
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.equal(tableStats(run.summary, "events", "to-es")["written"], 1);
  });
});

// Cassandra 4.1 has no vector type: --create-tables and --create-columns sent `vector<float, 3>` for a
// dense_vector field, and passed on Cassandra's "mismatched input '<'", which named no release.
describe("a dense_vector field without the vector type", () => {
  let h: Harness;
  let index: string;

  before(async () => {
    h = await Harness.create("c41vec");
    index = `${h.index}-vecs`;
    // OpenSearch has no dense_vector (its vectors are knn_vector): the tests below skip there.
    if (h.es.product === "opensearch") return;
    await h.es.indices.create({
      index,
      mappings: {
        properties: {
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          emb: { type: "dense_vector", dims: 3 },
          label: { type: "keyword" },
        },
      },
    });
    const at = new Date(Date.now() - 60_000).toISOString();
    await h.es.index({
      index,
      id: "a1",
      document: { id: "a1", tmstmp: at, emb: [0.1, 0.2, 0.3], label: "x" },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  const release = /this cluster runs Cassandra 4\.1\.10/;
  const field = /field "emb" \(dense_vector\) would be a column of type vector<float, 3>/;

  it("makes no table from the index, and says why and what to do instead", async (t) => {
    if (h.es.product === "opensearch") {
      t.skip("dense_vector is Elasticsearch's");
      return;
    }
    const refusal = (await h.schema(CASSANDRA_41).tableRefusal("vecs", index)) ?? "";
    assert.match(refusal, field);
    assert.match(refusal, release);
    assert.match(refusal, /Create the table by hand, with a column of another type .*list<float>/);
    // The only table selected, the run is refused before it creates anything.
    await assert.rejects(
      h.runEngine({ key: "c41vec-t", capabilities: CASSANDRA_41, createTables: true }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, /vecs: cannot create the table from index \S+-vecs: field "emb"/);
        assert.match(error.message, release);
        return true;
      },
    );
    assert.deepEqual(await h.columnTypes("vecs"), {});
    // Where the server has the type, the table can be made.
    assert.equal(
      await h.schema().tableRefusal("vecs", index),
      h.capabilities.vectorType ? undefined : refusal.replace("4.1.10", h.capabilities.release),
    );
  });

  it("makes no column for the field, and says why and what to do instead", async (t) => {
    if (h.es.product === "opensearch") {
      t.skip("dense_vector is Elasticsearch's");
      return;
    }
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.vecs (id text PRIMARY KEY, label text, deleted boolean, tmstmp timestamp)`,
    );
    for (const [label, capabilities] of [...variants(h)].reverse()) {
      const report = await h.runEngine({
        key: "c41vec-c",
        capabilities,
        createColumns: true,
        begin: new Date(0),
      });
      if (capabilities.vectorType) {
        assert.deepEqual(report.columnsNotCreated, [], label);
        assert.equal((await h.columnTypes("vecs"))["emb"], "vector<float, 3>", label);
        continue;
      }
      assert.deepEqual(
        report.columnsNotCreated.map((c) => c.field),
        ["emb"],
        label,
      );
      const reason = report.columnsNotCreated[0]?.reason ?? "";
      assert.match(reason, field, label);
      assert.match(reason, new RegExp(`Cassandra ${capabilities.release.replaceAll(".", "\\.")}`), label);
      assert.match(
        reason,
        /Create the column by hand, as another type .*list<float>.*include setting/,
        label,
      );
      assert.doesNotMatch(reason, /mismatched input/, label);
      assert.equal((await h.columnTypes("vecs"))["emb"], undefined, label);
    }
  });
});
