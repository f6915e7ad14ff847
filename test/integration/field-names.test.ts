// Columns whose names cannot be document fields as they are: a quoted name starting with `_`, where
// Elasticsearch keeps its own fields (`_source`, `_id`...), and a dotted name that is an object path
// into another column's field (`a.b` beside `a`). Tried as an operator would: such a table made the
// cluster refuse its index, the whole run failed, and the message pointed at the layout. Now that
// table alone is refused with the columns and the fix, the others are synced, and renaming a field
// in the config file syncs it both ways.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const PREPARED = { prepare: true } as const;

describe("columns whose names cannot be fields as they are", () => {
  let h: Harness;
  let dir: string;
  const id = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);

  before(async () => {
    h = await Harness.create("fieldnames");
    dir = await mkdtemp(join(tmpdir(), "field-names-"));
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.plain (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.meta (id uuid PRIMARY KEY, tmstmp timestamp, "_source" text, n int)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.paths (id uuid PRIMARY KEY, tmstmp timestamp, a text, "a.b" int)`,
    );
    for (const [table, columns, values] of [
      ["plain", "n", [1]],
      ["meta", `"_source", n`, ["kept", 2]],
      ["paths", `a, "a.b"`, ["top", 3]],
    ] as const) {
      const marks = values.map(() => "?").join(", ");
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, ${columns}) VALUES (?, ?, ${marks})`,
        [id, written, ...values],
        PREPARED,
      );
    }
  });
  after(async () => {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

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
    const settings = join(dir, "synced.yaml");
    await writeFile(
      settings,
      [
        "tables:",
        "  meta:",
        "    rename: {_source: source_text}",
        "  paths:",
        "    rename: {a: a_text}",
        "",
      ].join("\n"),
    );
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
  let h: Harness;
  let dir: string;
  const id = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);

  before(async () => {
    h = await Harness.create("quotednames");
    dir = await mkdtemp(join(tmpdir(), "quoted-names-"));
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.people (id uuid PRIMARY KEY, tmstmp timestamp, ` +
        `"e-mail" text, "Last Name" text, "a b" text)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.people (id, tmstmp, "e-mail", "Last Name", "a b") VALUES (?, ?, ?, ?, ?)`,
      [id, written, "ada@example.com", "Lovelace", "secret"],
      PREPARED,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.visits (id uuid PRIMARY KEY, "last-modified" timestamp, page text)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.visits (id, "last-modified", page) VALUES (?, ?, ?)`,
      [id, written, "/home"],
      PREPARED,
    );
  });
  after(async () => {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("renames and leaves out those columns, or reads versions from one, named as Cassandra lists them or in CQL's quotes", async () => {
    const settings = join(dir, "synced.yaml");
    await writeFile(
      settings,
      [
        "tables:",
        "  people:",
        "    exclude: [a b]",
        "    rename:",
        "      e-mail: mail",
        `      '"Last Name"': last_name`,
        "  visits:",
        "    timestamp: last-modified",
        "",
      ].join("\n"),
    );
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
