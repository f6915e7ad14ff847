// `synced plan` on the real servers: it shows what a run would write, with each sampled decision's
// reason and both sides' values, and writes nothing: no document, no row, no checkpoint.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness } from "../support/harness.js";

interface Copy {
  readonly side: string;
  readonly present: boolean;
  readonly content?: Record<string, unknown>;
}

interface PlanJson {
  readonly dryRun: boolean;
  readonly decisions: readonly {
    readonly table: string;
    readonly direction: string;
    readonly id: string;
    readonly action: string;
    readonly reason: string;
    readonly source: Copy;
    readonly target: Copy;
  }[];
}

describe("synced plan", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("plan");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    assert.equal((await h.run(["--name", "plan"])).code, EXIT.success);
  });
  after(() => h.cleanup());

  it("samples the decisions with both sides' values, and writes nothing", async () => {
    const fresh = cassandra.types.Uuid.random().toString();
    const newerInEs = cassandra.types.Uuid.random().toString();
    const old = new Date(Date.now() - 20_000);
    const insert = `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, ?)`;
    await h.cassandra.execute(insert, [fresh, old, 1], { prepare: true });
    await h.cassandra.execute(insert, [newerInEs, old, 2], { prepare: true });
    const index = `${h.index}-things`;
    const later = new Date(Date.now() - 10_000).toISOString();
    await h.es.index({
      index,
      id: newerInEs,
      document: { id: newerInEs, tmstmp: later, n: 20 },
      refresh: true,
    });
    const state = new FileStateStore({ directory: h.stateDir });
    const checkpoint = (await state.getCheckpoint("plan"))?.position;

    const result = await h.cli(["plan", ...h.baseArgs(), "--name", "plan", "-b", "0", "--json"]);
    assert.equal(result.code, EXIT.success, result.stderr);
    const plan = JSON.parse(result.stdout) as PlanJson;
    assert.equal(plan.dryRun, true);
    const shown = (id: string, direction: string) =>
      plan.decisions.find((d) => d.id === id && d.direction === direction);
    assert.deepEqual(
      (({ action, reason, source, target }) => ({
        action,
        reason,
        source: source.content,
        target: target.present,
      }))(shown(fresh, "to-es") ?? assert.fail("no decision for the new row")),
      { action: "write", reason: "absent", source: { n: 1 }, target: false },
    );
    const newer = shown(newerInEs, "to-cassandra") ?? assert.fail("no decision for the newer document");
    assert.deepEqual(
      [newer.action, newer.reason, newer.source.content, newer.target.content],
      ["write", "newer", { n: 20 }, { n: 2 }],
    );

    // Nothing written, nothing moved.
    assert.equal((await h.es.count({ index, query: { ids: { values: [fresh] } } })).count, 0);
    const row = await h.cassandra.execute(`SELECT n FROM ${h.keyspace}.things WHERE id = ?`, [newerInEs], {
      prepare: true,
    });
    assert.equal(row.first()["n"], 2);
    assert.equal((await state.getCheckpoint("plan"))?.position, checkpoint);

    const text = await h.cli(["plan", ...h.baseArgs(), "--name", "plan", "-b", "0"]);
    assert.match(
      text.stdout,
      new RegExp(`things to-es ${fresh}: would write, the target has no such record`),
    );
    // Tried as a new user would: the last line said "2 written" of a plan that writes nothing, and
    // --sample 0 ended with "No record would change" beside a table of records that would.
    assert.match(text.stdout, /outcome: \w+, [1-9]\d* would be written, \d+ would be dead-lettered/);
    const unsampled = await h.cli(["plan", ...h.baseArgs(), "--name", "plan", "-b", "0", "--sample", "0"]);
    assert.match(unsampled.stdout, /[1-9]\d* would be written/);
    assert.doesNotMatch(unsampled.stdout, /No record would change/);
  });

  it("creates no dead-letter store where none exists yet", async () => {
    // Tried as a new user would: a first plan left an empty letters index or table behind, which a
    // plan promises not to write and a role allowed to read only could not create.
    const index = `${h.index}_letters`;
    const table = `${h.keyspace}.plan_letters`;
    for (const letters of [`es:${index}`, `cassandra:${table}`]) {
      const result = await h.cli(["plan", ...h.baseArgs(), "--name", "plan", "--dead-letter", letters]);
      assert.equal(result.code, EXIT.success, result.stderr);
    }
    assert.equal(await h.es.indices.exists({ index }), false);
    const tables = await h.cassandra.execute(
      "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
      [h.keyspace, "plan_letters"],
      { prepare: true },
    );
    assert.equal(tables.rowLength, 0);
  });
});
