// Deletes travel as tombstones in both directions; the type-field layout shares one index; tables are
// created from an index only on request; every skipped table or type is named with its reason.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const { Uuid } = cassandra.types;

describe("deletes, layouts and schema", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("shape");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id uuid, tmstmp timeuuid, text text, deleted boolean, PRIMARY KEY ((id), tmstmp))`,
    );
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.counts (id uuid PRIMARY KEY, hits counter)`);
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.plain (key text PRIMARY KEY, value text)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.wide (id uuid, tmstmp timeuuid, seq int, PRIMARY KEY ((id), tmstmp, seq))`,
    );
  });
  after(() => h.cleanup());

  it("names every skipped table with its reason", async () => {
    const result = await h.run();
    assert.equal(result.code, EXIT.success);
    const skipped = Object.fromEntries(
      (result.summary["skipped"] as { name: string; reason: string }[]).map((s) => [s.name, s.reason]),
    );
    assert.match(skipped["counts"] ?? "", /counter table/);
    assert.match(skipped["plain"] ?? "", /no 'tmstmp' column/);
    assert.match(skipped["wide"] ?? "", /clustering columns \(tmstmp, seq\)/);
  });

  it("carries a delete from Elasticsearch to Cassandra and from Cassandra to Elasticsearch", async () => {
    const deletedInEs = Uuid.random().toString();
    const deletedInCassandra = Uuid.random().toString();
    const created = new Date(Date.now() - 60_000);
    const removed = new Date(Date.now() - 30_000);
    const insert = `INSERT INTO ${h.keyspace}.notes (id, tmstmp, text, deleted) VALUES (?, ?, ?, ?)`;
    for (const id of [deletedInEs, deletedInCassandra]) {
      await h.cassandra.execute(insert, [id, cassandra.types.TimeUuid.fromDate(created), "hello", false], {
        prepare: true,
      });
    }
    const begin = String(Math.floor(created.getTime() / 1000) - 1);
    assert.equal((await h.run(["-b", begin])).code, EXIT.success);

    await h.es.index({
      index: `${h.index}-notes`,
      id: deletedInEs,
      document: { id: deletedInEs, tmstmp: removed.toISOString(), text: "hello", deleted: true },
      refresh: true,
    });
    await h.cassandra.execute(
      insert,
      [deletedInCassandra, cassandra.types.TimeUuid.fromDate(removed), "hello", true],
      {
        prepare: true,
      },
    );
    const result = await h.run(["-b", begin]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "notes", "to-es")["written"], 1);
    assert.equal(tableStats(result.summary, "notes", "to-cassandra")["written"], 1);

    const newest = await h.cassandra.execute(
      `SELECT deleted FROM ${h.keyspace}.notes WHERE id = ? ORDER BY tmstmp DESC LIMIT 1`,
      [deletedInEs],
      { prepare: true },
    );
    assert.equal(newest.first().get("deleted"), true);
    const doc = await h.es.get<Record<string, unknown>>({
      index: `${h.index}-notes`,
      id: deletedInCassandra,
    });
    assert.deepEqual(
      { deleted: doc._source?.["deleted"], tmstmp: doc._source?.["tmstmp"] },
      { deleted: true, tmstmp: `${removed.toISOString().slice(0, -1)}000Z` },
    );
  });

  // Tried as an operator whose applications delete records would: a backfill over a month before a
  // record's delete, of a versioned table whose index had dropped the record's document (purged after
  // its delete), wrote the record's older live row back into the index, and no later run read the delete.
  it("writes a record's newest row in a backfill whose range ends before it, so a delete stays a delete", async () => {
    const id = Uuid.random().toString();
    const created = new Date(Date.now() - 2 * 3_600_000);
    const removed = new Date(Date.now() - 3_600_000);
    const insert = `INSERT INTO ${h.keyspace}.notes (id, tmstmp, text, deleted) VALUES (?, ?, ?, ?)`;
    for (const [at, deleted] of [
      [created, false],
      [removed, true],
    ] as const) {
      await h.cassandra.execute(insert, [id, cassandra.types.TimeUuid.fromDate(at), "hello", deleted], {
        prepare: true,
      });
    }
    const seconds = (date: Date, by: number): string => String(Math.floor(date.getTime() / 1000) + by);
    // The job's run copies the delete and moves the checkpoint to now; the document is then purged.
    assert.equal((await h.run(["--tables", "notes"])).code, EXIT.success);
    await h.es.delete({ index: `${h.index}-notes`, id, refresh: true });
    const result = await h.run([
      "-b",
      seconds(created, -60),
      "-e",
      seconds(created, 60),
      "--tables",
      "notes",
    ]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-notes`, id });
    assert.deepEqual(
      { deleted: doc._source?.["deleted"], tmstmp: doc._source?.["tmstmp"] },
      { deleted: true, tmstmp: `${removed.toISOString().slice(0, -1)}000Z` },
    );
  });

  it("skips an index without a table, and creates the table from the mapping with --create-tables", async () => {
    const id = Uuid.random().toString();
    await h.es.indices.create({
      index: `${h.index}-orders`,
      mappings: {
        properties: {
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          total: { type: "double" },
          address: { properties: { city: { type: "keyword" }, zip: { type: "integer" } } },
        },
      },
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({
      index: `${h.index}-orders`,
      id,
      document: { id, tmstmp: at, total: 12.5, address: { city: "Lyon", zip: 69001 } },
      refresh: true,
    });
    const begin = String(Math.floor(Date.now() / 1000) - 60);
    const without = await h.run(["-b", begin, "--tables", "orders"]);
    const skipped = without.summary["skipped"] as { name: string; reason: string }[];
    assert.match(skipped.find((s) => s.name === "orders")?.reason ?? "", /pass --create-tables/);

    const created = await h.run(["-b", begin, "--tables", "orders", "--create-tables"]);
    assert.equal(created.code, EXIT.success, JSON.stringify(created.summary));
    assert.deepEqual(created.summary["createdTables"], ["orders"]);
    await h.es.indices.create({
      index: `${h.index}-places`,
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, at: { type: "geo_point" } },
      },
    });
    const refused = await h.run(["-b", begin, "--tables", "places,orders", "--create-tables"]);
    assert.equal(refused.code, EXIT.success, JSON.stringify(refused.summary));
    const reasons = refused.summary["skipped"] as { name: string; reason: string }[];
    assert.match(
      reasons.find((s) => s.name === "places")?.reason ?? "",
      /cannot create the table .*geo_point/,
    );
    const row = await h.cassandra.execute(
      `SELECT total, address FROM ${h.keyspace}.orders WHERE id = ?`,
      [id],
      {
        prepare: true,
      },
    );
    assert.equal(row.first().get("total"), 12.5);
    const address = row.first().get("address") as { city: string; zip: number };
    assert.deepEqual({ city: address.city, zip: address.zip }, { city: "Lyon", zip: 69001 });
  });
});

