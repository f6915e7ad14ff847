// A table's index that is an alias, as Elasticsearch users make one: `<index>-users` moved to a
// reindexed `<index>-users-v2` without downtime, or a rollover alias over an index per month. Tried as
// an operator would: synced took the alias for a missing index, tried to create it, and the whole run
// failed with a hint about the layout. Now an alias over one index is that table's index, used as it
// is, and an alias over several is refused for that table alone, with what to do. An alias no table
// is named by (one grouping indices for searches) is left alone.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const PREPARED = { prepare: true } as const;

describe("a table's index that is an alias", () => {
  let h: Harness;
  const id = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);

  before(async () => {
    h = await Harness.create("aliases");
    for (const table of ["users", "events", "plain"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, ?)`,
        [id, written, 1],
        PREPARED,
      );
    }
    const mappings = { properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" } } } as const;
    // users was reindexed into -v2, and its name is now an alias of that index.
    await h.es.indices.create({
      index: `${h.index}-users-v2`,
      mappings,
      aliases: { [`${h.index}-users`]: {} },
    });
    // events rolls over: one alias over an index per month. Another alias groups indices of several
    // tables, for searching: it is no table's index, and leaves theirs alone.
    for (const month of ["2026-01", "2026-02"]) {
      await h.es.indices.create({
        index: `${h.index}-events-${month}`,
        mappings,
        aliases: { [`${h.index}-events`]: {}, [`${h.index}-everything`]: {} },
      });
    }
  });
  after(() => h.cleanup());

  it("uses an alias over one index as the table's index, and refuses one over several alone", async () => {
    const { code, summary } = await h.run(["-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    // users went into the index behind its alias; nothing was created under the alias's name.
    assert.equal(tableStats(summary, "users", "to-es")["written"], 1);
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-users-v2`, id });
    assert.equal(doc._source?.["n"], 1);
    assert.deepEqual(summary["createdIndices"], [`${h.index}-plain`]);
    // The index behind the alias is the table's, not a type of its own.
    const skipped = summary["skipped"] as { name: string }[];
    assert.deepEqual(
      skipped.map((s) => s.name),
      [],
    );
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["events"],
    );
    assert.match(
      refused[0]?.reason ?? "",
      new RegExp(
        `${h.index}-events is an alias over 2 indices \\(${h.index}-events-2026-01, ${h.index}-events-2026-02\\)`,
      ),
    );
    assert.match(refused[0]?.reason ?? "", /tables\.events\.index/);
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
  });

  it("reads the table's documents back through the alias", async () => {
    await h.es.update({
      index: `${h.index}-users-v2`,
      id,
      doc: { n: 2, tmstmp: new Date(written.getTime() + 1000).toISOString() },
      refresh: true,
    });
    const { code, summary } = await h.run(["-b", "0", "--tables", "users"]);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    assert.equal(tableStats(summary, "users", "to-cassandra")["written"], 1);
    const row = await h.cassandra.execute(`SELECT n FROM ${h.keyspace}.users WHERE id = ?`, [id], PREPARED);
    assert.equal(row.rows[0]?.get("n"), 2);
  });

  // Tried as an operator would: a table's index setting named an alias over one open index whose
  // name begins with the alias's (people over people_v2); the run refused the table, saying to open
  // the index, which was open.
  it("syncs a table whose index setting names an alias over one index, whose name extends it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "index-aliases-"));
    const people = `${h.index}_people`;
    try {
      await h.es.indices.create({
        index: `${people}_v2`,
        mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" } } },
        aliases: { [people]: {} },
      });
      const settings = join(dir, "synced.yaml");
      await writeFile(settings, `tables:\n  plain:\n    index: ${people}\n`);
      const { code, summary } = await h.run(["--config", settings, "-b", "0", "--tables", "plain"]);
      assert.equal(code, EXIT.success, JSON.stringify(summary));
      const doc = await h.es.get<Record<string, unknown>>({ index: `${people}_v2`, id });
      assert.equal(doc._source?.["n"], 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a table whose index setting names an alias over several indices", async () => {
    const dir = await mkdtemp(join(tmpdir(), "index-aliases-"));
    try {
      const settings = join(dir, "synced.yaml");
      await writeFile(settings, `tables:\n  plain:\n    index: ${h.index}-everything\n`);
      const { code, summary } = await h.run(["--config", settings, "-b", "0", "--tables", "plain"]);
      assert.equal(code, EXIT.failure, JSON.stringify(summary));
      const refused = summary["refused"] as { name: string; reason: string }[];
      assert.deepEqual(
        refused.map((r) => r.name),
        ["plain"],
      );
      assert.match(refused[0]?.reason ?? "", new RegExp(`${h.index}-everything is an alias over 2 indices`));
      assert.match(refused[0]?.reason ?? "", /Name one index in the config file's tables\.plain\.index/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// An alias named like one table (`<index>-current`) over another table's own index (`<index>-people`),
// made for searches: tried as an operator would, synced took the alias for table current's index and
// the index behind it for no table's, so it refused people (its index could not be created anew) and
// wrote current's rows into people's index, where the next run would copy people's documents into
// table current. Now table current is refused, naming both, and people is synced.
describe("an alias named like one table over another table's index", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("aliasclash");
    for (const table of ["people", "current"]) await h.tableWithRow(table);
    await h.es.indices.create({
      index: `${h.index}-people`,
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" } } },
      aliases: { [`${h.index}-current`]: {} },
    });
  });
  after(() => h.cleanup());

  it("refuses the table the alias is named like, and syncs the one whose index it is", async () => {
    const { code, summary } = await h.run(["-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["current"],
    );
    assert.match(
      refused[0]?.reason ?? "",
      new RegExp(`${h.index}-current is an alias of ${h.index}-people, the index of table people`),
    );
    assert.equal(tableStats(summary, "people", "to-es")["written"], 1);
    await h.es.indices.refresh({ index: `${h.index}-people` });
    assert.equal((await h.es.count({ index: `${h.index}-people` })).count, 1);
  });
});

// A table's `index` setting naming an alias over another table's index, or that table's own index
// (`<index>-<table>`) while it is excluded from the run: tried as an operator would, the run wrote one
// table's rows over the other's documents and copied the other's documents into the first table,
// exit 0. An index holds one table: such a setting is refused, and nothing is written.
describe("a table's index setting that names another table's index", () => {
  let h: Harness;
  let dir: string;
  let settings: string;

  before(async () => {
    h = await Harness.create("indexclash");
    dir = await mkdtemp(join(tmpdir(), "index-clash-"));
    settings = join(dir, "synced.yaml");
    for (const table of ["a", "b"]) await h.tableWithRow(table);
    const first = await h.run(["-b", "0", "--tables", "b"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    await h.es.indices.putAlias({ index: `${h.index}-b`, name: `${h.index}_view` });
  });
  after(async () => {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const refusedAs = async (index: string, args: readonly string[], pattern: RegExp): Promise<void> => {
    await writeFile(settings, `tables:\n  a:\n    index: ${index}\n`);
    const { code, stderr } = await h.cli([...h.baseArgs(), "--config", settings, "-b", "0", ...args]);
    assert.equal(code, EXIT.usage, stderr);
    assert.match(stderr, pattern);
    await h.refresh();
    assert.equal((await h.es.count({ index: `${h.index}-b` })).count, 1);
    const rows = await h.cassandra.execute(`SELECT id FROM ${h.keyspace}.a`);
    assert.equal(rows.rowLength, 1);
  };

  it("refuses an alias over a synced table's index", async () => {
    await refusedAs(
      `${h.index}_view`,
      [],
      new RegExp(`'${h.index}_view' \\(an alias over ${h.index}-b\\) is the index of table b too`),
    );
  });

  it("refuses the index another table has by its name, while that table is excluded", async () => {
    await refusedAs(
      `${h.index}-b`,
      ["--exclude-tables", "b"],
      new RegExp(`'${h.index}-b' is the index of table b too`),
    );
  });
});

// Tried as an operator would: a configuration synced for weeks in the index-per-table layout, then run
// with --layout type-field and the same -i, which is the alias the first layout kept over its tables'
// indices. The run took the alias for the one shared index, wrote every record to it, had each write
// refused by the cluster (no write index), dead-lettered every record and moved the checkpoint. Now
// every table is refused, naming the alias and what to do, and nothing is written or dead-lettered.
describe("the type-field layout's index that is an alias over several", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("layoutalias");
    for (const table of ["users", "orders"]) await h.tableWithRow(table);
  });
  after(() => h.cleanup());

  it("refuses every table rather than dead-letter each record", async () => {
    const first = await h.run(["--name", "moved", "-b", "0"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const behind = Object.keys(await h.es.indices.getMapping({ index: h.index })).sort();
    assert.deepEqual(behind, [`${h.index}-orders`, `${h.index}-users`]);

    const { code, summary } = await h.run(["--name", "moved", "--layout", "type-field"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(refused.map((r) => r.name).sort(), ["orders", "users"]);
    for (const { reason } of refused) {
      assert.match(reason, new RegExp(`^${h.index} is an alias over 2 indices \\(${behind.join(", ")}\\)`));
      assert.match(reason, /Give -i an index of its own/);
    }
    const totals = summary["totals"] as { written: number; deadLettered: number };
    assert.deepEqual([totals.written, totals.deadLettered], [0, 0], JSON.stringify(summary));
    const checkpoint = summary["checkpoint"] as { before: string; after: string };
    assert.equal(checkpoint.after, checkpoint.before);
  });
});
