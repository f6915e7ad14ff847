// A dry run and `synced plan` promise to write nothing: a record they cannot convert is reported as
// what the run would dead-letter, and no letter is stored in any backend, so the real run that follows
// a fix at the source finds nothing waiting.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;

const BACKENDS = ["file", "cassandra", "elasticsearch"] as const;

interface LetterSummary {
  readonly count: number;
  readonly waiting: number | null;
  readonly wouldPut?: readonly { table: string; direction: string; id: string; reason: string }[];
}

describe("dry runs and plans store no dead letters", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("dryletters");
    for (const backend of BACKENDS) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.things_${backend} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
    }
    // The first run creates the indices.
    assert.equal((await h.run()).code, EXIT.success);
  });
  after(() => h.cleanup());

  for (const backend of BACKENDS) {
    it(`reports what it would dead-letter and stores nothing, with the state in ${backend}`, async () => {
      const table = `things_${backend}`;
      const state = h.stateIn(backend);
      const name = ["--name", `dry-${backend}`, "--tables", table, "--direction", "to-cassandra"];
      const index = `${h.index}-${table}`;
      const id = Uuid.random().toString();
      const at = new Date(Date.now() - 5_000).toISOString();
      // Elasticsearch keeps 1.5 in the source of its integer field; Cassandra's int refuses it.
      await h.es.index({ index, id, document: { id, tmstmp: at, n: 1.5 }, refresh: true });

      const dry = await h.run([...name, "--dry-run"], { state });
      assert.equal(dry.code, EXIT.partial, JSON.stringify(dry.summary));
      const letters = dry.summary["deadLetters"] as LetterSummary;
      assert.equal(letters.count, 1);
      assert.equal(letters.waiting, 0);
      assert.deepEqual(
        letters.wouldPut?.map((l) => [l.table, l.direction, l.id]),
        [[table, "to-cassandra", id]],
      );
      assert.match(letters.wouldPut[0]?.reason ?? "", /"n": 1\.5 is not a valid int/);

      const plan = await h.cli(["plan", ...h.argsWith({ "--state": state }), ...name, "--json"]);
      assert.equal(plan.code, EXIT.partial, plan.stderr);
      const planned = JSON.parse(plan.stdout) as { deadLetters: LetterSummary };
      assert.equal(planned.deadLetters.count, 1);
      assert.equal(planned.deadLetters.waiting, 0);

      const shown = await h.cli([...h.argsWith({ "--state": state }), ...name, "--dry-run"]);
      assert.equal(shown.code, EXIT.partial, shown.stderr);
      assert.match(
        shown.stdout,
        /dead letters: 1 would be put by a real run \(a dry run stores none\), 0 waiting/,
      );
      assert.match(shown.stdout, new RegExp(`would dead-letter ${table} to-cassandra ${id}: `));

      // Fixed at its source: the real run has nothing waiting from the dry runs.
      await h.es.index({ index, id, document: { id, tmstmp: at, n: 2 }, refresh: true });
      const real = await h.run(name, { state });
      assert.equal(real.code, EXIT.success, JSON.stringify(real.summary));
      assert.deepEqual(
        [
          (real.summary["deadLetters"] as LetterSummary).count,
          (real.summary["deadLetters"] as LetterSummary).waiting,
        ],
        [0, 0],
      );
    });
  }

  // Tried as an operator would: a record dead-lettered by a run and fixed at its source was counted as
  // late by the dry run that followed, which read no letters, while the real run did not count it.
  it("counts as late no record whose letter waits, as the real run does", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.waited (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const name = ["--name", "waited", "--tables", "waited", "--direction", "to-cassandra"];
    assert.equal((await h.run(name)).code, EXIT.success);
    const index = `${h.index}-waited`;
    const id = Uuid.random().toString();
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({ index, id, document: { id, tmstmp: at, n: 1.5 }, refresh: true });
    const lettered = await h.run(name);
    assert.equal(lettered.code, EXIT.partial, JSON.stringify(lettered.summary));
    // Fixed at its source, dated as before: behind the checkpoint, in the next run's look-back window.
    await h.es.index({ index, id, document: { id, tmstmp: at, n: 2 }, refresh: true });
    const counts = (summary: Record<string, unknown>): [number, number] => {
      const totals = summary["totals"] as Record<string, number>;
      return [totals["written"] ?? -1, totals["late"] ?? -1];
    };
    const dry = await h.run([...name, "--dry-run"]);
    assert.equal(dry.code, EXIT.partial, JSON.stringify(dry.summary));
    const plan = await h.cli(["plan", ...h.baseArgs(), ...name, "--json"]);
    assert.equal(plan.code, EXIT.partial, plan.stderr);
    const real = await h.run(name);
    assert.equal(real.code, EXIT.success, JSON.stringify(real.summary));
    assert.deepEqual(counts(real.summary), [1, 0]);
    assert.deepEqual(counts(dry.summary), counts(real.summary));
    assert.deepEqual(counts(JSON.parse(plan.stdout) as Record<string, unknown>), counts(real.summary));
  });

  // Tried as a careful operator would: a delete for a table without a tombstone column. The plan and
  // the dry run said it would be written, exit 0; the real run dead-lettered it, exit 3.
  it("counts a delete for a table without a tombstone column as the run does", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.tombless (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const name = ["--name", "tombless", "--tables", "tombless", "--direction", "to-cassandra"];
    assert.equal((await h.run(name)).code, EXIT.success);
    const id = Uuid.random().toString();
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({
      index: `${h.index}-tombless`,
      id,
      document: { id, tmstmp: at, n: 1, deleted: true },
      refresh: true,
    });
    const reason = /has no tombstone column 'deleted' to store this delete/;
    const dry = await h.run([...name, "--dry-run"]);
    assert.equal(dry.code, EXIT.partial, JSON.stringify(dry.summary));
    assert.match((dry.summary["deadLetters"] as LetterSummary).wouldPut?.[0]?.reason ?? "", reason);
    const plan = await h.cli(["plan", ...h.baseArgs(), ...name, "--json"]);
    assert.equal(plan.code, EXIT.partial, plan.stderr);
    const real = await h.run(name);
    assert.equal(real.code, EXIT.partial, JSON.stringify(real.summary));
    assert.equal((real.summary["deadLetters"] as LetterSummary).count, 1);
  });
});
