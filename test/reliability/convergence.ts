// The convergence checker: seeded writers change both stores of two worlds (one per layout, both
// table shapes in each) while synced runs again and again over them (incremental runs in each
// direction, overlapping backfills, one under its own name so two runs write at once). Some writers
// stamp records minutes in the past, as a slow or backdated writer would. When the writers stop, a
// final incremental run (from its checkpoint, with its look-back window: no backfill) must bring every
// record on both stores to the oracle's winner, and a second one must find nothing left to write.
import { spawn } from "node:child_process";
import { setTimeout as delay } from "node:timers/promises";
import type { SearchFixture } from "../support/search-fixture.js";
import type cassandra from "cassandra-driver";
import { MAIN, runSynced, type CliResult } from "../support/cli.js";
import { serverArgs, serverSecrets } from "../support/servers.js";
import { ConvergenceWorld, SIDES, TABLES, type Layout, type Side, type Table } from "./convergence-world.js";
import { Oracle, type Divergence, type Value } from "./oracle.js";
import { SeededRandom } from "./seeded-random.js";

export interface ConvergenceOptions {
  readonly seed: number;
  /** A prefix unique to this check, for keyspaces and indices. */
  readonly name: string;
  readonly idsPerTable: number;
  readonly operations: number;
  readonly writers: number;
  /** About how long the writers take; synced runs until they are done. */
  readonly durationMs: number;
  readonly stateDir: string;
  /** Also stop some runs with SIGKILL or SIGTERM at a random moment, as a crash or an eviction would. */
  readonly faults?: boolean;
  readonly cassandra: cassandra.Client;
  readonly es: SearchFixture;
  readonly log: (line: string) => void;
}

export interface ConvergenceReport {
  readonly seed: number;
  readonly operations: number;
  readonly records: number;
  /** synced runs during the writes, by what they ended with ("SIGKILL" and "SIGTERM" for faults). */
  readonly runs: Readonly<Record<string, number>>;
  /** Runs that ended in a way no run should: their exit code and the end of their output. */
  readonly failures: readonly string[];
  readonly divergences: readonly Divergence[];
  /** What the second final run still wrote: anything but 0 means the first did not converge. */
  readonly writtenByRerun: number;
  /** Late records the runs' look-back windows found (the final run's included). */
  readonly late: number;
  readonly durationMs: number;
}

const LAYOUTS: readonly Layout[] = ["index-per-table", "type-field"];
const FAULTS: readonly NodeJS.Signals[] = ["SIGKILL", "SIGTERM"];

interface Fault {
  readonly signal: NodeJS.Signals;
  readonly afterMs: number;
}

interface RunResult extends CliResult {
  /** Whether the fault's signal was sent before the run ended. */
  readonly signalled: boolean;
}

/** A random UUID from the seeded generator, so a replay writes the same ids. */
function seededUuid(random: SeededRandom): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[random.int(0, 3)] ?? "8";
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

interface Target {
  readonly world: ConvergenceWorld;
  readonly table: Table;
  readonly id: string;
  readonly record: string;
}

export class ConvergenceCheck {
  private readonly oracle = new Oracle();
  private readonly worlds: ConvergenceWorld[];
  private readonly runs: Record<string, number> = {};
  private readonly failures: string[] = [];
  private writing = true;
  private late = 0;

  constructor(private readonly options: ConvergenceOptions) {
    this.worlds = LAYOUTS.map(
      (layout, i) => new ConvergenceWorld(`${options.name}_${i}`, layout, options.cassandra, options.es),
    );
  }

