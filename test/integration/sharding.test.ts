// `--shard i/N`: N processes that each take their part of a run leave both stores exactly as one
// unsharded run does, each shard with its own checkpoint.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness } from "../support/harness.js";
import { indexDocuments } from "../support/index-documents.js";

const { Uuid } = cassandra.types;
const SHARDS = 3;

/** The same mixed data in each world: rows only in Cassandra, documents only in Elasticsearch, and ids on both sides with either side newer. */
function dataset(): { cassandra: [string, number, number][]; elasticsearch: [string, number, number][] } {
  const base = Date.now() - 3_600_000;
  const ids = Array.from({ length: 240 }, () => Uuid.random().toString());
  const rows: [string, number, number][] = [];
  const docs: [string, number, number][] = [];
  ids.forEach((id, i) => {
    const at = base + i * 1000;
    if (i % 3 !== 1) rows.push([id, at + (i % 6 === 2 ? 500 : 0), i]);
    if (i % 3 !== 0) docs.push([id, at + 250, i + 1000]);
  });
  return { cassandra: rows, elasticsearch: docs };
}

async function load(h: Harness, data: ReturnType<typeof dataset>): Promise<void> {
  await h.cassandra.execute(
    `CREATE TABLE ${h.keyspace}.items (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
  );
  const insert = `INSERT INTO ${h.keyspace}.items (id, tmstmp, v) VALUES (?, ?, ?)`;
  for (const [id, at, v] of data.cassandra) {
    await h.cassandra.execute(insert, [id, new Date(at), v], { prepare: true });
  }
  await h.es.indices.create({
    index: `${h.index}-items`,
    mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, v: { type: "integer" } } },
  });
  await indexDocuments(
    h.es,
    `${h.index}-items`,
    data.elasticsearch.map(([id, at, v]) => ({ id, source: { id, tmstmp: new Date(at).toISOString(), v } })),
  );
}

async function contents(h: Harness): Promise<{ rows: string[]; docs: string[] }> {
  await h.refresh();
  const rows = (
    await h.cassandra.execute(`SELECT id, tmstmp, v FROM ${h.keyspace}.items`, [], { fetchSize: 1000 })
  ).rows
    .map((r) => `${String(r.get("id"))} ${(r.get("tmstmp") as Date).toISOString()} ${String(r.get("v"))}`)
    .sort();
  const response = await h.es.search<{ tmstmp: string; v: number }>({
    index: `${h.index}-items`,
    size: 1000,
  });
  const docs = response.hits.hits
    .map(
      (hit) =>
        `${hit._id ?? ""} ${new Date(hit._source?.tmstmp ?? "").toISOString()} ${String(hit._source?.v)}`,
    )
    .sort();
  return { rows, docs };
}

describe("sharded runs", () => {
  let whole: Harness;
  let sharded: Harness;

  before(async () => {
    const data = dataset();
    [whole, sharded] = await Promise.all([Harness.create("whole"), Harness.create("sharded")]);
    await Promise.all([load(whole, data), load(sharded, data)]);
  });
  after(() => Promise.all([whole.cleanup(), sharded.cleanup()]));

  it("leaves both stores as one unsharded run does, with a checkpoint per shard", async () => {
    const one = await whole.run();
    assert.equal(one.code, EXIT.success, JSON.stringify(one.summary));
    const parts = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => sharded.run(["--shard", `${i}/${SHARDS}`])),
    );
    for (const part of parts) assert.equal(part.code, EXIT.success, JSON.stringify(part.summary));

    const scanned = (summary: Record<string, unknown>): number =>
      (summary["totals"] as Record<string, number>)["scanned"] ?? Number.NaN;
    const written = (summary: Record<string, unknown>): number =>
      (summary["totals"] as Record<string, number>)["written"] ?? Number.NaN;
    // What the stores hold first: a difference in the counts below is then told apart from one in data.
    const [expected, actual] = await Promise.all([contents(whole), contents(sharded)]);
    assert.equal(expected.rows.length, 240);
    assert.equal(expected.docs.length, 240);
    assert.deepEqual(actual, expected);
    // What the second direction scans depends on when Elasticsearch refreshed the first direction's
    // writes, so only what was written, and what the stores hold, must agree exactly.
    const totals = JSON.stringify({
      whole: one.summary["tables"],
      shards: parts.map((p) => p.summary["tables"]),
    });
    assert.equal(
      parts.reduce((n, p) => n + written(p.summary), 0),
      written(one.summary),
      totals,
    );
    assert.ok(
      parts.every((p) => scanned(p.summary) > 0),
      "every shard had a share of the work",
    );

    const keys = await new FileStateStore({ directory: sharded.stateDir }).listKeys();
    assert.equal(keys.length, SHARDS);
    assert.ok(
      keys.every((key) => /\.shard-\d-of-3$/.test(key)),
      keys.join(", "),
    );
  });

  it("shares out every document of an index that grew between the shards' reads", async () => {
    // Each shard opens its own view of the index, at its own time, and another application (or another
    // shard's writes) adds documents in between. Shards that split the index by the documents'
    // positions in their own view each take their part of a different split, reading some documents
    // twice and others never.
    const h = await Harness.create("grown");
    try {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.items (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
      );
      const index = `${h.index}-items`;
      await h.es.indices.create({
        index,
        mappings: {
          properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, v: { type: "integer" } },
        },
      });
      const begin = Date.now() - 3_600_000;
      const doc = (at: number, v: number): { id: string; source: Record<string, unknown> } => {
        const id = Uuid.random().toString();
        return { id, source: { id, tmstmp: new Date(at).toISOString(), v } };
      };
      const inRange = Array.from({ length: 60 }, (_, i) => doc(begin + 1000 * (i + 1), i));
      await indexDocuments(h.es, index, inRange);

      const range = ["--direction", "to-cassandra", "-b", String(Math.floor(begin / 1000))];
      const first = await h.run([...range, "--shard", "0/2"]);
      assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
      // Dated before the range, so that no shard copies them: they only make the index bigger.
      await indexDocuments(
        h.es,
        index,
        Array.from({ length: 60 }, (_, i) => doc(begin - 60_000 - i, 1000 + i)),
      );
      const second = await h.run([...range, "--shard", "1/2"]);
      assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));

      const rows = await h.cassandra.execute(`SELECT id FROM ${h.keyspace}.items`, [], { fetchSize: 1000 });
      const copied = new Set(rows.rows.map((r) => String(r.get("id"))));
      const missed = inRange.filter((d) => !copied.has(d.id)).map((d) => d.id);
      assert.deepEqual(missed, [], `${missed.length} of ${inRange.length} documents were read by no shard`);
    } finally {
      await h.cleanup();
    }
  });
});
