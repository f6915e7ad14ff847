// An index that keeps no `_source` (`"_source": {"enabled": false}`, made to save disk): synced cannot
// read its documents back, to compare them or to copy them to Cassandra. Tried as an operator would,
// every record of such a table was dead-lettered in both directions on every run, with the reason
// "no 'tmstmp' field". Now the table is refused, saying why and what to do, and the others are synced.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

describe("an index that keeps no _source", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("nosource");
    for (const table of ["lean", "plain"]) await h.tableWithRow(table);
    await h.es.indices.create({
      index: `${h.index}-lean`,
      mappings: {
        _source: { enabled: false },
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, n: { type: "integer" } },
      },
    });
  });
  after(() => h.cleanup());

  it("refuses its table, saying why and what to do, and dead-letters nothing", async () => {
    const { code, summary } = await h.run(["-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["lean"],
    );
    assert.match(refused[0]?.reason ?? "", new RegExp(`index ${h.index}-lean keeps no _source`));
    assert.match(
      refused[0]?.reason ?? "",
      /Give the table a new index \(the config file's tables\.lean\.index/,
    );
    assert.equal((summary["deadLetters"] as { count: number }).count, 0);
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
  });
});

// An index whose `_source` leaves fields out (`"excludes"` or `"includes"`, made to save disk on a
// large field): its documents read back without those fields. Tried as an operator would, each run
// found every document differing from its row at the same version, so the tie-break decided which
// side kept the field: either every document was rewritten on every run, or the Cassandra row lost
// the field. Now the table is refused before anything is written, naming the fields left out.
describe("an index whose _source leaves fields out", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("partsource");
    for (const table of ["trimmed", "picked", "plain"])
      await h.tableWithRow(table, "bio", "text", "long text");
    const properties = {
      id: { type: "keyword" },
      tmstmp: { type: "date_nanos" },
      n: { type: "integer" },
      bio: { type: "text" },
    } as const;
    await h.es.indices.create({
      index: `${h.index}-trimmed`,
      mappings: { _source: { excludes: ["bio"] }, properties },
    });
    await h.es.indices.create({
      index: `${h.index}-picked`,
      mappings: { _source: { includes: ["id", "tmstmp", "n"] }, properties },
    });
  });
  after(() => h.cleanup());

  it("refuses its table, naming the fields left out, and changes nothing on either side", async () => {
    const { code, summary } = await h.run(["-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(refused.map((r) => r.name).sort(), ["picked", "trimmed"]);
    const reason = (name: string): string => refused.find((r) => r.name === name)?.reason ?? "";
    assert.match(reason("trimmed"), new RegExp(`index ${h.index}-trimmed leaves fields out of _source`));
    assert.match(reason("trimmed"), /"excludes": \["bio"\]/);
    assert.match(reason("picked"), /"includes": \["id", "tmstmp", "n"\]/);
    assert.match(reason("trimmed"), /tables\.trimmed\.index/);
    assert.equal((summary["deadLetters"] as { count: number }).count, 0);
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
    for (const table of ["trimmed", "picked"]) {
      assert.equal((await h.es.count({ index: `${h.index}-${table}` })).count, 0);
      const rows = await h.cassandra.execute(`SELECT bio FROM ${h.keyspace}.${table}`);
      assert.equal(rows.first()["bio"], "long text");
    }
  });

  // An index template (composable, or legacy as clusters upgraded from 6.x and 7.x keep) that matches
  // the name of an index synced creates shapes it too. Tried as an operator would, the first run
  // wrote each document without the fields the template left out of `_source`, or dead-lettered each
  // one as the index refused it without a routing value, and moved the checkpoint past them.
  it("refuses a table whose new index a template would leave fields out of or require routing in, naming the template, and makes nothing", async () => {
    for (const table of ["kept", "aged", "routed"]) await h.tableWithRow(table, "bio", "text", "long text");
    const templates = {
      kept: `${h.index}_kept_shape`,
      aged: `${h.index}_aged_shape`,
      routed: `${h.index}_routed_shape`,
    };
    const pattern = (table: string): string => `${h.index}-${table}`;
    const excluded = { _source: { excludes: ["bio"] } };
    await h.es.indices.putIndexTemplate({
      name: templates.kept,
      pattern: pattern("kept"),
      mappings: excluded,
    });
    await h.es.indices.putLegacyTemplate({
      name: templates.aged,
      pattern: pattern("aged"),
      mappings: excluded,
    });
    await h.es.indices.putIndexTemplate({
      name: templates.routed,
      pattern: pattern("routed"),
      mappings: { _routing: { required: true } },
    });
    try {
      const tables = ["--tables", "kept,aged,routed", "-b", "0"];
      // Tried as an operator would, plan and --dry-run said all was well, and the run then refused
      // each table: they now name the same refusals, and make no index.
      const plan = await h.cli(["plan", ...h.baseArgs(), ...tables, "--json"]);
      const dry = await h.run([...tables, "--dry-run"]);
      for (const [what, code, planned] of [
        ["plan", plan.code, JSON.parse(plan.stdout) as Record<string, unknown>],
        ["--dry-run", dry.code, dry.summary],
      ] as const) {
        assert.equal(code, EXIT.failure, `${what}: ${JSON.stringify(planned)}`);
        const said = planned["refused"] as { name: string; reason: string }[];
        assert.deepEqual(said.map((r) => r.name).sort(), ["aged", "kept", "routed"], what);
        const reason = (name: string): string => said.find((r) => r.name === name)?.reason ?? "";
        assert.match(reason("kept"), new RegExp(`would get from the index template ${templates.kept}\\b`));
        assert.match(reason("kept"), /"excludes": \["bio"\]/);
        assert.match(reason("aged"), new RegExp(`legacy index template ${templates.aged}\\b`));
        assert.match(reason("routed"), /requires a routing value/);
        for (const table of ["kept", "aged", "routed"])
          assert.equal(await h.es.indices.exists({ index: pattern(table) }), false, `${what}: ${table}`);
      }
      // It went through every table it did not refuse: it did not stop on the way.
      const text = await h.cli(["plan", ...h.baseArgs(), ...tables]);
      assert.doesNotMatch(text.stdout, /did not finish/);
      assert.doesNotMatch(`${text.stdout}${text.stderr}`, /(Every|No) other table was synced/);
      assert.match(text.stdout, /No record of the tables not refused would change/);
      const { code, summary } = await h.run(tables);
      assert.equal(code, EXIT.failure, JSON.stringify(summary));
      const refused = summary["refused"] as { name: string; reason: string }[];
      assert.deepEqual(refused.map((r) => r.name).sort(), ["aged", "kept", "routed"]);
      const reason = (name: string): string => refused.find((r) => r.name === name)?.reason ?? "";
      assert.match(reason("kept"), new RegExp(`index template ${templates.kept}\\b`));
      assert.match(reason("kept"), /"excludes": \["bio"\]/);
      assert.match(reason("aged"), new RegExp(`legacy index template ${templates.aged}\\b`));
      assert.match(reason("routed"), new RegExp(`index template ${templates.routed}\\b`));
      assert.match(reason("routed"), /requires a routing value/);
      assert.equal((summary["deadLetters"] as { count: number }).count, 0);
      // No index is left behind with the template's shape, which a later run would take as made ahead.
      for (const table of ["kept", "aged", "routed"])
        assert.equal(await h.es.indices.exists({ index: pattern(table) }), false, table);
    } finally {
      await h.es.indices.deleteIndexTemplate({ name: templates.kept });
      await h.es.indices.deleteLegacyTemplate({ name: templates.aged });
      await h.es.indices.deleteIndexTemplate({ name: templates.routed });
    }
    // The templates changed, the same run copies each table whole.
    const { code, summary } = await h.run(["--tables", "kept,aged,routed", "-b", "0"]);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    for (const table of ["kept", "aged", "routed"])
      assert.equal(tableStats(summary, table, "to-es")["written"], 1, table);
  });
});

// The same in the type-field layout, where every table shares the one index `-i` names: a gap in its
// `_source` is every table's, whether the index holds documents of that table yet or not.
describe("a shared index (type-field layout) whose _source leaves fields out", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("sharedsource");
    for (const table of ["pets", "birds"]) await h.tableWithRow(table, "name", "text", "rex");
    await h.es.indices.create({
      index: h.index,
      mappings: {
        _source: { excludes: ["name"] },
        properties: {
          type: { type: "keyword" },
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          name: { type: "text" },
        },
      },
    });
    const id = cassandra.types.Uuid.random().toString();
    await h.es.index({
      index: h.index,
      id: `pets-${id}`,
      document: { type: "pets", id, tmstmp: new Date(Date.now() - 60_000).toISOString(), name: "tom" },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  it("refuses every table, with documents in the index or not, and writes nothing", async () => {
    const { code, summary } = await h.run(["--layout", "type-field", "-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(refused.map((r) => r.name).sort(), ["birds", "pets"]);
    for (const { reason } of refused) {
      assert.match(reason, new RegExp(`index ${h.index} leaves fields out of _source`));
    }
    await h.es.indices.refresh({ index: h.index });
    assert.equal((await h.es.count({ index: h.index })).count, 1);
  });
});
