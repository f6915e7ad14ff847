// SIGTERM and SIGINT end synced with 130 whenever they come, from the moment its code runs: while its
// modules load (a second or more on a busy machine), while it reads its options, and once the run
// has begun. The real command, against the real servers, stopped at each moment a few times over.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

const TRIES = 3;

/** The process's own name in /proc (its title's first 15 bytes), or undefined once it is gone. */
async function processName(pid: number): Promise<string | undefined> {
  return (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => undefined))?.trim();
}

/** CPU time the process has used, in clock ticks (1/100 s on Linux), or undefined once it is gone. */
async function cpuTicks(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

interface Watched {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
  readonly firstOutput: Promise<void>;
}

function watch(child: ChildProcess): Watched {
  let stderr = "";
  const firstOutput = new Promise<void>((resolve) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      resolve();
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      resolve({ code, signal });
    });
  });
  return { child, exited, stderr: () => stderr, firstOutput };
}

/** Polls /proc (every millisecond, not a guess at how long something takes) until `holds` is true. */
async function until(pid: number, holds: () => Promise<boolean>, what: string): Promise<void> {
  for (;;) {
    if (await holds()) return;
    if ((await processName(pid)) === undefined) assert.fail(`synced ended before ${what}`);
    await delay(1);
  }
}

describe("a signal at any moment of synced's start", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("signals");
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.t (id uuid PRIMARY KEY, tmstmp timestamp, v int)`);
  });
  after(() => h.cleanup());

  const moments: { name: string; signal: NodeJS.Signals; reached: (w: Watched) => Promise<void> }[] = [
    {
      // The earliest moment synced's code controls: before it, Node itself is still starting.
      name: "as soon as the process calls itself synced",
      signal: "SIGTERM",
      reached: (w) =>
        until(
          w.child.pid ?? 0,
          async () => (await processName(w.child.pid ?? 0))?.startsWith("synced") === true,
          "naming itself",
        ),
    },
    {
      name: "as soon as the process calls itself synced (SIGINT)",
      signal: "SIGINT",
      reached: (w) =>
        until(
          w.child.pid ?? 0,
          async () => (await processName(w.child.pid ?? 0))?.startsWith("synced") === true,
          "naming itself",
        ),
    },
    {
      // Starting Node takes well under 0.15 s of CPU, loading synced's modules several times that.
      name: "while its modules load, 0.3 s of CPU after it started",
      signal: "SIGTERM",
      reached: (w) =>
        until(
          w.child.pid ?? 0,
          async () => ((await cpuTicks(w.child.pid ?? 0)) ?? 0) >= 30,
          "using 0.3 s of CPU",
        ),
    },
    {
      name: "at its first line of output, as the run begins",
      signal: "SIGTERM",
      reached: (w) => w.firstOutput,
    },
  ];

  for (const moment of moments) {
    it(`exits 130 on ${moment.signal} ${moment.name}, every time`, async () => {
      for (let attempt = 1; attempt <= TRIES; attempt++) {
        const w = watch(h.spawnCli([...h.baseArgs(), "--name", `signals-${attempt}`]));
        await moment.reached(w);
        w.child.kill(moment.signal);
        const { code, signal } = await w.exited;
        assert.deepEqual(
          { code, signal },
          { code: EXIT.interrupted, signal: null },
          `try ${attempt}: ${w.stderr()}`,
        );
        // Told while starting, or by the run that stops.
        assert.match(w.stderr(), new RegExp(`(stopped by|received) ${moment.signal}`), `try ${attempt}`);
      }
    });
  }
});
