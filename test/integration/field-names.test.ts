// Columns whose names cannot be document fields as they are: a quoted name starting with `_`, where
// Elasticsearch keeps its own fields (`_source`, `_id`...), and a dotted name that is an object path
// into another column's field (`a.b` beside `a`). Tried as an operator would: such a table made the
// cluster refuse its index, the whole run failed, and the message pointed at the layout. Now that
// table alone is refused with the columns and the fix, the others are synced, and renaming a field
// in the config file syncs it both ways.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { tableStats, type Harness } from "../support/harness.js";
import { tableWorld, type TableWorld } from "../support/table-world.js";

const PREPARED = { prepare: true } as const;

describe("columns whose names cannot be fields as they are", () => {
  let world: TableWorld;
  let h: Harness;
  const id = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);

  before(async () => {
    const keyed = "id uuid PRIMARY KEY, tmstmp timestamp";
    world = await tableWorld("fieldnames", [
      { name: "plain", columns: `${keyed}, n int`, rows: [{ id, tmstmp: written, n: 1 }] },
      {
        name: "meta",
        columns: `${keyed}, "_source" text, n int`,
        rows: [{ id, tmstmp: written, '"_source"': "kept", n: 2 }],
      },
      {
        name: "paths",
        columns: `${keyed}, a text, "a.b" int`,
        rows: [{ id, tmstmp: written, a: "top", '"a.b"': 3 }],
      },
    ]);
    h = world.h;
  });
  after(() => world.cleanup());

  it("refuses those tables alone, naming the columns and the fix, and syncs the others", async () => {
    const { code, summary } = await h.run(["-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["meta", "paths"],
    );
    const [meta, paths] = refused;
    assert.match(meta?.reason ?? "", /column _source: its field '_source' starts with _/);
    assert.match(meta?.reason ?? "", /tables\.meta\.rename/);
    // CQL renames only primary-key columns: the fix for a column outside the key is to drop it.
    assert.doesNotMatch(meta?.reason ?? "", /rename the column in Cassandra/);
    assert.match(meta?.reason ?? "", /ALTER TABLE \w+\.meta DROP "_source"/);
    assert.match(
      paths?.reason ?? "",
      /column a\.b: its field 'a\.b' is an object path into field 'a' of column a/,
    );
    assert.match(paths?.reason ?? "", /tables\.paths\.rename/);
    // Refused before their index was made: nothing was written for them.
    assert.equal(await h.es.indices.exists({ index: `${h.index}-meta` }), false);
    assert.equal(await h.es.indices.exists({ index: `${h.index}-paths` }), false);
  });

  it("syncs them both ways once the config file renames those fields", async () => {
    const settings = await world.config([
      "tables:",
      "  meta:",
      "    rename: {_source: source_text}",
      "  paths:",
      "    rename: {a: a_text}",
    ]);
    const first = await h.run(["--config", settings, "-b", "0", "--direction", "to-es"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const doc = async (table: string): Promise<Record<string, unknown>> =>
      (await h.es.get<Record<string, unknown>>({ index: `${h.index}-${table}`, id }))._source ?? {};
    assert.equal((await doc("meta"))["source_text"], "kept");
    assert.equal((await doc("paths"))["a.b"], 3);
    assert.equal((await doc("paths"))["a_text"], "top");

    // Another application changes the document under the renamed field; it reaches the column.
    await h.es.update({
      index: `${h.index}-meta`,
      id,
      doc: { source_text: "changed", tmstmp: new Date(written.getTime() + 1000).toISOString() },
      refresh: true,
    });
    const back = await h.run(["--config", settings, "-b", "0", "--direction", "to-cassandra"]);
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal(tableStats(back.summary, "meta", "to-cassandra")["written"], 1);
    const row = await h.cassandra.execute(
      `SELECT "_source" FROM ${h.keyspace}.meta WHERE id = ?`,
      [id],
      PREPARED,
    );
    assert.equal(row.rows[0]?.get("_source"), "changed");
  });
});

describe("columns with quoted names that the config file names", () => {
  let world: TableWorld;
  let h: Harness;
  const id = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);

  before(async () => {
    world = await tableWorld("quotednames", [
      {
        name: "people",
        columns: 'id uuid PRIMARY KEY, tmstmp timestamp, "e-mail" text, "Last Name" text, "a b" text',
        rows: [
          {
            id,
            tmstmp: written,
            '"e-mail"': "ada@example.com",
            '"Last Name"': "Lovelace",
            '"a b"': "secret",
          },
        ],
      },
      {
        name: "visits",
        columns: 'id uuid PRIMARY KEY, "last-modified" timestamp, page text',
        rows: [{ id, '"last-modified"': written, page: "/home" }],
      },
    ]);
    h = world.h;
  });
  after(() => world.cleanup());

  it("renames and leaves out those columns, or reads versions from one, named as Cassandra lists them or in CQL's quotes", async () => {
    const settings = await world.config([
      "tables:",
      "  people:",
      "    exclude: [a b]",
      "    rename:",
      "      e-mail: mail",
      `      '"Last Name"': last_name`,
      "  visits:",
      "    timestamp: last-modified",
    ]);
    const { code, summary } = await h.run(["--config", settings, "-b", "0", "--direction", "to-es"]);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    const doc = (await h.es.get<Record<string, unknown>>({ index: `${h.index}-people`, id }))._source ?? {};
    assert.equal(doc["mail"], "ada@example.com");
    assert.equal(doc["last_name"], "Lovelace");
    assert.equal(doc["a b"], undefined);
    assert.equal(doc["e-mail"], undefined);
    // A table whose version column has a quoted name is read on it, and its field keeps the name.
    const visit = (await h.es.get<Record<string, unknown>>({ index: `${h.index}-visits`, id }))._source ?? {};
    assert.equal(visit["page"], "/home");
    assert.equal(Date.parse(String(visit["last-modified"])), written.getTime());
  });

  it("reads versions from a quoted column named by --timestamp-column, in CQL's quotes", async () => {
    await h.es.indices.delete({ index: `${h.index}-visits` });
    const args = ["--name", "quoted-option", "-b", "0", "--direction", "to-es", "--tables", "visits"];
    const { code, summary } = await h.run([...args, "--timestamp-column", '"last-modified"']);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    assert.equal(tableStats(summary, "visits", "to-es")["written"], 1);
  });
});

// A column named `meta.source` is the field `source` of the object `meta` to the cluster, which takes
// `{"meta.source": ...}` and `{"meta": {"source": ...}}` as the same document. Tried as an operator
// would: synced wrote the first, an application the second, and each of the application's documents
// was dead-lettered as holding a field of no column; every run mapped the column's field again; and
// with the version in such a column, the table was refused as its field not mapped.
describe("columns whose names hold a dot", () => {
  let world: TableWorld;
  let h: Harness;
  const fromRow = cassandra.types.Uuid.random().toString();
  const fromApp = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);

  before(async () => {
    world = await tableWorld("dottednames", [
      {
        name: "notes",
        columns: 'id uuid PRIMARY KEY, tmstmp timestamp, "meta.source" text, n int',
        rows: [{ id: fromRow, tmstmp: written, '"meta.source"': "row", n: 1 }],
      },
      {
        name: "stamped",
        columns: 'id uuid PRIMARY KEY, "meta.updated" timestamp, n int',
        rows: [{ id: fromRow, '"meta.updated"': written, n: 1 }],
      },
    ]);
    h = world.h;
  });
  after(() => world.cleanup());

  const row = async (table: string, id: string) =>
    (await h.cassandra.execute(`SELECT * FROM ${h.keyspace}.${table} WHERE id = ?`, [id], PREPARED)).rows[0];

  it("reads a dotted column's field from a document that holds it as an object", async () => {
    const first = await h.run(["-b", "0", "--tables", "notes"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.deepEqual(first.summary["addedFields"], []);

    await h.es.index({
      index: `${h.index}-notes`,
      id: fromApp,
      document: { id: fromApp, tmstmp: written.toISOString(), meta: { source: "app" }, n: 2 },
      refresh: true,
    });
    const second = await h.run(["-b", "0", "--tables", "notes"]);
    assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));
    // The field is mapped: a second run maps nothing again.
    assert.deepEqual(second.summary["addedFields"], []);
    assert.equal(tableStats(second.summary, "notes", "to-cassandra")["written"], 1);
    assert.equal((await row("notes", fromApp))?.get("meta.source"), "app");

    // A newer row reaches the document, and the field is held once, whatever shape it had.
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.notes SET "meta.source" = ?, tmstmp = ? WHERE id = ?`,
      ["changed", new Date(written.getTime() + 1000), fromApp],
      PREPARED,
    );
    const third = await h.run(["-b", "0", "--tables", "notes"]);
    assert.equal(third.code, EXIT.success, JSON.stringify(third.summary));
    assert.equal(tableStats(third.summary, "notes", "to-es")["written"], 1);
    await h.refresh();
    const found = await h.es.search({
      index: `${h.index}-notes`,
      query: { term: { "meta.source": "changed" } },
    });
    assert.deepEqual(
      found.hits.hits.map((hit) => hit._id),
      [fromApp],
    );
    // The object that holds the column's field is no field of a column to make.
    const again = await h.run(["-b", "0", "--tables", "notes", "--create-columns"]);
    assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
    assert.deepEqual(again.summary["columnsNotCreated"], []);
    assert.deepEqual(again.summary["createdColumns"], []);
    assert.equal(tableStats(again.summary, "notes", "to-es")["written"], 0);
    assert.equal(tableStats(again.summary, "notes", "to-cassandra")["written"], 0);
  });

  it("keeps what else an application's object holds beside a dotted column's field", async () => {
    const settings = await world.config(["tables:", "  notes:", '    include: ["meta.source", n]']);
    await h.es.index({
      index: `${h.index}-notes`,
      id: fromApp,
      document: {
        id: fromApp,
        tmstmp: new Date(written.getTime() + 2000).toISOString(),
        meta: { source: "app again", owner: "ada" },
        n: 3,
      },
      refresh: true,
    });
    const back = await h.run(["--config", settings, "-b", "0", "--tables", "notes"]);
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal((await row("notes", fromApp))?.get("meta.source"), "app again");

    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.notes SET "meta.source" = ?, tmstmp = ? WHERE id = ?`,
      ["from the row", new Date(written.getTime() + 3000), fromApp],
      PREPARED,
    );
    const out = await h.run(["--config", settings, "-b", "0", "--tables", "notes"]);
    assert.equal(out.code, EXIT.success, JSON.stringify(out.summary));
    const doc = (await h.es.get<Record<string, unknown>>({ index: `${h.index}-notes`, id: fromApp }))._source;
    const meta = doc?.["meta"] as Record<string, unknown> | undefined;
    assert.equal(meta?.["owner"], "ada");
    // The column's value is held once: not also left inside the object as it was.
    assert.equal(meta["source"], undefined);
    assert.equal(doc?.["meta.source"], "from the row");
  });

  it("reads versions from a dotted column's field", async () => {
    const stamped = ["--tables", "stamped", "--timestamp-column", "meta.updated"];
    const first = await h.run(["-b", "0", ...stamped]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const second = await h.run(["-b", "0", ...stamped]);
    assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));
    assert.deepEqual(second.summary["refused"] ?? [], []);
    assert.equal(tableStats(second.summary, "stamped", "to-es")["written"], 0);

    await h.es.index({
      index: `${h.index}-stamped`,
      id: fromApp,
      document: { id: fromApp, meta: { updated: written.toISOString() }, n: 4 },
      refresh: true,
    });
    const third = await h.run(["-b", "0", ...stamped]);
    assert.equal(third.code, EXIT.success, JSON.stringify(third.summary));
    assert.equal((await row("stamped", fromApp))?.get("n"), 4);
  });
});

