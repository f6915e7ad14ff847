// When the cluster refuses to create a table's index, the message says why in the cluster's words, and
// points at the layout only when that is the cause: `-i` naming an index that exists (one migrated
// from Elasticsearch 5/6), which cannot also be the alias over every table's index. Tried as an
// operator would, a table too wide for the index's field limit got the layout hint too, and a table
// whose index was closed for maintenance was taken for a table without one: synced tried to create
// it, and the whole run failed on "already exists".
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

/** Past Elasticsearch's default limit of 1,000 fields an index maps. */
const WIDE = 1_001;

describe("an index the cluster refuses to create", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("indexcreate");
  });
  after(() => h.cleanup());

  /** The error of a run that failed. */
  const failure = (summary: Record<string, unknown>): string =>
    (summary["error"] as { message?: string } | undefined)?.message ?? JSON.stringify(summary);

  it("says to use the type-field layout when -i names an index that exists", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.users (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    // The index -i names (not a -i alias) as an old multi-type index would be; removed after, so
    // that the other test can create its alias.
    await h.es.indices.create({ index: h.index, mappings: { properties: { type: { type: "keyword" } } } });
    try {
      const { code, summary } = await h.run(["-b", "0", "--tables", "users"]);
      assert.equal(code, EXIT.failure);
      assert.match(failure(summary), /invalid_alias_name_exception/);
      assert.match(failure(summary), new RegExp(`If an index named ${h.index} already exists`));
      assert.match(failure(summary), /--layout type-field/);
    } finally {
      await h.es.indices.delete({ index: h.index });
    }
  });

  // Tried as an operator with a wide table would: the run failed, every run, with the cluster's words
  // alone, which named no setting to raise and no column to leave out.
  it("refuses a table too wide for its index, with the cluster's reason, the setting and what to do", async () => {
    const columns = Array.from({ length: WIDE }, (_, i) => `c${i} int`).join(", ");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.wide (id uuid PRIMARY KEY, tmstmp timestamp, ${columns})`,
    );
    const { code, summary } = await h.run(["-b", "0", "--tables", "wide"]);
    assert.equal(code, EXIT.failure);
    // The table is refused, not the run: a keyspace's other tables are synced beside it.
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["wide"],
    );
    const reason = refused[0]?.reason ?? "";
    assert.match(reason, /create the index .*-wide for table wide/);
    assert.match(reason, /Limit of total fields \[1000\]/);
    assert.match(reason, /Raise index\.mapping\.total_fields\.limit .*PUT _index_template\//);
    assert.match(reason, /exclude or include setting .* --exclude-tables wide/);
    assert.doesNotMatch(reason, /--layout type-field/);
  });

  it("refuses a table whose index is closed, without creating it, and syncs the others", async () => {
    for (const table of ["shut", "open"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
    }
    const first = await h.run(["-b", "0", "--tables", "shut,open"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    await h.es.indices.close({ index: `${h.index}-shut` });
    const { code, summary } = await h.run(["-b", "0", "--tables", "shut,open"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["shut"],
    );
    assert.match(refused[0]?.reason ?? "", new RegExp(`index ${h.index}-shut is closed`));
    assert.match(refused[0]?.reason ?? "", new RegExp(`POST ${h.index}-shut/_open`));
    assert.deepEqual(summary["createdIndices"], []);
    const tables = summary["tables"] as { table: string }[];
    assert.ok(
      tables.some((t) => t.table === "open"),
      JSON.stringify(tables),
    );
  });

  // A table's `index` setting names its index whatever its name, so the closed index is not one the
  // layout's pattern finds; tried as an operator would, the run failed on the cluster's
  // index_closed_exception instead of refusing the table.
  it("refuses a table whose index setting names a closed index, or an alias over one", async () => {
    for (const table of ["named", "aliased"]) await h.tableWithRow(table);
    const shut = `${h.index}-elsewhere`;
    await h.es.indices.create({
      index: shut,
      aliases: { [`${h.index}-pointer`]: {} },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, n: { type: "integer" } },
      },
    });
    await h.es.indices.close({ index: shut });
    const dir = await mkdtemp(join(tmpdir(), "index-creation-"));
    try {
      const settings = join(dir, "synced.yaml");
      await writeFile(
        settings,
        `tables:\n  named:\n    index: ${shut}\n  aliased:\n    index: ${h.index}-pointer\n`,
      );
      const { code, summary } = await h.run([
        "--config",
        settings,
        "-b",
        "0",
        "--tables",
        "named,aliased,open",
      ]);
      assert.equal(code, EXIT.failure, JSON.stringify(summary));
      const refused = summary["refused"] as { name: string; reason: string }[];
      assert.deepEqual(refused.map((r) => r.name).sort(), ["aliased", "named"]);
      for (const { reason } of refused) {
        assert.match(reason, new RegExp(`index ${shut} is closed`));
        assert.match(reason, new RegExp(`POST ${shut}/_open`));
      }
      assert.deepEqual(summary["createdIndices"], []);
      const tables = summary["tables"] as { table: string }[];
      assert.ok(
        tables.some((t) => t.table === "open"),
        JSON.stringify(tables),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