  async run(): Promise<ConvergenceReport> {
    const started = Date.now();
    const { options } = this;
    const random = new SeededRandom(options.seed);
    for (const world of this.worlds) await world.create();
    try {
      // A first run creates the indices (and the alias or the shared index) from the tables.
      for (const world of this.worlds) await this.expectClean(await this.synced(world, ["-b", "0"]), "setup");
      const targets = this.worlds.flatMap((world) =>
        TABLES.flatMap((table) =>
          Array.from({ length: options.idsPerTable }, () => {
            const id = seededUuid(random);
            return { world, table, id, record: `${world.name}/${table}/${id}` };
          }),
        ),
      );
      // Each record belongs to one writer, so its writes to one store arrive in the order made.
      const writers = Array.from({ length: options.writers }, (_, w) => ({
        random: new SeededRandom(options.seed + w + 1),
        targets: targets.filter((_, i) => i % options.writers === w),
      }));
      const perWriter = Math.ceil(options.operations / options.writers);
      const pauseMs = options.durationMs / perWriter;
      const writing = Promise.all(
        writers.map((w) => this.write(w.random, w.targets, perWriter, pauseMs)),
      ).finally(() => {
        this.writing = false;
      });
      const running = [0, 1].map((runner) =>
        this.keepRunning(new SeededRandom(options.seed * 31 + runner), runner),
      );
      await Promise.all([writing, ...running]);
      return await this.finish(started);
    } finally {
      for (const world of this.worlds) await world.drop().catch(() => undefined);
    }
  }

  private async write(
    random: SeededRandom,
    targets: readonly Target[],
    count: number,
    pauseMs: number,
  ): Promise<void> {
    for (let n = 0; n < count; n++) {
      const target = random.pick(targets);
      const side: Side = random.pick(SIDES);
      const roll = random.next();
      let wanted = Date.now();
      const newest = this.oracle.newest(target.record);
      if (roll < 0.05) {
        // Late: stamped when a slow request began, or by a clock minutes behind, so it becomes
        // visible dated before checkpoints already passed. The look-back window (10 minutes) covers it.
        wanted -= random.int(60_000, 300_000);
      } else if (roll < 0.2) {
        // Out of order: a writer whose clock is behind, or a write that was delayed.
        wanted -= random.int(200, 4000);
      } else if (roll < 0.3 && target.table === "latest" && newest !== undefined) {
        // The same instant as the newest write, with other content: a tie.
        wanted = newest;
      }
      const value: Value = {
        tmstmp: this.oracle.timestampFor(target.record, side, wanted),
        v: random.int(0, 1_000_000),
        deleted: random.chance(0.1),
      };
      await target.world.write(target.table, target.id, side, value);
      this.oracle.write(target.record, side, value);
      await delay(random.int(0, Math.ceil(2 * pauseMs)));
    }
  }

  /** synced, again and again, until the writers are done. */
  private async keepRunning(random: SeededRandom, runner: number): Promise<void> {
    while (this.writing) {
      const world = random.pick(this.worlds);
      const now = Date.now();
      const mode = random.int(0, runner === 0 ? 2 : 4);
      const tuning = [
        "--batch-size",
        String(random.pick([7, 50, 500])),
        "--splits",
        String(random.pick([1, 4])),
      ];
      const extra: string[][] = [
        ["--lag", "2s"],
        ["--lag", "2s", "--direction", "to-es"],
        ["--lag", "2s", "--direction", "to-cassandra"],
        [
          "-b",
          new Date(now - random.int(5_000, 30_000)).toISOString(),
          "-e",
          new Date(now - random.int(0, 4_000)).toISOString(),
        ],
        [
          "--name",
          `${world.name}-fill`,
          "-b",
          new Date(now - random.int(5_000, 60_000)).toISOString(),
          "--lag",
          "0s",
        ],
      ];
      const runArgs = [...(extra[mode] ?? []), ...tuning];
      const fault = this.options.faults === true && random.chance(0.3) ? random.pick(FAULTS) : undefined;
      const result =
        fault === undefined
          ? await this.synced(world, runArgs)
          : await this.synced(world, runArgs, { signal: fault, afterMs: random.int(200, 3000) });
      const ending = result.code === 0 ? "success" : result.code === 4 ? "lease held" : `exit ${result.code}`;
      const counted = fault !== undefined && result.signalled ? fault : ending;
      this.runs[counted] = (this.runs[counted] ?? 0) + 1;
      this.countLate(result);
      // After SIGTERM a run stops with 130, or finishes with 0 when the signal came after its last
      // batch; in the first moments, before synced handles signals, the signal ends it (143).
      const expected = [0, 4, ...(fault === "SIGTERM" && result.signalled ? [130, 143] : [])];
      if (!(fault === "SIGKILL" && result.signalled) && !expected.includes(result.code)) {
        this.failures.push(this.describe(result));
      }
    }
  }

