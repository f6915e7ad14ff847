// A sharded configuration whose --splits or --slices change between runs: each shard's part of the
// data moves, so a shard whose checkpoint is further ahead than another's takes over ranges that were
// covered only as far as the other's. No record may be left behind. And a change of the shard count
// starts the new shards where every shard of the old count had covered its ranges, not over.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";
import { indexDocuments } from "../support/index-documents.js";

const { Uuid } = cassandra.types;
const MINUTE = 60_000;
// The look-back would read the gap again where it is shorter than the look-back window; a shard that
// failed for longer leaves one it does not reach.
const NO_LOOKBACK = ["--lookback", "0s"];

/** `count` ids dated one a second from `from` (milliseconds). */
function dated(count: number, from: number): { id: string; at: number }[] {
  return Array.from({ length: count }, (_, i) => ({ id: Uuid.random().toString(), at: from + i * 1000 }));
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe("sharded runs whose partition changes", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("partition");
  });
  after(() => h.cleanup());

  it("copies every row when --splits changes while one shard lags", async () => {
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.items (id uuid PRIMARY KEY, tmstmp timestamp)`);
    const start = Date.now() - 30 * MINUTE;
    const early = dated(100, start);
    const middle = dated(200, start + 10 * MINUTE);
    const insert = `INSERT INTO ${h.keyspace}.items (id, tmstmp) VALUES (?, ?)`;
    for (const row of [...early, ...middle])
      await h.cassandra.execute(insert, [row.id, new Date(row.at)], { prepare: true });
    const x1 = start + 5 * MINUTE;
    const x2 = start + 20 * MINUTE;
    const x3 = x2 + MINUTE;
    const run = async (args: string[], splits = "4"): Promise<readonly string[]> => {
      const replaced = { "--splits": splits };
      const { code, summary } = await h.run(["--direction", "to-es", ...NO_LOOKBACK, ...args], { replaced });
      assert.equal(code, EXIT.success, JSON.stringify(summary));
      return summary["notices"] as string[];
    };
    // Both shards to x1; then only shard 0 to x2 (shard 1's process failed that time).
    await run(["--shard", "0/2", "-e", iso(x1)]);
    await run(["--shard", "1/2", "-e", iso(x1)]);
    await run(["--shard", "0/2", "-e", iso(x2)]);
    // The operator changes --splits: token ranges move between the shards.
    const changed = await run(["--shard", "0/2", "-e", iso(x3)], "7");
    assert.match(changed.join("\n"), /made with --splits 4 --slices 2, this run has --splits 7 --slices 2/);
    await run(["--shard", "1/2", "-e", iso(x3)], "7");

    await h.refresh();
    const docs = await h.es.search({ index: `${h.index}-items`, size: 1000, _source: false });
    const copied = new Set(docs.hits.hits.map((hit) => hit._id));
    const missed = [...early, ...middle].filter((row) => !copied.has(row.id)).length;
    assert.equal(missed, 0, `${missed} of ${early.length + middle.length} rows were never copied`);
  });

  it("starts a new shard count where every shard of the old one had covered its ranges", async () => {
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.scaled (id uuid PRIMARY KEY, tmstmp timestamp)`);
    const start = Date.now() - 30 * MINUTE;
    const all = [...dated(100, start), ...dated(200, start + 10 * MINUTE)];
    const insert = `INSERT INTO ${h.keyspace}.scaled (id, tmstmp) VALUES (?, ?)`;
    for (const row of all) await h.cassandra.execute(insert, [row.id, new Date(row.at)], { prepare: true });
    const x1 = start + 5 * MINUTE;
    const x2 = start + 20 * MINUTE;
    const x3 = x2 + MINUTE;
    const run = async (args: string[]): Promise<{ begin: string; beginFrom: string; notices: string }> => {
      const common = ["--direction", "to-es", "--tables", "scaled", "--name", "scaled", ...NO_LOOKBACK];
      const { code, summary } = await h.run([...common, ...args]);
      assert.equal(code, EXIT.success, JSON.stringify(summary));
      const range = summary["range"] as { begin: string; beginFrom: string };
      return { ...range, notices: ((summary["notices"] as string[] | undefined) ?? []).join("\n") };
    };
    // Two shards to x1, then shard 0 alone to x2: every range is covered to x1.
    await run(["--shard", "0/2", "-e", iso(x1)]);
    await run(["--shard", "1/2", "-e", iso(x1)]);
    await run(["--shard", "0/2", "-e", iso(x2)]);
    // The operator scales to three processes.
    const first = await run(["--shard", "0/3", "-e", iso(x3)]);
    assert.equal(first.begin, `${iso(x1).slice(0, -1)}000Z`);
    assert.match(first.notices, /--shard i\/2 cover every range up to/);
    for (const shard of ["1/3", "2/3"]) await run(["--shard", shard, "-e", iso(x3)]);
    // And back to one process: it starts where the three left off.
    const single = await run(["-e", iso(x3 + MINUTE)]);
    assert.equal(single.begin, `${iso(x3).slice(0, -1)}000Z`);
    // Clearing one key's checkpoint says where its next run would begin, as the other counts stand.
    const reset = await h.cli(["state", "reset", ...h.baseArgs(), "--name", "scaled", "--shard", "0/3"]);
    assert.equal(reset.code, EXIT.usage, reset.stderr);
    assert.match(reset.stderr, /checkpoints under no --shard and --shard i\/2 cover every range/);

    await h.refresh();
    const docs = await h.es.search({ index: `${h.index}-scaled`, size: 1000, _source: false });
    const copied = new Set(docs.hits.hits.map((hit) => hit._id));
    const missed = all.filter((row) => !copied.has(row.id)).length;
    assert.equal(missed, 0, `${missed} of ${all.length} rows were never copied`);
  });

  it("refuses a sharded run before it writes where an index allows fewer scroll slices than it reads", async () => {
    const index = `${h.index}-narrow`;
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.narrow (id uuid PRIMARY KEY, tmstmp timestamp)`);
    await h.cassandra.execute(`INSERT INTO ${h.keyspace}.narrow (id, tmstmp) VALUES (?, ?)`, [
      Uuid.random(),
      new Date(Date.now() - MINUTE),
    ]);
    await h.es.indices.create({
      index,
      settings: { "index.max_slices_per_scroll": 2 },
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date" } } },
    });
    const { code, stderr } = await h.cli([
      ...h.baseArgs(),
      ...["--tables", "narrow", "--shard", "0/2", "--slices", "2"],
    ]);
    assert.equal(code, EXIT.usage, stderr);
    assert.match(stderr, /index .*-narrow allows 2 scroll slices \(index\.max_slices_per_scroll\)/);
    assert.match(stderr, /give --slices 1/);
    await h.refresh();
    assert.equal((await h.es.count({ index })).count, 0);
  });

  it("copies every document when --slices changes while one shard lags", async () => {
    const index = `${h.index}-docs`;
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.docs (id uuid PRIMARY KEY, tmstmp timestamp)`);
    await h.es.indices.create({
      index,
      settings: { number_of_shards: 3, number_of_replicas: 0 },
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date" } } },
    });
    const start = Date.now() - 30 * MINUTE;
    const all = [...dated(100, start), ...dated(200, start + 10 * MINUTE)];
    await indexDocuments(
      h.es,
      index,
      all.map(({ id, at }) => ({ id, source: { id, tmstmp: iso(at) } })),
    );
    const x1 = start + 5 * MINUTE;
    const x2 = start + 20 * MINUTE;
    const x3 = x2 + MINUTE;
    const run = async (args: string[]): Promise<void> => {
      const { code, summary } = await h.run([
        "--direction",
        "to-cassandra",
        "--tables",
        "docs",
        ...NO_LOOKBACK,
        ...args,
      ]);
      assert.equal(code, EXIT.success, JSON.stringify(summary));
    };
    await run(["--shard", "0/2", "-e", iso(x1)]);
    await run(["--shard", "1/2", "-e", iso(x1)]);
    await run(["--shard", "0/2", "-e", iso(x2)]);
    await run(["--shard", "0/2", "-e", iso(x3), "--slices", "3"]);
    await run(["--shard", "1/2", "-e", iso(x3), "--slices", "3"]);

    const rows = await h.cassandra.execute(`SELECT id FROM ${h.keyspace}.docs`, [], { fetchSize: 1000 });
    const copied = new Set(rows.rows.map((r) => String(r.get("id"))));
    const missed = all.filter((doc) => !copied.has(doc.id)).length;
    assert.equal(missed, 0, `${missed} of ${all.length} documents were never copied`);
  });
});
