// synced asks a bulk answer only for the fields it reads (`filter_path`, see BULK_RESULT_FIELDS). On
// the real server, an item the index refuses must still come back with its status and error: the
// record is dead-lettered with the reason the search node gave. An index blocked for writes refuses
// every item too, but that is the index, not the records: tried as an operator would, such a run
// dead-lettered a hundred records before its error budget stopped it. It now refuses that table at
// once, naming the block, with no letter, and syncs the others; a run whose index is deleted or closed
// under it stops.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";
import { makeRecord } from "../../src/core/record.js";
import { IndexGoneError } from "../../src/stores/search/index-gone.js";
import { handPlan } from "../support/table-plan.js";
import { bodyLimitRelay } from "../support/body-limit-relay.js";

const { Uuid } = cassandra.types;

interface ListedLetter {
  readonly id: string;
  readonly reason: string;
}

describe("a bulk item the index refuses", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("bulkanswer");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
  });
  after(() => h.cleanup());

  const insert = async (table: string, id: string, body: string, at: Date): Promise<void> => {
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, body) VALUES (?, ?, ?)`,
      [id, at, body],
      { prepare: true },
    );
  };

  it("is dead-lettered with the limit it met and what to do, and the others are written", async () => {
    const [good, immense] = [Uuid.random().toString(), Uuid.random().toString()];
    const at = new Date(Date.now() - 5_000);
    await insert("notes", good, "kept", at);
    // A keyword holds at most 32,766 bytes: the node refuses this one document, item by item.
    await insert("notes", immense, "x".repeat(40_000), at);
    await h.es.indices.create({
      index: `${h.index}-notes`,
      settings: { number_of_replicas: 0 },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, body: { type: "keyword" } },
      },
    });
    const name = "refused";
    const run = await h.run(["--name", name, "--tables", "notes", "--direction", "to-es"]);
    assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));
    assert.equal(await h.es.exists({ index: `${h.index}-notes`, id: good }), true);

    const listed = await h.cli(["dead-letters", "list", ...h.baseArgs(), "--name", name, "--json"]);
    assert.equal(listed.code, EXIT.success, listed.stderr);
    const letters = (JSON.parse(listed.stdout) as { letters: ListedLetter[] }).letters;
    assert.deepEqual(
      letters.map((letter) => letter.id),
      [immense],
    );
    // The limit it met and what to do, not the parse failure's 16 KiB preview of the value.
    assert.match(
      letters[0]?.reason ?? "",
      /refused the document: its field body holds a value( of 40000 bytes,)? over the 32766 bytes .*ignore_above.*shorten the value at its source/,
      letters[0]?.reason,
    );
  });

  // A proxy in front of the nodes with a limit on bodies (nginx's client_max_body_size) refuses a whole
  // bulk request as too large. The run failed at once (exit 1), and so would every later one.
  it("sends a bulk request refused as too large again in halves, and dead-letters a document refused alone", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.sized (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    const at = new Date(Date.now() - 5_000);
    const small = Array.from({ length: 6 }, () => Uuid.random().toString());
    for (const id of small) await insert("sized", id, "s", at);
    const large = Uuid.random().toString();
    await insert("sized", large, "x".repeat(3_000), at);
    const node = new URL(h.servers.elasticsearchUrl);
    const relay = await bodyLimitRelay(node.hostname, Number(node.port), 2_000);
    const name = "sized";
    try {
      const run = await h.cli([
        ...h.argsWith({ "--es-nodes": `http://127.0.0.1:${relay.port}` }),
        ...["--name", name, "--tables", "sized", "--direction", "to-es", "--json"],
      ]);
      assert.equal(run.code, EXIT.partial, `${run.stderr}\n${run.stdout}`);
      assert.ok(relay.refused() > 1, `refused ${relay.refused()}`);
      // Told once, naming the limits to raise, however many requests were refused.
      const told = run.stderr.split("\n").filter((line) => line.includes("refused as too large (413)"));
      assert.equal(told.length, 1, run.stderr);
      assert.match(told[0] ?? "", /client_max_body_size.*http\.max_content_length/);
    } finally {
      await relay.close();
    }
    const index = `${h.index}-sized`;
    await h.es.indices.refresh({ index });
    const found = await h.es.search({ index, size: 20 });
    assert.deepEqual(found.hits.hits.map((hit) => hit._id).sort(), [...small].sort());
    const listed = await h.cli(["dead-letters", "list", ...h.baseArgs(), "--name", name, "--json"]);
    const letters = (JSON.parse(listed.stdout) as { letters: ListedLetter[] }).letters;
    assert.deepEqual(
      letters.map((letter) => letter.id),
      [large],
    );
    assert.match(
      letters[0]?.reason ?? "",
      /^413 Request Entity Too Large \(an HTML page from a proxy .*client_max_body_size/,
    );
  });

  it("refuses a table whose index is blocked for writes, without a letter, and syncs the others", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.frozen (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.later (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    const at = new Date(Date.now() - 5_000);
    for (let i = 0; i < 3; i++) await insert("frozen", Uuid.random().toString(), "kept", at);
    const later = Uuid.random().toString();
    await insert("later", later, "kept", at);
    // An index an operator made read-only, during a migration say: every write to it is refused (403).
    await h.es.indices.create({
      index: `${h.index}-frozen`,
      settings: { "index.blocks.write": true, number_of_replicas: 0 },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, body: { type: "text" } },
      },
    });
    const name = "blocked";
    const lift = new RegExp(
      `Lift the block .*\\(PUT ${h.index}-frozen/_settings \\{"index\\.blocks\\.write": null\\}\\)`,
    );
    // Tried as an operator would: a dry run and plan, which write nothing, planned the table as if it
    // could be written, where the run refuses it.
    const args = ["--name", name, "--tables", "frozen,later", "--direction", "to-es"];
    const dry = await h.run([...args, "--dry-run"]);
    assert.equal(dry.code, EXIT.failure, JSON.stringify(dry.summary));
    const planned = dry.summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      planned.map((r) => r.name),
      ["frozen"],
    );
    assert.match(planned[0]?.reason ?? "", new RegExp(`index ${h.index}-frozen is blocked for writes`));
    assert.match(planned[0]?.reason ?? "", /a run would refuse the table at its first write/);
    assert.match(planned[0]?.reason ?? "", lift);
    assert.equal(await h.es.exists({ index: `${h.index}-later`, id: later }), false);
    const run = await h.run(args);
    assert.equal(run.code, EXIT.failure, JSON.stringify(run.summary));
    const message = (run.summary["error"] as { message?: string } | undefined)?.message ?? "";
    assert.match(message, /table frozen refused.*Every other table was synced; the checkpoint did not move/);
    const refused = run.summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["frozen"],
    );
    const reason = refused[0]?.reason ?? "";
    assert.match(reason, new RegExp(`index ${h.index}-frozen is blocked`));
    assert.match(reason, /cluster_block_exception/);
    assert.match(reason, lift);
    assert.doesNotMatch(reason, /read_only/);
    // The table after it is synced all the same: one blocked index no longer holds up the keyspace.
    assert.equal(await h.es.exists({ index: `${h.index}-later`, id: later }), true);
    const deadLetters = run.summary["deadLetters"] as { count: number };
    assert.equal(deadLetters.count, 0);
  });

  // Tried as an operator would: a dry run and plan counted the records of an index with the
  // read-only-allow-delete block as written, where the run meets 429s, waits out --retry-window and
  // stops. They stop at once now, as the run would end, naming the block and what lifts it.
  it("stops a dry run, plan and replay --dry-run at once where the index has the read-only-allow-delete block", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.flooded (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    const at = new Date(Date.now() - 5_000);
    await insert("flooded", Uuid.random().toString(), "kept", at);
    // A letter for the replay: a keyword holds at most 32,766 bytes.
    await insert("flooded", Uuid.random().toString(), "x".repeat(40_000), at);
    const index = `${h.index}-flooded`;
    await h.es.indices.create({
      index,
      settings: { number_of_replicas: 0 },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, body: { type: "keyword" } },
      },
    });
    const args = ["--name", "flooded", "--tables", "flooded", "--direction", "to-es", "--retry-window", "5m"];
    const run = await h.cli([...h.baseArgs(), ...args, "--json"]);
    assert.equal(run.code, EXIT.partial, run.stderr);
    await h.es.indices.putSettings({ index, settings: { "index.blocks.read_only_allow_delete": true } });
    const dry = await h.cli([...h.baseArgs(), ...args, "--dry-run"]);
    const plan = await h.cli(["plan", ...h.baseArgs(), ...args]);
    const replay = await h.cli(["dead-letters", "replay", ...h.baseArgs(), ...args, "--dry-run"]);
    for (const [command, said] of [
      ["dry run", dry],
      ["plan", plan],
      ["replay --dry-run", replay],
    ] as const) {
      assert.equal(said.code, EXIT.failure, `${command}: ${said.stderr}`);
      assert.match(
        said.stderr,
        /read-only-allow-delete block \(index\.blocks\.read_only_allow_delete\)/,
        command,
      );
      assert.match(said.stderr, /would meet 429 .* 300 s \(--retry-window\)/, command);
      // The dry run's last log line is JSON, its quotes escaped.
      const lift = new RegExp(
        `PUT ${index}/_settings \\{\\\\?"index\\.blocks\\.read_only_allow_delete\\\\?": null\\}`,
      );
      assert.match(said.stderr, lift, command);
    }
    // The replay's words: its letters wait, and a replay, not a run, is what to do once lifted.
    assert.match(replay.stderr, /A replay would meet 429 .*then replay the letters\./);
    assert.doesNotMatch(replay.stderr, /run again/);
  });

  // Tried as a new user would: a plan refused for a blocked index said to lift the block "and run
  // again", where the user ran plan, and a run is not what they meant to repeat.
  it("says to plan again where a plan meets an index blocked for writes", async () => {
    for (const [table, setting] of [
      ["planwrite", "index.blocks.write"],
      ["planflood", "index.blocks.read_only_allow_delete"],
    ] as const) {
      await h.tableWithRow(table);
      const index = `${h.index}-${table}`;
      await h.es.indices.create({
        index,
        settings: { number_of_replicas: 0 },
        mappings: {
          properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, n: { type: "integer" } },
        },
      });
      await h.es.indices.putSettings({ index, settings: { [setting]: true } });
      const plan = await h.cli([
        "plan",
        ...h.baseArgs(),
        "--name",
        table,
        "--tables",
        table,
        "--direction",
        "to-es",
      ]);
      assert.equal(plan.code, EXIT.failure, `${setting}: ${plan.stderr}`);
      const said = `${plan.stdout}\n${plan.stderr}`;
      assert.match(
        said,
        new RegExp(`${setting.replace(/\./g, "\\.")}\\\\?": null\\}\\)?,? (and|then) plan again`),
        said,
      );
      assert.doesNotMatch(said, /\brun again\b/i, said);
    }
  });

  // Tried as an operator would with a keyspace of many tables: the cluster refused to create one
  // table's index (its shard limit reached, or a template that makes data streams only), and the run
  // stopped there, so no table after it was ever synced.
  it("refuses a table whose index the cluster will not create, and syncs the others", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.streamed (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    await insert("streamed", Uuid.random().toString(), "kept", new Date(Date.now() - 5_000));
    const template = `${h.index}-streamed-template`;
    await h.es.indices.putDataStreamTemplate({ name: template, pattern: `${h.index}-streamed` });
    try {
      const run = await h.run(["--name", "uncreated", "--tables", "notes,streamed", "--direction", "to-es"]);
      assert.equal(run.code, EXIT.failure, JSON.stringify(run.summary));
      const refused = run.summary["refused"] as { name: string; reason: string }[];
      assert.deepEqual(
        refused.map((r) => r.name),
        ["streamed"],
      );
      assert.match(
        refused[0]?.reason ?? "",
        new RegExp(`refused to create the index ${h.index}-streamed .*Check the index templates that match`),
      );
      const tables = run.summary["tables"] as { table: string }[];
      assert.ok(
        tables.some((t) => t.table === "notes"),
        JSON.stringify(tables),
      );
    } finally {
      await h.es.indices.deleteIndexTemplate({ name: template });
    }
  });

  it("stops the writes to an index closed during the run, without a letter", async () => {
    const index = `${h.index}-shut`;
    await h.es.indices.create({ index, settings: { number_of_replicas: 0 } });
    await h.es.indices.close({ index });
    const record = makeRecord(Uuid.random().toString(), BigInt(Date.now()) * 1000n, false, { body: "kept" });
    const plan = handPlan({ keyspace: h.keyspace, table: "shut", index, columns: { body: "text" } });
    const write = h
      .stores()
      .elasticsearch.write(plan, [{ record, current: undefined, version: record.version }]);
    await assert.rejects(write, (error: unknown) => {
      assert.ok(error instanceof IndexGoneError, String(error));
      assert.match(error.message, new RegExp(`index ${index} was closed during the run`));
      return true;
    });
  });
});
