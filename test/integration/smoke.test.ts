// Proves both real servers answer through the drivers synced uses. Fails when either is down.
// Connecting happens inside each test, not in a hook, so a server that is down counts as a failed test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { cassandraOptions, connectTestSearch, runScopedName } from "../support/servers.js";

describe("Cassandra smoke", () => {
  it("writes and reads a row keyed by uuid and timeuuid in a per-run keyspace", async () => {
    const keyspace = runScopedName("smoke");
    const client = new cassandra.Client(cassandraOptions());
    try {
      await client.execute(
        `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      await client.execute(
        `CREATE TABLE ${keyspace}.items (id uuid, tmstmp timeuuid, name text, PRIMARY KEY ((id), tmstmp))`,
      );
      const id = cassandra.types.Uuid.random();
      const tmstmp = cassandra.types.TimeUuid.now();
      await client.execute(
        `INSERT INTO ${keyspace}.items (id, tmstmp, name) VALUES (?, ?, ?)`,
        [id, tmstmp, "first"],
        { prepare: true },
      );
      const result = await client.execute(
        `SELECT id, tmstmp, name FROM ${keyspace}.items WHERE id = ?`,
        [id],
        { prepare: true },
      );
      assert.equal(result.rowLength, 1);
      const row = result.first();
      assert.equal(String(row.get("id")), String(id));
      assert.equal(String(row.get("tmstmp")), String(tmstmp));
      assert.equal(row.get("name"), "first");
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
      await client.shutdown();
    }
  });
});

describe("Elasticsearch smoke", () => {
  it("indexes a document with a date_nanos field in a per-run index and finds it by range", async () => {
    const index = runScopedName("smoke");
    const client = await connectTestSearch();
    try {
      await client.indices.create({
        index,
        mappings: { properties: { tmstmp: { type: "date_nanos" }, name: { type: "keyword" } } },
      });
      const tmstmp = "2024-05-01T10:20:30.123456789Z";
      await client.index({ index, id: "doc-1", document: { tmstmp, name: "first" }, refresh: "wait_for" });
      const found = await client.search<{ tmstmp: string; name: string }>({
        index,
        query: {
          range: { tmstmp: { gte: "2024-05-01T10:20:30.123456789Z", lt: "2024-05-01T10:20:30.123457Z" } },
        },
      });
      assert.equal(found.hits.hits.length, 1);
      assert.deepEqual(found.hits.hits[0]?._source, { tmstmp, name: "first" });
    } finally {
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });
});