  private async finish(started: number): Promise<ConvergenceReport> {
    for (const world of this.worlds) await world.refresh();
    let writtenByRerun = 0;
    // The configuration the runs in both directions kept, continuing from its checkpoint: what a
    // CronJob's next run does. Records that arrived late are within its look-back window.
    for (const world of this.worlds) {
      const final = await this.synced(world, ["--lag", "0s"]);
      await this.expectClean(final, "final run");
      this.countLate(final);
    }
    for (const world of this.worlds) {
      const rerun = await this.synced(world, ["--lag", "0s"]);
      await this.expectClean(rerun, "second final run");
      if (rerun.code === 0) {
        const summary = JSON.parse(rerun.stdout) as { totals: { written: number } };
        writtenByRerun += summary.totals.written;
      }
    }
    const divergences: Divergence[] = [];
    for (const world of this.worlds) {
      for (const table of TABLES) {
        const held = {
          cassandra: await world.readCassandra(table),
          es: await world.readElasticsearch(table),
        };
        const prefix = `${world.name}/${table}/`;
        const written = new Set(this.oracle.records().filter((r) => r.startsWith(prefix)));
        for (const record of written) {
          const id = record.slice(prefix.length);
          const divergence = this.oracle.check(record, {
            cassandra: held.cassandra.get(id),
            es: held.es.get(id),
          });
          if (divergence !== undefined) divergences.push(divergence);
        }
        for (const side of SIDES) {
          for (const [id, value] of held[side]) {
            if (written.has(`${prefix}${id}`)) continue;
            divergences.push({
              record: `${prefix}${id}`,
              problem: `${side} holds a record nobody wrote`,
              expected: [],
              actual: { [side]: value },
            });
          }
        }
      }
    }
    return {
      seed: this.options.seed,
      operations: this.oracle.writes,
      records: this.oracle.records().length,
      runs: { ...this.runs },
      failures: [...this.failures],
      divergences,
      writtenByRerun,
      late: this.late,
      durationMs: Date.now() - started,
    };
  }

  private countLate(result: CliResult): void {
    if (result.code !== 0) return;
    this.late += (JSON.parse(result.stdout) as { totals: { late: number } }).totals.late;
  }

  private async expectClean(result: CliResult, what: string): Promise<void> {
    if (result.code !== 0) this.failures.push(`${what}: ${this.describe(result)}`);
    return Promise.resolve();
  }

  private describe(result: CliResult): string {
    return `exit ${result.code}: ${result.stdout.slice(-600)} ${result.stderr.slice(-600)}`;
  }

  private async synced(world: ConvergenceWorld, args: readonly string[], fault?: Fault): Promise<RunResult> {
    const argv = [...world.args(), ...["--state", this.options.stateDir, "--json"], ...serverArgs(), ...args];
    const env = serverSecrets();
    if (fault === undefined) return { ...(await runSynced(argv, env)), signalled: false };
    const child = spawn(process.execPath, [MAIN, ...argv], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env["PATH"] ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const started = performance.now();
    let signalled = false;
    // The fault lands at a random moment of the run: the point of it is not to wait for anything.
    const timer = setTimeout(() => {
      signalled = child.exitCode === null && child.signalCode === null && child.kill(fault.signal);
    }, fault.afterMs);
    const code = await new Promise<number>((resolve) => {
      child.on("close", (exit, signal) => {
        resolve(exit ?? 128 + (signal === "SIGKILL" ? 9 : 15));
      });
    });
    clearTimeout(timer);
    return { code, stdout, stderr, elapsedMs: performance.now() - started, signalled };
  }
}
