// A table whose index exists but maps no date field for its timestamp: an index made ahead with its
// settings only (`PUT app-users` with shards or analyzers), or one mapping `tmstmp` as something other
// than a date. Tried as an operator would, such a table was skipped with exit 0 while the other
// tables were synced, so the checkpoint moved past its rows: once the mapping was mended, no
// incremental run covered them again. Now an empty index made ahead is mapped as synced maps an index
// it creates, keeping its settings; an index that holds documents, or maps the field as another
// type, is refused (exit 1, the checkpoint stays) with what to do.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness, tableStats } from "../support/harness.js";

describe("a table whose index maps no date field for its timestamp", () => {
  let h: Harness;
  let ahead: string;

  before(async () => {
    h = await Harness.create("indextime");
    ahead = await h.tableWithRow("ahead", "bio", "text", "likes rivers");
    for (const table of ["filled", "worded", "plain"]) await h.tableWithRow(table);
    // Made ahead: its own settings and one field of its own, nothing in it yet.
    await h.es.indices.create({
      index: `${h.index}-ahead`,
      settings: { number_of_replicas: 0, analysis: { analyzer: { folded: { type: "standard" } } } },
      mappings: { properties: { bio: { type: "text", analyzer: "folded" } } },
    });
    // Made ahead too, but an application already wrote to it.
    await h.es.index({ index: `${h.index}-filled`, document: { n: 1 }, refresh: true });
    await h.es.indices.create({
      index: `${h.index}-worded`,
      mappings: { properties: { tmstmp: { type: "keyword" } } },
    });
  });
  after(() => h.cleanup());

  // Tried as an operator would, verify said the table had no index yet, which a run would create.
  it("says before the first run that the index made ahead holds no mapping of the table yet", async () => {
    const { code, stdout } = await h.cli(["verify", ...h.baseArgs(), "--tables", "ahead,plain"]);
    assert.equal(code, EXIT.differ, stdout);
    assert.match(
      stdout,
      new RegExp(
        `skipped ahead: index ${h.index}-ahead holds no mapping of the table yet \\(a run maps it\\)`,
      ),
    );
    assert.match(
      stdout,
      new RegExp(`skipped plain: the table has no index ${h.index}-plain in Elasticsearch yet`),
    );
    const planned = await h.run(["--dry-run", "--tables", "ahead"]);
    assert.deepEqual([planned.summary["createdIndices"], planned.summary["mappedIndices"]], [[], []]);
  });

  it("maps an empty index made ahead, and refuses the others, saying what to do", async () => {
    const { code, summary } = await h.run(["--name", "timed"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    // Tried as an operator would, the index made ahead was listed with those the run created.
    assert.deepEqual(summary["createdIndices"], [`${h.index}-plain`]);
    assert.deepEqual(summary["mappedIndices"], [`${h.index}-ahead`]);
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(refused.map((r) => r.name).sort(), ["filled", "worded"]);
    const reason = (name: string): string => refused.find((r) => r.name === name)?.reason ?? "";
    assert.match(reason("filled"), new RegExp(`index ${h.index}-filled maps no field 'tmstmp'`));
    assert.match(
      reason("filled"),
      new RegExp(
        `PUT ${h.index}-filled/_mapping \\{"properties": \\{"tmstmp": \\{"type": "date_nanos"\\}\\}\\}`,
      ),
    );
    assert.match(reason("worded"), new RegExp(`index ${h.index}-worded maps field 'tmstmp' as keyword`));
    assert.match(reason("worded"), /tables\.worded\.index/);
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("timed"), undefined);

    // The index made ahead holds the row now, with synced's mapping beside its own field (whose analyzer is
    // the index's own setting: the index was mapped, not made anew).
    assert.equal(tableStats(summary, "ahead", "to-es")["written"], 1);
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-ahead`, id: ahead });
    assert.equal(doc._source?.["bio"], "likes rivers");
    const mapping = await h.es.indices.getMapping({ index: `${h.index}-ahead` });
    const properties = mapping[`${h.index}-ahead`]?.mappings.properties ?? {};
    assert.equal(properties["tmstmp"]?.type, "date_nanos");
    assert.deepEqual(properties["bio"], { type: "text", analyzer: "folded" });
  });
});

// A timestamp field with a date format of its own: `epoch_second` makes a document's number a count
// of seconds, which synced read as milliseconds. Tried as an operator would, a document an
// application wrote a minute ago read as a version of January 1970, so the run took the older row for
// the newer: it dead-lettered the row's write (Elasticsearch refused its text in that field), never
// copied the document to Cassandra ("older than target"), and moved the checkpoint; every run did the
// same. Now such a table is refused, naming the format; the default formats, spelled out, are synced
// as before.
describe("a table whose index maps its timestamp with a format of its own", () => {
  let h: Harness;
  let id: string;

  before(async () => {
    h = await Harness.create("timeformat");
    id = await h.tableWithRow("seconds", "n", "int", 1);
    await h.tableWithRow("spelled", "n", "int", 1);
    await h.es.indices.create({
      index: `${h.index}-seconds`,
      mappings: { properties: { tmstmp: { type: "date", format: "epoch_second" }, n: { type: "integer" } } },
    });
    // Newer than the row (written a minute ago), as an application writes it in this index.
    const now = Math.floor(Date.now() / 1000);
    await h.es.index({ index: `${h.index}-seconds`, id, document: { id, tmstmp: now, n: 2 }, refresh: true });
    await h.es.indices.create({
      index: `${h.index}-spelled`,
      mappings: {
        properties: {
          tmstmp: { type: "date_nanos", format: "strict_date_optional_time_nanos||epoch_millis" },
        },
      },
    });
  });
  after(() => h.cleanup());

  it("refuses a format whose values synced cannot read as versions, and keeps the document", async () => {
    const { code, summary } = await h.run(["--name", "formats"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["seconds"],
    );
    assert.match(refused[0]?.reason ?? "", /maps field 'tmstmp' as date with format 'epoch_second'/);
    assert.equal(tableStats(summary, "spelled", "to-es")["written"], 1);
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-seconds`, id });
    assert.equal(doc._source?.["n"], 2, "the application's newer document is kept");
    const row = await h.cassandra.execute(`SELECT n FROM ${h.keyspace}.seconds WHERE id = ?`, [id], {
      prepare: true,
    });
    assert.equal(row.first().get("n"), 1);
    assert.equal(await new FileStateStore({ directory: h.stateDir }).getCheckpoint("formats"), undefined);
  });
});

