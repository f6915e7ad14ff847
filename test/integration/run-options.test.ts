// Options that change what a run does: --dry-run, --direction, --es-versioning external, and the
// human summary.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";

const { Uuid } = cassandra.types;

describe("run options", () => {
  let h: Harness;
  const fromCassandra = Uuid.random().toString();
  const fromEs = Uuid.random().toString();
  const at = new Date(Date.now() - 20_000);

  before(async () => {
    h = await Harness.create("opts");
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.t (id uuid PRIMARY KEY, tmstmp timestamp, v text)`);
    await h.es.indices.create({
      index: `${h.index}-t`,
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, v: { type: "keyword" } },
      },
    });
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.t (id, tmstmp, v) VALUES (?, ?, 'c')`,
      [fromCassandra, at],
      {
        prepare: true,
      },
    );
    await h.es.index({
      index: `${h.index}-t`,
      id: fromEs,
      document: { id: fromEs, tmstmp: at.toISOString(), v: "e" },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  it("--dry-run reports what it would write, writes nothing and keeps no checkpoint", async () => {
    const result = await h.run(["--dry-run", "--name", "dry"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(result.summary["dryRun"], true);
    assert.equal(tableStats(result.summary, "t", "to-es")["written"], 1);
    assert.equal(tableStats(result.summary, "t", "to-cassandra")["written"], 1);
    assert.equal((result.summary["checkpoint"] as { after: unknown }).after, null);
    const inEs = await h.es.exists({ index: `${h.index}-t`, id: fromCassandra });
    const inCassandra = await h.cassandra.execute(`SELECT v FROM ${h.keyspace}.t WHERE id = ?`, [fromEs], {
      prepare: true,
    });
    assert.deepEqual({ inEs, rows: inCassandra.rowLength }, { inEs: false, rows: 0 });
  });

  it("--direction to-es copies one way only", async () => {
    const result = await h.run(["--direction", "to-es", "--name", "one-way", "--es-versioning", "external"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const directions = (result.summary["tables"] as { direction: string }[]).map((t) => t.direction);
    assert.deepEqual(directions, ["to-es"]);
    assert.equal(totalWritten(result.summary), 1);
    const inCassandra = await h.cassandra.execute(`SELECT v FROM ${h.keyspace}.t WHERE id = ?`, [fromEs], {
      prepare: true,
    });
    assert.equal(inCassandra.rowLength, 0);
  });

  it("--es-versioning external stores the record's version as the document version", async () => {
    const doc = await h.es.get({ index: `${h.index}-t`, id: fromCassandra });
    assert.equal(doc._version, at.getTime() * 1000);
  });

  it("prints a summary table per table and direction, with skip reasons", async () => {
    // The earlier tests indexed a document; with --lag 0s nothing waits for the refresh interval.
    await h.refresh();
    const result = await h.cli([...h.baseArgs(), "--name", "human"]);
    assert.equal(result.code, EXIT.success, result.stderr);
    assert.match(
      result.stdout,
      /table\s+direction\s+scanned\s+written\s+skipped\s+conflicts\s+dead-lettered\s+late\s+rate\/s/,
    );
    assert.match(result.stdout, /^t\s+to-es\s+1\s+0\s+1\s+0\s+0\s+0\s+\d+\s+1 unchanged$/m);
    assert.match(result.stdout, /^t\s+to-cassandra\s+2\s+1\s+1\s+0\s+0\s+0\s+\d+\s+1 unchanged$/m);
    assert.match(result.stdout, /outcome: success, 1 written, 0 dead-lettered/);
  });
});
