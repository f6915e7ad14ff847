// Runs the real synced command as a user would, a child process with the flags and environment of
// the README, and reads its JSON summary and its peak RSS. The summary's durationMs is the figure: it
// leaves out process start and connecting, as the raw loads leave out their connection setup.
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { SERVERS } from "./clients.js";
import { RSS_FILE_VARIABLE } from "./rss-file.js";
import type { Workspace } from "./workspace.js";

export type Direction = "to-es" | "to-cassandra" | "both";

export interface SyncedRun {
  /** What the run is for, in error messages. */
  readonly label: string;
  readonly workspace: Workspace;
  readonly tables: readonly string[];
  readonly direction: Direction;
  /** -b; absent: the run continues from its configuration's checkpoint (see setCheckpoint). */
  readonly begin?: string;
  readonly end?: string;
  /** --name; absent: a name of its own, so no two runs share a checkpoint. */
  readonly name?: string;
  /** --lookback; absent: synced's default. */
  readonly lookback?: string;
  /** Records the run must write; anything else means the measurement is not what it claims. */
  readonly expectWritten: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** A directory for a CPU profile of the run, or undefined for none. */
  readonly profile?: string | undefined;
}

export interface SyncedResult {
  readonly durationMs: number;
  readonly written: number;
  readonly scanned: number;
  readonly maxRssKb: number;
  /** Process start to exit, connection setup included; for reference only. */
  readonly wallMs: number;
}

const here = fileURLToPath(new URL(".", import.meta.url));
/** The repository root: this file runs as dist/bench/run-synced.js. */
export const REPO_ROOT = join(here, "..", "..");
const CLI = join("dist", "src", "cli", "main.js");
const PRELOAD = pathToFileURL(join(here, "rss-preload.js")).href;
/** stderr (JSON logs) kept for an error message: the end of it says what went wrong. */
const STDERR_TAIL = 16 * 1024;

let runs = 0;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    // SIGTERM lets synced stop after its batch and release its lease, as it would for a user.
    const stop = (): void => {
      child.kill("SIGTERM");
    };
    const timer = setTimeout(stop, timeoutMs);
    signal.addEventListener("abort", stop, { once: true });
    child.on("error", (error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
      reject(error);
    });
    child.on("close", (code, exitSignal) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
      resolve({ code, signal: exitSignal, stdout, stderr });
    });
  });
}

interface Summary {
  readonly outcome: string;
  readonly durationMs: number;
  readonly written: number;
  readonly scanned: number;
}

function parseSummary(stdout: string): Summary | undefined {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (typeof document !== "object" || document === null) return undefined;
  const { outcome, durationMs, totals } = document as Record<string, unknown>;
  if (typeof totals !== "object" || totals === null) return undefined;
  const { written, scanned } = totals as Record<string, unknown>;
  if (
    typeof outcome !== "string" ||
    typeof durationMs !== "number" ||
    typeof written !== "number" ||
    typeof scanned !== "number"
  ) {
    return undefined;
  }
  return { outcome, durationMs, written, scanned };
}

/** The configuration's flags every synced command of a run takes. */
function commonFlags(workspace: Workspace, name: string): string[] {
  return [
    ...["-k", workspace.name, "-i", workspace.name, "--state", workspace.stateDirectory, "--name", name],
    ...["--cassandra-username", SERVERS.cassandraUsername, "--es-username", SERVERS.elasticsearchUsername],
  ];
}

function childEnv(): NodeJS.ProcessEnv {
  // synced reads every SYNCED_* variable as an option (and warns about unknown ones), so none of the
  // caller's reach it: every run uses synced's defaults and only the flags given.
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("SYNCED_"));
  return {
    ...Object.fromEntries(inherited),
    SYNCED_CASSANDRA_PASSWORD: SERVERS.cassandraPassword,
    SYNCED_ES_PASSWORD: SERVERS.elasticsearchPassword,
  };
}

/** `synced state set`: the configuration `name` continues from `to` at its next run. */
export async function setCheckpoint(
  workspace: Workspace,
  name: string,
  to: string,
  signal: AbortSignal,
): Promise<void> {
  const args = [CLI, "state", "set", ...commonFlags(workspace, name), "--to", to, "--yes"];
  const exit = await runChild(args, childEnv(), 60_000, signal);
  if (exit.code !== 0) {
    throw new Error(
      `synced state set for ${name} exited ${exit.code ?? exit.signal ?? "?"}:\n${exit.stderr}`,
    );
  }
}

/** One synced run; throws with its output when it did not succeed or wrote other than expected. */
export async function runSynced(run: SyncedRun): Promise<SyncedResult> {
  run.signal.throwIfAborted();
  runs++;
  const name = run.name ?? `${run.workspace.name}-run${runs}`;
  const rssFile = join(run.workspace.stateDirectory, `${name}-${runs}.maxrss`);
  const args = [
    ...(run.profile === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", run.profile]),
    "--import",
    PRELOAD,
    CLI,
    ...commonFlags(run.workspace, name),
    ...["--tables", run.tables.join(","), "--direction", run.direction, "--lag", "0s", "--json"],
    ...(run.begin === undefined ? [] : ["-b", run.begin]),
    ...(run.end === undefined ? [] : ["-e", run.end]),
    ...(run.lookback === undefined ? [] : ["--lookback", run.lookback]),
  ];
  const env = { ...childEnv(), [RSS_FILE_VARIABLE]: rssFile };
  const started = performance.now();
  const exit = await runChild(args, env, run.timeoutMs, run.signal);
  const wallMs = performance.now() - started;
  const summary = parseSummary(exit.stdout);
  const failed = (why: string): Error =>
    new Error(
      `synced run for ${run.label} ${why} (exit ${exit.code ?? exit.signal ?? "?"}).\n` +
        `command: node ${args.join(" ")}\nstdout:\n${exit.stdout.slice(0, 4000)}\nstderr (end):\n${exit.stderr}`,
    );
  run.signal.throwIfAborted();
  if (!summary)
    throw failed(wallMs >= run.timeoutMs ? `timed out after ${run.timeoutMs} ms` : "printed no summary");
  if (summary.outcome !== "success") throw failed(`ended with outcome '${summary.outcome}'`);
  if (exit.code !== 0) throw failed("exited with an error");
  if (summary.written !== run.expectWritten) {
    throw failed(`wrote ${summary.written} records where ${run.expectWritten} were expected`);
  }
  const rss = Number((await readFile(rssFile, "utf8")).trim());
  await rm(rssFile, { force: true });
  if (!Number.isFinite(rss) || rss <= 0) throw failed("left no peak RSS");
  return {
    durationMs: summary.durationMs,
    written: summary.written,
    scanned: summary.scanned,
    maxRssKb: rss,
    wallMs,
  };
}