// The same for a timestamp column's own field: `seen` mapped with format `epoch_second`, where an
// application writes seconds. Each such value would be read as milliseconds and written to the row as
// a time in January 1970.
describe("a timestamp column whose field has a format of its own", () => {
  let h: Harness;
  let id: string;

  before(async () => {
    h = await Harness.create("seenformat");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.visits (id uuid PRIMARY KEY, tmstmp timestamp, seen timestamp)`,
    );
    await h.es.indices.create({
      index: `${h.index}-visits`,
      mappings: {
        properties: {
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          seen: { type: "date", format: "epoch_second" },
        },
      },
    });
    id = "6a1f0a52-5d0c-4a8e-9c53-0d1b7e0c2a11";
    const document = { id, tmstmp: new Date(Date.now() - 60_000).toISOString(), seen: 1_714_564_800 };
    await h.es.index({ index: `${h.index}-visits`, id, document, refresh: true });
  });
  after(() => h.cleanup());

  it("refuses the table, naming the field's format, and writes no row", async () => {
    const { code, summary } = await h.run(["--name", "seen"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["visits"],
    );
    assert.match(refused[0]?.reason ?? "", /seen as date with format 'epoch_second'/);
    const rows = await h.cassandra.execute(`SELECT seen FROM ${h.keyspace}.visits`);
    assert.equal(rows.rowLength, 0);
  });
});

describe("timestamps inside a list or a user-defined type whose fields have a format of their own", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("nestedformat");
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.stay (place text, arrived timestamp)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.trips (id uuid PRIMARY KEY, tmstmp timestamp, ` +
        "seen list<timestamp>, stays list<frozen<stay>>)",
    );
    await h.es.indices.create({
      index: `${h.index}-trips`,
      mappings: {
        properties: {
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          seen: { type: "date", format: "epoch_second" },
          stays: {
            properties: {
              place: { type: "keyword" },
              arrived: { type: "date", format: "epoch_second" },
            },
          },
        },
      },
    });
    const id = "0f3c1d9a-7b2e-4c61-8a55-2e9d4b7c6a10";
    const document = {
      id,
      tmstmp: new Date(Date.now() - 60_000).toISOString(),
      seen: [1_714_564_800],
      stays: [{ place: "Lyon", arrived: 1_714_564_800 }],
    };
    await h.es.index({ index: `${h.index}-trips`, id, document, refresh: true });
  });
  after(() => h.cleanup());

  it("refuses the table, naming each field and its format, and writes no row", async () => {
    const { code, summary } = await h.run(["--name", "nested"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["trips"],
    );
    assert.match(refused[0]?.reason ?? "", /seen as date with format 'epoch_second'/);
    assert.match(refused[0]?.reason ?? "", /stays\.arrived as date with format 'epoch_second'/);
    const rows = await h.cassandra.execute(`SELECT seen FROM ${h.keyspace}.trips`);
    assert.equal(rows.rowLength, 0);
  });
});
