// `synced verify --repair --shard i/N` on the real servers: each shard repairs its part of the
// differences, together all of them, and an unsharded verify then finds both sides equal.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";
import type { VerifyJson } from "../support/verify-json.js";

const ROWS = 30;
const SHARDS = 3;

describe("synced verify --repair over shards", () => {
  let h: Harness;
  const ids: string[] = [];
  before(async () => {
    h = await Harness.create("repair");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const insert = `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, ?)`;
    const first = new Date(Date.now() - 60_000);
    for (let i = 0; i < ROWS; i++) {
      const id = cassandra.types.Uuid.random().toString();
      ids.push(id);
      await h.cassandra.execute(insert, [id, first, i], { prepare: true });
    }
    assert.equal((await h.run()).code, EXIT.success);
    // Every row changes afterwards, dated before the checkpoint: no incremental run would see it.
    const later = new Date(first.getTime() + 1000);
    for (const [i, id] of ids.entries()) {
      await h.cassandra.execute(insert, [id, later, i + 100], { prepare: true });
    }
  });
  after(() => h.cleanup());

  const verify = async (extra: readonly string[]): Promise<{ code: number; report: VerifyJson }> => {
    const result = await h.cli(["verify", ...h.baseArgs(), "--json", ...extra]);
    assert.ok(result.stdout.length > 0, result.stderr);
    return { code: result.code, report: JSON.parse(result.stdout) as VerifyJson };
  };

  it("writes each shard's part, and together every difference", async () => {
    const repaired: number[] = [];
    for (let shard = 0; shard < SHARDS; shard++) {
      const { code, report } = await verify(["--repair", "--shard", `${shard}/${SHARDS}`]);
      assert.equal(code, EXIT.success, JSON.stringify(report));
      const fromCassandra = report.sides.find((s) => s.side === "cassandra");
      assert.ok(fromCassandra !== undefined, JSON.stringify(report));
      assert.equal(fromCassandra.repaired, fromCassandra.older, JSON.stringify(report));
      repaired.push(fromCassandra.older);
    }
    assert.ok(
      repaired.every((n) => n > 0),
      `every shard had a share: ${repaired.join(", ")}`,
    );
    assert.equal(
      repaired.reduce((a, b) => a + b, 0),
      ROWS,
    );

    await h.refresh();
    const after = await verify([]);
    assert.deepEqual([after.code, after.report.outcome], [EXIT.success, "equal"]);
    const docs = await h.es.mget<{ n: number }>({ index: `${h.index}-things`, ids });
    assert.deepEqual(
      docs.docs.map((d) => ("_source" in d ? d._source.n : undefined)),
      ids.map((_, i) => i + 100),
    );
  });

  // Tried as an operator would: a repair into an index blocked for writes ended with "The run stopped
  // without moving the checkpoint", though verify has no checkpoint and what it repaired stays.
  it("says what a repair stopped by a store leaves, in its own words", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.frozen (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.frozen (id, tmstmp, n) VALUES (?, ?, ?)`,
      [cassandra.types.Uuid.random().toString(), new Date(Date.now() - 60_000), 1],
      { prepare: true },
    );
    await h.es.indices.create({
      index: `${h.index}-frozen`,
      settings: { "index.blocks.write": true, number_of_replicas: 0 },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, n: { type: "integer" } },
      },
    });
    const only = ["--tables", "frozen", "--direction", "to-es"];
    const result = await h.cli(["verify", ...h.baseArgs(), ...only, "--repair", "--copy-missing"]);
    assert.equal(result.code, EXIT.failure, result.stdout + result.stderr);
    assert.match(result.stderr, /blocked for writes/);
    assert.match(result.stderr, /It stopped, and verify leaves the checkpoint alone/);
    assert.doesNotMatch(result.stderr, /The run stopped/);
  });
});
