// Faults at random points: synced is killed with SIGKILL (a node lost, an OOM kill) or stopped with
// SIGTERM (a pod evicted) at a random moment of a run. Whatever the moment, the checkpoint never
// covers a record that is not on both stores yet, the next run starts at once, and it converges.
// The seed is printed; SYNCED_FAULT_SEED=<seed> replays the same trials.
import assert from "node:assert/strict";
import { spawn, type ChildProcess, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SearchFixture } from "../support/search-fixture.js";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { ConvergenceWorld, type Side, type Table } from "../reliability/convergence-world.js";
import { Oracle, describeDivergence, type Divergence } from "../reliability/oracle.js";
import { SeededRandom, seedFrom } from "../reliability/seeded-random.js";
import { MAIN, runSynced } from "../support/cli.js";
import {
  cassandraOptions,
  connectTestSearch,
  runScopedName,
  serverArgs,
  serverSecrets,
} from "../support/servers.js";

const NEW_PER_TRIAL = 500;
const UPDATES_PER_TRIAL = 150;
const KEY = "faults";

describe("faults at random points of a run", () => {
  const seed = seedFrom("SYNCED_FAULT_SEED");
  const random = new SeededRandom(seed);
  const oracle = new Oracle();
  const ids: { table: Table; id: string }[] = [];
  let stateDir: string;
  let cassandraClient: cassandra.Client;
  let es: SearchFixture;
  let world: ConvergenceWorld;

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "faults-state-"));
    cassandraClient = new cassandra.Client(cassandraOptions());
    es = await connectTestSearch();
    world = new ConvergenceWorld(runScopedName("faults"), "index-per-table", cassandraClient, es);
    await world.create();
    const setup = await runSynced(args(["-b", "0"]), serverSecrets());
    assert.equal(setup.code, EXIT.success, setup.stderr);
  });
  after(async () => {
    await world.drop().catch(() => undefined);
    await Promise.all([cassandraClient.shutdown(), es.close()]);
    await rm(stateDir, { recursive: true, force: true });
  });

  function args(extra: readonly string[]): string[] {
    return [
      ...world.args(),
      ...["--name", KEY, "--state", stateDir, "--json", "--lag", "0s"],
      ...serverArgs(),
      ...extra,
    ];
  }

  /**
   * New records on both stores and newer versions of earlier ones, as other applications write them.
   * Returns how many of the new records the run will add where progress() counts.
   */
  async function writeSome(): Promise<number> {
    const writes: { table: Table; id: string; side: Side }[] = [];
    for (let n = 0; n < NEW_PER_TRIAL; n++) {
      const table: Table = n % 2 === 0 ? "latest" : "versioned";
      const id = cassandra.types.Uuid.random().toString();
      ids.push({ table, id });
      // Each table gets records from both stores, so both directions have work.
      writes.push({ table, id, side: random.chance(0.5) ? "cassandra" : "es" });
    }
    for (let n = 0; n < UPDATES_PER_TRIAL && ids.length > NEW_PER_TRIAL; n++) {
      const { table, id } = random.pick(ids.slice(0, ids.length - NEW_PER_TRIAL));
      if (writes.some((w) => w.id === id)) continue;
      writes.push({ table, id, side: random.chance(0.5) ? "cassandra" : "es" });
    }
    // After the checkpoint, which the last run left at its own start.
    const at = Date.now();
    for (let i = 0; i < writes.length; i += 50) {
      await Promise.all(
        writes.slice(i, i + 50).map(async ({ table, id, side }) => {
          const record = `${table}/${id}`;
          const value = {
            tmstmp: oracle.timestampFor(record, side, at),
            v: random.int(0, 1_000_000),
            deleted: random.chance(0.1),
          };
          await world.write(table, id, side, value);
          oracle.write(record, side, value);
        }),
      );
    }
    // A refresh makes the new documents visible to the run, as the default lag would.
    await world.refresh();
    return writes
      .slice(0, NEW_PER_TRIAL)
      .filter((w) => (w.table === "latest" ? w.side === "cassandra" : w.side === "es")).length;
  }

  /** Records that do not hold the oracle's winner on both stores, among those `covered` selects. */
  async function unsynced(covered: (newest: number) => boolean): Promise<Divergence[]> {
    await world.refresh();
    const found: Divergence[] = [];
    for (const table of ["latest", "versioned"] as const) {
      const held = { cassandra: await world.readCassandra(table), es: await world.readElasticsearch(table) };
      for (const { id } of ids.filter((r) => r.table === table)) {
        const record = `${table}/${id}`;
        if (!covered(oracle.newest(record) ?? 0)) continue;
        const divergence = oracle.check(record, { cassandra: held.cassandra.get(id), es: held.es.get(id) });
        if (divergence !== undefined) found.push(divergence);
      }
    }
    return found;
  }

  /** Records synced so far by the run under way: documents in one index, rows in one table. */
  async function progress(): Promise<number> {
    await es.indices.refresh({ index: `${world.name}-latest` });
    const documents = (await es.count({ index: `${world.name}-latest` })).count;
    const rows = await cassandraClient.execute(`SELECT count(*) AS n FROM ${world.name}.versioned`);
    return documents + Number(rows.first()["n"]);
  }

  /** Waits until the run has synced `records` more records than at `start`, or has ended. */
  async function reach(child: ChildProcess, start: number, records: number): Promise<boolean> {
    while (child.exitCode === null && child.signalCode === null) {
      if ((await progress()) - start >= records) return true;
      await delay(20);
    }
    return false;
  }

  function ended(
    child: ChildProcessByStdio<null, Readable, Readable>,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve) => {
      child.on("close", (code, signal) => {
        resolve({ code, signal, stderr });
      });
    });
  }

  const trials: NodeJS.Signals[] = ["SIGKILL", "SIGKILL", "SIGKILL", "SIGTERM"];
  for (const [n, signal] of trials.entries()) {
    it(`trial ${n + 1}: ${signal} at a random point, then a rerun that converges`, async (t) => {
      t.diagnostic(`seed ${seed} (replay with SYNCED_FAULT_SEED=${seed})`);
      const counted = await writeSome();
      const state = new FileStateStore({ directory: stateDir });
      const before = (await state.getCheckpoint(KEY))?.position;
      const start = await progress();
      const point = random.int(1, counted - 1);
      const child = spawn(process.execPath, [MAIN, ...args(["--batch-size", "20", "--concurrency", "1"])], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env["PATH"] ?? "", ...serverSecrets() },
      });
      const end = ended(child);
      const midRun = await reach(child, start, point);
      if (midRun) child.kill(signal);
      const result = await end;
      t.diagnostic(
        `stopped after ${point} records: ${midRun ? signal : "the run ended first"}, exit ${String(result.code ?? result.signal)}`,
      );

      const after = (await state.getCheckpoint(KEY))?.position;
      if (signal === "SIGTERM" && midRun) {
        // Stopped at a batch boundary with exit 130, or after the last batch, then with exit 0.
        assert.ok(result.code === EXIT.interrupted || result.code === EXIT.success, result.stderr);
        if (result.code === EXIT.interrupted) assert.equal(after, before);
      }
      const coveredMs = Number((after ?? 0n) / 1000n);
      const behind = await unsynced((newest) => newest < coveredMs);
      assert.deepEqual(
        behind.map(describeDivergence),
        [],
        `seed ${seed}: the checkpoint covers records not synced`,
      );

      const rerun = await runSynced(args([]), serverSecrets());
      assert.equal(rerun.code, EXIT.success, `seed ${seed}: ${rerun.stderr}`);
      const left = await unsynced(() => true);
      assert.deepEqual(left.map(describeDivergence).slice(0, 10), [], `seed ${seed}`);
    });
  }
});
