// synced -k -i end to end on the real servers: both directions, both table shapes, last write wins,
// and a rerun over a converged range writes nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { Harness, tableStats, totalWritten } from "../support/harness.js";

const { Uuid } = cassandra.types;

describe("reconciling both directions", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("recon");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.users (id uuid, tmstmp timeuuid, name text, age int, deleted boolean, PRIMARY KEY ((id), tmstmp))`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.items (id uuid PRIMARY KEY, tmstmp timestamp, title text, tags set<text>, deleted boolean)`,
    );
  });
  after(() => h.cleanup());

  it("creates the indices under the alias, copies both shapes to Elasticsearch, then writes nothing on a rerun", async () => {
    const userId = Uuid.random().toString();
    const itemId = Uuid.random().toString();
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.users (id, tmstmp, name, age) VALUES (?, now(), 'ada', 36)`,
      [userId],
      { prepare: true },
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.items (id, tmstmp, title, tags) VALUES (?, toTimestamp(now()), 'lamp', {'a', 'b'})`,
      [itemId],
      { prepare: true },
    );

    const first = await h.run();
    assert.equal(first.code, 0, JSON.stringify(first.summary));
    assert.deepEqual((first.summary["createdIndices"] as string[]).sort(), [
      `${h.index}-items`,
      `${h.index}-users`,
    ]);
    assert.equal(tableStats(first.summary, "users", "to-es")["written"], 1);
    assert.equal(tableStats(first.summary, "items", "to-es")["written"], 1);

    const user = await h.es.get<Record<string, unknown>>({ index: `${h.index}-users`, id: userId });
    assert.deepEqual({ name: user._source?.["name"], age: user._source?.["age"] }, { name: "ada", age: 36 });
    await h.refresh();
    // The alias named after -i spans every table's index, as the old multi-type index did.
    const viaAlias = await h.es.search({ index: h.index, query: { ids: { values: [itemId, userId] } } });
    assert.equal(viaAlias.hits.hits.length, 2);

    const rerun = await h.run(["-b", "0"]);
    assert.equal(rerun.code, 0);
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
    assert.equal(tableStats(rerun.summary, "users", "to-cassandra")["unchanged"], 1);
  });

  it("copies documents that other applications index into Cassandra, for both shapes", async () => {
    const userId = Uuid.random().toString();
    const itemId = Uuid.random().toString();
    const now = new Date().toISOString();
    await h.es.index({
      index: `${h.index}-users`,
      id: userId,
      document: { id: userId, tmstmp: now, name: "grace", age: 45 },
    });
    await h.es.index({
      index: `${h.index}-items`,
      id: itemId,
      document: { id: itemId, tmstmp: now, title: "desk", tags: ["x"] },
    });
    await h.refresh();

    const result = await h.run();
    assert.equal(result.code, 0, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "users", "to-cassandra")["written"], 1);
    assert.equal(tableStats(result.summary, "items", "to-cassandra")["written"], 1);

    const users = await h.cassandra.execute(
      `SELECT name, age, tmstmp FROM ${h.keyspace}.users WHERE id = ?`,
      [userId],
      {
        prepare: true,
      },
    );
    assert.equal(users.rowLength, 1);
    assert.equal(users.first().get("name"), "grace");
    const tmstmp = users.first().get("tmstmp") as cassandra.types.TimeUuid;
    assert.equal(tmstmp.getDate().toISOString(), now);
    const items = await h.cassandra.execute(
      `SELECT title, tags, tmstmp FROM ${h.keyspace}.items WHERE id = ?`,
      [itemId],
      {
        prepare: true,
      },
    );
    assert.equal(items.first().get("title"), "desk");
    assert.deepEqual([...(items.first().get("tags") as Set<string>)], ["x"]);
    assert.equal((items.first().get("tmstmp") as Date).toISOString(), now);

    const rerun = await h.run(["-b", "0"]);
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("keeps the newer side of a record changed on both sides, whichever side that is", async () => {
    const olderInEs = Uuid.random().toString();
    const olderInCassandra = Uuid.random().toString();
    const t1 = new Date(Date.now() - 60_000);
    const t2 = new Date(Date.now() - 30_000);
    const insert = `INSERT INTO ${h.keyspace}.items (id, tmstmp, title) VALUES (?, ?, ?)`;
    await h.cassandra.execute(insert, [olderInEs, t2, "cassandra wins"], { prepare: true });
    await h.cassandra.execute(insert, [olderInCassandra, t1, "cassandra loses"], { prepare: true });
    const index = `${h.index}-items`;
    await h.es.index({
      index,
      id: olderInEs,
      document: { id: olderInEs, tmstmp: t1.toISOString(), title: "es loses" },
    });
    await h.es.index({
      index,
      id: olderInCassandra,
      document: { id: olderInCassandra, tmstmp: t2.toISOString(), title: "es wins" },
    });
    await h.refresh();

    const result = await h.run(["-b", String(Math.floor(t1.getTime() / 1000) - 1)]);
    assert.equal(result.code, 0, JSON.stringify(result.summary));

    const fromEs = async (id: string): Promise<unknown> =>
      (await h.es.get<Record<string, unknown>>({ index, id }))._source?.["title"];
    const fromCassandra = async (id: string): Promise<unknown> =>
      (
        await h.cassandra.execute(`SELECT title FROM ${h.keyspace}.items WHERE id = ?`, [id], {
          prepare: true,
        })
      )
        .first()
        .get("title");
    assert.equal(await fromEs(olderInEs), "cassandra wins");
    assert.equal(await fromCassandra(olderInEs), "cassandra wins");
    assert.equal(await fromEs(olderInCassandra), "es wins");
    assert.equal(await fromCassandra(olderInCassandra), "es wins");
  });
});
