// Records that become visible dated before a checkpoint already passed (a slow writer, a skewed clock,
// a backdated import) are caught by the next run's look-back window and counted as late; with the
// window turned off they are not, and only a repair over their range (synced verify --repair
// --copy-missing) copies them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness, tableStats } from "../support/harness.js";

const { Uuid } = cassandra.types;
const FIVE_MINUTES = 5 * 60_000;

describe("late writes", () => {
  let h: Harness;
  let state: FileStateStore;

  before(async () => {
    h = await Harness.create("late");
    state = new FileStateStore({ directory: h.stateDir });
    for (const table of ["caught", "missed"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
    }
  });
  after(() => h.cleanup());

  /** A finished run of the table's own configuration, then a row and a document dated before its checkpoint. */
  async function lateWrites(table: string): Promise<{ row: string; doc: string }> {
    const first = await h.run(["--tables", table, "--name", table]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const checkpoint = (await state.getCheckpoint(table))?.position;
    assert.ok(checkpoint !== undefined);
    const at = new Date(Number(checkpoint / 1000n) - FIVE_MINUTES);
    const row = Uuid.random().toString();
    const doc = Uuid.random().toString();
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, 1)`,
      [row, at],
      {
        prepare: true,
      },
    );
    await h.es.index({
      index: `${h.index}-${table}`,
      id: doc,
      document: { id: doc, tmstmp: at.toISOString(), n: 2 },
      refresh: true,
    });
    return { row, doc };
  }

  async function copied(table: string, ids: { row: string; doc: string }): Promise<[boolean, boolean]> {
    await h.refresh();
    const inIndex = await h.es.exists({ index: `${h.index}-${table}`, id: ids.row });
    const rows = await h.cassandra.execute(`SELECT id FROM ${h.keyspace}.${table} WHERE id = ?`, [ids.doc], {
      prepare: true,
    });
    return [inIndex, rows.rowLength === 1];
  }

  it("copies both with the default look-back window, and counts them as late", async () => {
    const ids = await lateWrites("caught");
    const next = await h.run(["--tables", "caught", "--name", "caught"]);
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    assert.deepEqual(await copied("caught", ids), [true, true]);
    for (const direction of ["to-es", "to-cassandra"]) {
      assert.equal(tableStats(next.summary, "caught", direction)["late"], 1, direction);
    }
    assert.equal((next.summary["totals"] as Record<string, number>)["late"], 2);
    const range = next.summary["range"] as { lookbackFrom?: string; begin: string };
    assert.ok(range.lookbackFrom !== undefined && range.lookbackFrom < range.begin, JSON.stringify(range));
  });

  it("misses both with --lookback 0; verify --repair --copy-missing then copies them", async () => {
    const ids = await lateWrites("missed");
    const next = await h.run(["--tables", "missed", "--name", "missed", "--lookback", "0"]);
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    assert.deepEqual(await copied("missed", ids), [false, false]);
    assert.equal((next.summary["totals"] as Record<string, number>)["late"], 0);

    // A repair leaves a record on one side only alone unless asked: it may be a hard delete.
    const alone = await verify("--repair");
    assert.equal(alone.code, EXIT.differ, alone.stderr);
    assert.deepEqual([alone.report.outcome, alone.report.unresolved], ["partly repaired", 2]);
    assert.deepEqual(await copied("missed", ids), [false, false]);

    const repaired = await verify("--repair", "--copy-missing");
    assert.equal(repaired.code, EXIT.success, repaired.stderr);
    assert.deepEqual([repaired.report.outcome, repaired.report.unresolved], ["repaired", 0]);
    assert.deepEqual(
      repaired.report.sides.map((s) => [s.side, s.missing, s.repaired, s.repairFailed]),
      [
        ["cassandra", 1, 1, 0],
        ["elasticsearch", 1, 1, 0],
      ],
    );
    assert.deepEqual(await copied("missed", ids), [true, true]);
    await h.refresh();
    const after = await verify();
    assert.deepEqual([after.code, after.report.outcome], [EXIT.success, "equal"]);
  });

  async function verify(...extra: string[]): Promise<{ code: number; stderr: string; report: VerifyJson }> {
    const result = await h.cli(["verify", ...h.baseArgs(), "--tables", "missed", "--json", ...extra]);
    return { code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout) as VerifyJson };
  }
});

interface VerifyJson {
  outcome: string;
  unresolved?: number;
  sides: { side: string; missing: number; repaired: number; repairFailed: number }[];
}