// In the type-field layout every document holds the table's name in the type field (`type`). Tried
// as an operator would, with a table whose own column is called `type`: the column's value took the
// type field's place, so the row's document was filed under a type named after its value, a run read
// it back as a table that does not exist, and the table's own type never saw it. Now such a table is
// refused, naming the column and the fixes, and a rename in the config file syncs it.
describe("a column named like the type field", () => {
  let world: TableWorld;
  let h: Harness;
  const id = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);

  before(async () => {
    world = await tableWorld("typecolumn", [
      {
        name: "plain",
        columns: "id uuid PRIMARY KEY, tmstmp timestamp, n int",
        rows: [{ id, tmstmp: written, n: 1 }],
      },
      {
        name: "things",
        columns: "id uuid PRIMARY KEY, tmstmp timestamp, type text",
        rows: [{ id, tmstmp: written, type: "gadget" }],
      },
    ]);
    h = world.h;
  });
  after(() => world.cleanup());

  const typeField = ["--layout", "type-field"];
  const typesInIndex = async (): Promise<string[]> => {
    await h.refresh();
    const found = await h.es.search<Record<string, unknown>>({ index: h.index, size: 10 });
    return found.hits.hits.map((hit) => String(hit._source?.["type"])).sort();
  };

  it("refuses the table, naming the column and the fixes, and syncs the others", async () => {
    const { code, summary } = await h.run([...typeField, "-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["things"],
    );
    assert.match(refused[0]?.reason ?? "", /column type: its field 'type' is the type field/);
    assert.match(refused[0]?.reason ?? "", /tables\.things\.rename/);
    assert.match(refused[0]?.reason ?? "", /--type-field/);
    // No document was filed under a type named after the column's value.
    assert.deepEqual(await typesInIndex(), ["plain"]);
  });

  it("syncs the table both ways once the config file renames the column", async () => {
    const settings = await world.config(["tables:", "  things:", "    rename: {type: kind}"]);
    const first = await h.run(["--config", settings, ...typeField, "-b", "0"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.deepEqual(await typesInIndex(), ["plain", "things"]);
    const doc = await h.es.get<Record<string, unknown>>({ index: h.index, id: `things-${id}` });
    assert.equal(doc._source?.["kind"], "gadget");
    const again = await h.run(["--config", settings, ...typeField, "-b", "0"]);
    assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
    assert.equal(tableStats(again.summary, "things", "to-es")["written"], 0);
    assert.equal(tableStats(again.summary, "things", "to-cassandra")["written"], 0);
  });
});