describe("the type-field layout", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("typed");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.cats (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.dogs (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
  });
  after(() => h.cleanup());

  it("keeps every table in one index with a type field and <table>-<id> document ids, both ways", async () => {
    const cat = Uuid.random().toString();
    const dog = Uuid.random().toString();
    const at = new Date(Date.now() - 10_000);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.cats (id, tmstmp, name) VALUES (?, ?, 'tom')`,
      [cat, at],
      {
        prepare: true,
      },
    );
    const first = await h.run(["--layout", "type-field"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    // Both tables' types went into one index: it was created once.
    assert.deepEqual(first.summary["createdIndices"], [h.index]);
    const doc = await h.es.get<Record<string, unknown>>({ index: h.index, id: `cats-${cat}` });
    assert.deepEqual(
      { type: doc._source?.["type"], name: doc._source?.["name"], id: doc._source?.["id"] },
      { type: "cats", name: "tom", id: cat },
    );

    await h.es.index({
      index: h.index,
      id: `dogs-${dog}`,
      document: { type: "dogs", id: dog, tmstmp: new Date().toISOString(), name: "rex" },
      refresh: true,
    });
    const second = await h.run(["--layout", "type-field"]);
    assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));
    assert.equal(tableStats(second.summary, "dogs", "to-cassandra")["written"], 1);
    assert.equal(tableStats(second.summary, "cats", "to-cassandra")["written"], 0);
    const row = await h.cassandra.execute(`SELECT name FROM ${h.keyspace}.dogs WHERE id = ?`, [dog], {
      prepare: true,
    });
    assert.equal(row.first().get("name"), "rex");
  });
});

describe("the type-field layout on an index mapped dynamically", () => {
  let h: Harness;
  const at = Date.now() - 60_000;

  before(async () => {
    h = await Harness.create("dyntype");
    for (const table of ["users", "orders"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
      );
    }
  });
  after(() => h.cleanup());

  it("selects types on the keyword sub-field of a text type field, whatever their case", async () => {
    // No mapping given: Elasticsearch maps 'type', 'id' and 'name' as text with a keyword sub-field,
    // as it did for indices that came from Elasticsearch 5/6 or from another application.
    const fromEs = Uuid.random().toString();
    await h.es.index({
      index: h.index,
      id: `Users-${fromEs}`,
      document: { type: "Users", id: fromEs, tmstmp: new Date(at).toISOString(), name: "ada" },
      refresh: true,
    });
    const mapping = await h.es.indices.getMapping({ index: h.index });
    assert.equal(Object.values(mapping)[0]?.mappings.properties?.["type"]?.type, "text");
    const user = Uuid.random().toString();
    const order = Uuid.random().toString();
    for (const [table, id] of [
      ["users", user],
      ["orders", order],
    ] as const) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, name) VALUES (?, ?, 'grace')`,
        [id, new Date(at)],
        { prepare: true },
      );
    }

    const first = await h.run(["--layout", "type-field"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal(tableStats(first.summary, "users", "to-cassandra")["written"], 1);
    assert.equal(tableStats(first.summary, "users", "to-es")["written"], 1);
    assert.equal(tableStats(first.summary, "orders", "to-es")["written"], 1);
    const row = await h.cassandra.execute(`SELECT name FROM ${h.keyspace}.users WHERE id = ?`, [fromEs], {
      prepare: true,
    });
    assert.equal(row.first().get("name"), "ada");
    // The type keeps its spelling in new documents, and a new type joins the text field as it is.
    const copied = await h.es.get<Record<string, unknown>>({ index: h.index, id: `Users-${user}` });
    assert.equal(copied._source?.["type"], "Users");
    const added = await h.es.get<Record<string, unknown>>({ index: h.index, id: `orders-${order}` });
    assert.equal(added._source?.["type"], "orders");

    const second = await h.run(["--layout", "type-field", "-b", "0"]);
    assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));
    const writes = ["users", "orders"].flatMap((table) =>
      ["to-es", "to-cassandra"].map((direction) => tableStats(second.summary, table, direction)["written"]),
    );
    assert.deepEqual(writes, [0, 0, 0, 0]);
    await h.refresh();
    assert.equal((await h.es.count({ index: h.index })).count, 3);
  });

  it("refuses a type field mapped as text without a keyword sub-field, and says what to do", async () => {
    const index = `${h.index}-plain`;
    await h.es.indices.create({
      index,
      mappings: {
        properties: { type: { type: "text" }, id: { type: "keyword" }, tmstmp: { type: "date" } },
      },
    });
    const result = await h.cli([...h.argsWith({ "-i": index }), "--layout", "type-field"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`the type field 'type' of index ${index} is mapped as text without a keyword sub-field`),
    );
    assert.match(result.stderr, /Add a keyword sub-field/);
  });
});
