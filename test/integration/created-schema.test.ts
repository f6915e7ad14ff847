// Columns and tables synced creates (--create-columns, --create-tables) are ones it can then sync.
// Tried as a new user would: --create-columns made a column for a field starting with _, and the same
// run refused the table for good; --create-tables keyed a table on uuid and timeuuid whatever the
// index held, so a keyword id of '1' sent every document to the dead letters; and it made a column,
// empty for good, for a field that another field's copy_to fills.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { parseCqlType } from "../../src/core/cql-type.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { esMappingFor } from "../../src/stores/values/es-mapping.js";
import { deadLetters, Harness, tableStats } from "../support/harness.js";

describe("columns and tables synced creates", () => {
  let h: Harness;
  let begin: string;
  before(async () => {
    h = await Harness.create("created");
    begin = String(Math.floor(Date.now() / 1000) - 60);
  });
  after(() => h.cleanup());

  it("makes no column for a field starting with _, says why, and the table stays synced", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.under (id text PRIMARY KEY, tmstmp timestamp, v text)`,
    );
    const config = ["-b", begin, "--tables", "under", "--name", "under"];
    assert.equal((await h.run(config)).code, EXIT.success);
    const at = new Date(Date.now() - 5_000).toISOString();
    const index = `${h.index}-under`;
    await h.es.index({ index, id: "u1", document: { id: "u1", tmstmp: at, v: "x", _foo: "bar" } });
    await h.es.index({ index, id: "u2", document: { id: "u2", tmstmp: at, v: "y", colour: "red" } });
    await h.refresh();

    const created = await h.run([...config, "--direction", "to-cassandra", "--create-columns"]);
    assert.equal(created.code, EXIT.partial, JSON.stringify(created.summary));
    assert.deepEqual(Object.keys(await h.columnTypes("under")).sort(), ["colour", "id", "tmstmp", "v"]);
    const notCreated = created.summary["columnsNotCreated"] as { field: string; reason: string }[];
    assert.deepEqual(
      notCreated.map((c) => c.field),
      ["_foo"],
    );
    assert.match(notCreated[0]?.reason ?? "", /starts with _/);
    assert.deepEqual(tableStats(created.summary, "under", "to-cassandra")["unmappedFields"], { _foo: 1 });
    const letter = (await deadLetters(created.summary)).find((l) => l.id === "u1");
    assert.match(letter?.reason ?? "", /'_foo' has no column/);
    // No column can hold it: the advice is to move its values, not to run with --create-columns.
    assert.doesNotMatch(letter?.reason ?? "", /--create-columns/);
    assert.match(letter?.reason ?? "", /_update_by_query/);

    for (const flags of [["--create-columns"], []]) {
      const again = await h.run([...config, ...flags]);
      assert.equal(again.code, EXIT.partial, JSON.stringify(again.summary));
      assert.deepEqual(again.summary["refused"], [], JSON.stringify(again.summary));
    }
  });

  it("advises creating the column by hand for an object field, which --create-columns does not make", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.objs (id text PRIMARY KEY, tmstmp timestamp, v text)`,
    );
    const config = ["-b", begin, "--tables", "objs", "--name", "objs"];
    assert.equal((await h.run(config)).code, EXIT.success);
    const at = new Date(Date.now() - 5_000).toISOString();
    const index = `${h.index}-objs`;
    await h.es.index({ index, id: "o1", document: { id: "o1", tmstmp: at, address: { city: "Lyon" } } });
    await h.es.index({ index, id: "o2", document: { id: "o2", tmstmp: at, "place.zip": 69001 } });
    await h.refresh();
    const result = await h.run([...config, "--direction", "to-cassandra"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const letters = await deadLetters(result.summary);
    for (const [id, field] of [
      ["o1", "address"],
      ["o2", "place.zip"],
    ] as const) {
      const reason = letters.find((l) => l.id === id)?.reason ?? "";
      assert.match(reason, new RegExp(`'${field.replace(".", "\\.")}' has no column`));
      assert.doesNotMatch(reason, /or run with --create-columns/, reason);
      assert.match(reason, /by hand/, reason);
    }
  });

  it("makes a column for a field the index maps as a runtime field read from _source", async (t) => {
    if (h.es.product === "opensearch") {
      t.skip("runtime fields are Elasticsearch's");
      return;
    }
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.scores (id text PRIMARY KEY, tmstmp timestamp, v text)`,
    );
    const index = `${h.index}-scores`;
    await h.es.indices.create({
      index,
      mappings: {
        runtime: { points: { type: "long" } },
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, v: { type: "keyword" } },
      },
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({ index, id: "s1", document: { id: "s1", tmstmp: at, points: 9 }, refresh: true });
    const args = ["-b", begin, "--tables", "scores", "--name", "scores", "--create-columns"];
    const result = await h.run(args);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal((await h.columnTypes("scores"))["points"], "bigint");
    const row = await h.cassandra.execute(`SELECT points FROM ${h.keyspace}.scores WHERE id = 's1'`);
    assert.equal(String(row.first().get("points")), "9");
  });

  it("keys a table --create-tables makes on the types of the index's id and tmstmp fields", async () => {
    const index = `${h.index}-events`;
    await h.es.indices.create({
      index,
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, v: { type: "keyword" } },
      },
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({ index, id: "1", document: { id: "1", tmstmp: at, v: "one" }, refresh: true });
    const result = await h.run(["-b", begin, "--tables", "events", "--name", "events", "--create-tables"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.deepEqual(result.summary["createdTables"], ["events"]);
    const types = await h.columnTypes("events");
    assert.deepEqual([types["id"], types["tmstmp"]], ["text", "timestamp"]);
    assert.equal(tableStats(result.summary, "events", "to-cassandra")["written"], 1);
    const row = await h.cassandra.execute(`SELECT v FROM ${h.keyspace}.events WHERE id = '1'`);
    assert.equal(row.first().get("v"), "one");
  });

  it("makes no column for a field that another field's copy_to fills, which no document holds", async () => {
    const index = `${h.index}-notes`;
    await h.es.indices.create({
      index,
      mappings: {
        properties: {
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          title: { type: "text", copy_to: "everything" },
          author: { properties: { name: { type: "keyword", copy_to: "everything" } } },
          everything: { type: "text" },
        },
      },
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    const document = { id: "n1", tmstmp: at, title: "minutes", author: { name: "ada" } };
    await h.es.index({ index, id: "n1", document, refresh: true });
    const args = ["-b", begin, "--tables", "notes", "--name", "notes", "--create-tables"];
    const result = await h.run(args);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.deepEqual(result.summary["createdTables"], ["notes"]);
    const columns = Object.keys(await h.columnTypes("notes")).sort();
    assert.deepEqual(columns, ["author", "deleted", "id", "title", "tmstmp"]);
    assert.equal(tableStats(result.summary, "notes", "to-cassandra")["written"], 1);
    assert.equal((await h.run(args)).code, EXIT.success);
  });

  // An index synced made for a uuid-keyed table maps its ids as keyword: made again from that index
  // after the table was dropped, the table is keyed on uuid as it was, not on text.
  it("keys a table on uuid where every id its index holds is a UUID", async () => {
    const index = `${h.index}-people`;
    await h.es.indices.create({
      index,
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" } } },
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    const ids = ["6d1f1f0e-8a43-4d6c-9a43-1b2c3d4e5f60", "7E50F03D-1B7C-4B2A-8A43-0C1D2E3F4A5B"];
    for (const id of ids) await h.es.index({ index, id, document: { id, tmstmp: at } });
    await h.refresh();
    const result = await h.run(["-b", begin, "--tables", "people", "--name", "people", "--create-tables"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const types = await h.columnTypes("people");
    assert.deepEqual([types["id"], types["tmstmp"]], ["uuid", "timeuuid"]);
    assert.equal(tableStats(result.summary, "people", "to-cassandra")["written"], 2);
  });

  it("names the _id of a document whose id is no UUID in the letters' list, with the fix", async () => {
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.uuids (id uuid PRIMARY KEY, tmstmp timestamp)`);
    const config = ["--tables", "uuids", "--name", "uuids"];
    assert.equal((await h.run(["-b", begin, ...config])).code, EXIT.success);
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({
      index: `${h.index}-uuids`,
      id: "7",
      document: { id: "7", tmstmp: at },
      refresh: true,
    });
    const result = await h.run(["-b", begin, ...config, "--direction", "to-cassandra"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const listed = await h.cli(["dead-letters", "list", ...h.baseArgs(), ...config]);
    assert.equal(listed.code, EXIT.success, listed.stderr);
    assert.match(listed.stdout, /_id 7/, listed.stdout);
    assert.match(listed.stdout, /not a UUID/, listed.stdout);
    const json = await h.cli(["dead-letters", "list", ...h.baseArgs(), ...config, "--json"]);
    const letters = (JSON.parse(json.stdout) as { letters: { readFrom?: string }[] }).letters;
    assert.deepEqual(
      letters.map((l) => l.readFrom),
      ["7"],
    );
    const letter = (await deadLetters(result.summary)).find((l) => l.reason.includes("not a UUID"));
    assert.match(letter?.reason ?? "", /column id of \S+\.uuids is uuid/, letter?.reason);
    // A replay names the letter it could not replay as the list did.
    const replayed = await h.cli(["dead-letters", "replay", ...h.baseArgs(), ...config]);
    assert.equal(replayed.code, EXIT.partial, replayed.stderr);
    assert.match(replayed.stdout, / uuids _id 7: /, replayed.stdout);
    const replayedJson = await h.cli(["dead-letters", "replay", ...h.baseArgs(), ...config, "--json"]);
    const failed = (JSON.parse(replayedJson.stdout) as { failedLetters: { readFrom?: string }[] })
      .failedLetters;
    assert.deepEqual(
      failed.map((l) => l.readFrom),
      ["7"],
    );
  });
});

// In an index of several types, each table is keyed on what its own documents hold: a type with ids
// such as '1' beside one of UUIDs made both tables text-keyed.
describe("tables --create-tables makes from an index of several types", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("createdtf");
  });
  after(() => h.cleanup());

  it("keys each type's table on uuid or text by the ids of its own documents", async () => {
    await h.es.indices.create({
      index: h.index,
      mappings: {
        properties: { type: { type: "keyword" }, id: { type: "keyword" }, tmstmp: { type: "date" } },
      },
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    const docs = [
      { type: "people", id: "6d1f1f0e-8a43-4d6c-9a43-1b2c3d4e5f60" },
      { type: "orders", id: "1" },
    ];
    for (const doc of docs)
      await h.es.index({ index: h.index, id: `${doc.type}-${doc.id}`, document: { ...doc, tmstmp: at } });
    await h.refresh();
    const begin = String(Math.floor(Date.now() / 1000) - 60);
    const result = await h.run(["--layout", "type-field", "-b", begin, "--create-tables"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal((await h.columnTypes("people"))["id"], "uuid");
    assert.equal((await h.columnTypes("orders"))["id"], "text");
  });
});

// A map field (flattened, or OpenSearch's flat_object) holds arbitrary JSON, which no CQL type
// describes: tried as an operator would, `plan --create-tables` said "would create the table (dry
// run)" where the run then skipped it, and a selection of such indices alone ended every run with
// exit 0, outcome success, having synced nothing.
describe("indices --create-tables cannot make a table from", () => {
  let h: Harness;
  let state: FileStateStore;
  const begin = String(Math.floor(Date.now() / 1000) - 60);
  before(async () => {
    h = await Harness.create("uncreatable");
    state = new FileStateStore({ directory: h.stateDir });
    const at = new Date(Date.now() - 5_000).toISOString();
    for (const [name, extra] of [
      ["flat", { meta: esMappingFor(parseCqlType("map<text, text>")) }],
      ["fine", { v: { type: "keyword" } }],
    ] as const) {
      const index = `${h.index}-${name}`;
      await h.search.createIndex({
        index,
        mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, ...extra } },
      });
      const doc = name === "flat" ? { meta: { a: "b" } } : { v: "x" };
      await h.es.index({ index, id: `${name}1`, document: { id: `${name}1`, tmstmp: at, ...doc } });
    }
    await h.refresh();
  });
  after(() => h.cleanup());

  const flatReason = /^cannot create the table from index \S+-flat: field "meta": .*holds arbitrary JSON/;

  it("says in a plan the reason the run gives, and that it would create the others", async () => {
    const args = [...h.baseArgs(), "-b", begin, "--tables", "flat,fine", "--create-tables", "--json"];
    const plan = await h.cli(["plan", ...args, "--name", "plan-both"]);
    assert.equal(plan.code, EXIT.success, plan.stderr);
    const planned = (JSON.parse(plan.stdout) as { skipped: { name: string; reason: string }[] }).skipped;
    assert.match(planned.find((s) => s.name === "flat")?.reason ?? "", flatReason, plan.stdout);
    assert.equal(planned.find((s) => s.name === "fine")?.reason, "would create the table (dry run)");
    assert.deepEqual(await h.columnTypes("fine"), {});

    const run = await h.run(["-b", begin, "--tables", "flat,fine", "--create-tables", "--name", "run-both"]);
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.deepEqual(run.summary["createdTables"], ["fine"]);
    const skipped = run.summary["skipped"] as { name: string; reason: string }[];
    assert.deepEqual(skipped, [planned.find((s) => s.name === "flat")]);
    assert.equal(tableStats(run.summary, "fine", "to-cassandra")["written"], 1);
  });

  it("refuses with exit 2, plan and run alike, a selection of such indices alone, run after run", async () => {
    const args = [...h.baseArgs(), "-b", begin, "--tables", "flat", "--create-tables", "--name", "flat"];
    for (const command of [["plan"], [], []]) {
      const result = await h.cli([...command, ...args]);
      assert.equal(result.code, EXIT.usage, `${command.join("")}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /no selected table can be synced, so the run would copy nothing: flat: cannot create the table from index \S+-flat: field "meta": .*holds arbitrary JSON.*Create by hand the tables --create-tables cannot make/,
      );
      assert.doesNotMatch(result.stderr, /--timestamp-column/);
    }
    assert.deepEqual(await h.columnTypes("flat"), {});
    assert.equal(await state.getCheckpoint("flat"), undefined);
    assert.deepEqual(await state.recentRuns("flat", 5), []);
  });
});
