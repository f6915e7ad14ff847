// A UUID is the same id in any case, but Elasticsearch's _id is case-sensitive. A document indexed
// under an uppercase _id is the record's one document: synced updates it in place, never indexes a
// second one beside it, and dead-letters what it cannot tell apart.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { deadLetters, Harness, tableStats } from "../support/harness.js";

const { TimeUuid, Uuid } = cassandra.types;

describe("uppercase document ids", () => {
  let h: Harness;
  let index: string;
  const hourAgo = Date.now() - 3_600_000;
  const begin = String(Math.floor(hourAgo / 1000) - 60);

  before(async () => {
    h = await Harness.create("idcase");
    index = `${h.index}-people`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.people (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    await h.es.indices.create({
      index,
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, name: { type: "keyword" } },
      },
    });
  });
  after(() => h.cleanup());

  async function documents(id: string): Promise<{ _id: string; name: unknown }[]> {
    await h.refresh();
    const response = await h.es.search<{ name: unknown }>({
      index,
      query: { term: { id: { value: id, case_insensitive: true } } },
    });
    return response.hits.hits.map((hit) => ({ _id: hit._id ?? "", name: hit._source?.name }));
  }

  it("updates the uppercase document and never indexes a lowercase twin, even in a backfill", async () => {
    const upper = Uuid.random().toString().toUpperCase();
    const lower = upper.toLowerCase();
    await h.es.index({
      index,
      id: upper,
      document: { id: upper, tmstmp: new Date(hourAgo).toISOString(), name: "ada" },
      refresh: true,
    });

    const first = await h.run(["-b", begin]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const row = await h.cassandra.execute(`SELECT name FROM ${h.keyspace}.people WHERE id = ?`, [lower], {
      prepare: true,
    });
    assert.equal(row.first().get("name"), "ada");

    const backfill = await h.run(["-b", "0"]);
    assert.equal(backfill.code, EXIT.success, JSON.stringify(backfill.summary));
    assert.equal(tableStats(backfill.summary, "people", "to-es")["written"], 0);
    assert.deepEqual(await documents(lower), [{ _id: upper, name: "ada" }]);

    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.people SET name = 'lovelace', tmstmp = ? WHERE id = ?`,
      [new Date(hourAgo + 60_000), lower],
      { prepare: true },
    );
    const update = await h.run(["-b", begin]);
    assert.equal(update.code, EXIT.success, JSON.stringify(update.summary));
    assert.equal(tableStats(update.summary, "people", "to-es")["written"], 1);
    assert.deepEqual(await documents(lower), [{ _id: upper, name: "lovelace" }]);
  });

  it("dead-letters an id held by both a lowercase and an uppercase document, and adds no third", async () => {
    const lower = Uuid.random().toString();
    const upper = lower.toUpperCase();
    for (const [id, name] of [
      [lower, "one"],
      [upper, "two"],
    ] as const) {
      await h.es.index({
        index,
        id,
        document: { id, tmstmp: new Date(hourAgo).toISOString(), name },
        refresh: true,
      });
    }
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.people (id, tmstmp, name) VALUES (?, ?, 'three')`,
      [lower, new Date(hourAgo + 60_000)],
      { prepare: true },
    );
    const result = await h.run(["-b", begin]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const reasons = (await deadLetters(result.summary)).filter((l) => l.id === lower).map((l) => l.reason);
    assert.ok(
      reasons.some((r) => r.includes(`two documents hold id ${lower}: _id '${lower}' and _id '${upper}'`)),
      JSON.stringify(reasons),
    );
    const names = (await documents(lower)).map((d) => d.name).sort();
    assert.deepEqual(names, ["one", "two"]);
  });

  it("dead-letters a document whose _id spells the UUID in mixed case", async () => {
    // A letter in each half, so that the spelling is mixed: with a random UUID the first eight
    // characters are all digits about once in 40 runs, and the id is then spelled all in upper case,
    // which synced accepts.
    const random = Uuid.random().toString();
    const lower = `a${random.slice(1, -1)}f`;
    const mixed = lower.slice(0, 9) + lower.slice(9).toUpperCase();
    assert.ok(/[a-f]/.test(mixed) && /[A-F]/.test(mixed), mixed);
    await h.es.index({
      index,
      id: mixed,
      document: { id: lower, tmstmp: new Date(hourAgo).toISOString(), name: "mixed" },
      refresh: true,
    });
    const result = await h.run(["-b", begin]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const reasons = (await deadLetters(result.summary)).filter((l) => l.id === lower).map((l) => l.reason);
    assert.ok(
      reasons.some((r) => r.includes(`_id '${mixed}' spells its UUID in mixed case`)),
      JSON.stringify(reasons),
    );
    const row = await h.cassandra.execute(`SELECT id FROM ${h.keyspace}.people WHERE id = ?`, [lower], {
      prepare: true,
    });
    assert.equal(row.rowLength, 0);
  });
});

// A key of several columns spells its uuid and timeuuid parts in lower case, and an application may
// spell them in upper case, as for a key of one uuid; its other parts keep their own case.
describe("uppercase uuids in a key of several columns", () => {
  let h: Harness;
  let index: string;
  const hourAgo = Date.now() - 3_600_000;
  const begin = String(Math.floor(hourAgo / 1000) - 60);

  before(async () => {
    h = await Harness.create("idcasekey");
    index = `${h.index}-visits`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.visits (tenant text, uid uuid, at timeuuid, tmstmp timestamp, ` +
        "name text, PRIMARY KEY ((tenant), uid, at))",
    );
    await h.es.indices.create({
      index,
      mappings: {
        properties: {
          tenant: { type: "keyword" },
          uid: { type: "keyword" },
          at: { type: "keyword" },
          tmstmp: { type: "date" },
          name: { type: "keyword" },
        },
      },
    });
  });
  after(() => h.cleanup());

  /** A key in lower case, with the tenant in mixed case, which no spelling of the UUIDs changes. */
  function newKey(): { uid: string; at: string; lower: string; upper: string } {
    const uid = Uuid.random().toString();
    const at = TimeUuid.now().toString();
    return { uid, at, lower: `Acme|${uid}|${at}`, upper: `Acme|${uid.toUpperCase()}|${at.toUpperCase()}` };
  }

  async function indexDocument(id: string, uid: string, at: string, name: string, tmstmp?: Date) {
    await h.es.index({
      index,
      id,
      document: { tenant: "Acme", uid, at, name, ...(tmstmp ? { tmstmp: tmstmp.toISOString() } : {}) },
      refresh: true,
    });
  }

  async function documents(uid: string): Promise<{ _id: string; name: unknown }[]> {
    await h.refresh();
    const response = await h.es.search<{ name: unknown }>({
      index,
      query: { term: { uid: { value: uid, case_insensitive: true } } },
    });
    return response.hits.hits.map((hit) => ({ _id: hit._id ?? "", name: hit._source?.name }));
  }

  async function row(uid: string, at: string): Promise<cassandra.types.Row | undefined> {
    const rows = await h.cassandra.execute(
      `SELECT name FROM ${h.keyspace}.visits WHERE tenant = 'Acme' AND uid = ? AND at = ?`,
      [uid, at],
      { prepare: true },
    );
    return rows.rowLength === 0 ? undefined : rows.first();
  }

  it("updates the document whose _id spells the UUIDs in upper case, and indexes no twin", async () => {
    const key = newKey();
    await indexDocument(key.upper, key.uid.toUpperCase(), key.at.toUpperCase(), "ada", new Date(hourAgo));

    const first = await h.run(["-b", begin]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal((await row(key.uid, key.at))?.get("name"), "ada");

    const backfill = await h.run(["-b", "0"]);
    assert.equal(backfill.code, EXIT.success, JSON.stringify(backfill.summary));
    assert.equal(tableStats(backfill.summary, "visits", "to-es")["written"], 0);
    assert.deepEqual(await documents(key.uid), [{ _id: key.upper, name: "ada" }]);

    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.visits SET name = 'lovelace', tmstmp = ? WHERE tenant = 'Acme' AND uid = ? AND at = ?`,
      [new Date(hourAgo + 60_000), key.uid, key.at],
      { prepare: true },
    );
    const update = await h.run(["-b", begin]);
    assert.equal(update.code, EXIT.success, JSON.stringify(update.summary));
    assert.equal(tableStats(update.summary, "visits", "to-es")["written"], 1);
    assert.deepEqual(await documents(key.uid), [{ _id: key.upper, name: "lovelace" }]);
  });

  it("settles the letter of the uppercase document once an application fixes it", async () => {
    const key = newKey();
    // No tmstmp: the document cannot be compared, and is dead-lettered.
    await indexDocument(key.upper, key.uid.toUpperCase(), key.at.toUpperCase(), "grace");
    const lettered = await h.run(["-b", "0"]);
    assert.equal(lettered.code, EXIT.partial, JSON.stringify(lettered.summary));

    await indexDocument(key.upper, key.uid.toUpperCase(), key.at.toUpperCase(), "grace", new Date(hourAgo));
    const fixed = await h.run(["-b", "0"]);
    assert.equal(fixed.code, EXIT.success, JSON.stringify(fixed.summary));
    assert.equal((fixed.summary["deadLetters"] as Record<string, unknown>)["settled"], 1);
    assert.equal((await row(key.uid, key.at))?.get("name"), "grace");
    assert.deepEqual(await documents(key.uid), [{ _id: key.upper, name: "grace" }]);
  });

  it("dead-letters a key held by both spellings, and adds no third document", async () => {
    const key = newKey();
    await indexDocument(key.lower, key.uid, key.at, "one", new Date(hourAgo));
    await indexDocument(key.upper, key.uid.toUpperCase(), key.at.toUpperCase(), "two", new Date(hourAgo));
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.visits (tenant, uid, at, tmstmp, name) VALUES ('Acme', ?, ?, ?, 'three')`,
      [key.uid, key.at, new Date(hourAgo + 60_000)],
      { prepare: true },
    );
    const result = await h.run(["-b", begin]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const reasons = (await deadLetters(result.summary))
      .filter((l) => l.id === key.lower)
      .map((l) => l.reason);
    assert.ok(
      reasons.some((r) =>
        r.includes(`two documents hold id ${key.lower}: _id '${key.lower}' and _id '${key.upper}'`),
      ),
      JSON.stringify(reasons),
    );
    const names = (await documents(key.uid)).map((d) => d.name).sort();
    assert.deepEqual(names, ["one", "two"]);
  });

  it("dead-letters a document whose _id spells one UUID in upper case and another in lower case", async () => {
    const key = newKey();
    const mixed = `Acme|${key.uid.toUpperCase()}|${key.at}`;
    await indexDocument(mixed, key.uid, key.at, "mixed", new Date(hourAgo));
    const result = await h.run(["-b", begin]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const reasons = (await deadLetters(result.summary))
      .filter((l) => l.id === key.lower)
      .map((l) => l.reason);
    assert.ok(
      reasons.some((r) => r.includes(`_id '${mixed}' spells its UUIDs in mixed case`)),
      JSON.stringify(reasons),
    );
    assert.equal(await row(key.uid, key.at), undefined);
  });
});
