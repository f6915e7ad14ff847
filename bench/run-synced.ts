// Runs the real synced command as a user would, a child process with the flags and environment of
// the README, and reads its JSON summary, its peak RSS and its CPU time. The summary's durationMs is
// the figure: it leaves out process start and connecting, as the raw loads leave out their connection
// setup. The whole process's wall and CPU time are what the copy scripts are compared with
// (yardstick.ts), as a user waits for and pays for both.
import { join } from "node:path";
import { runChild, runMeasured } from "./child.js";
import { SERVERS } from "./clients.js";
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
  /** Process start to exit, connection setup included: what the copy scripts are compared with. */
  readonly wallMs: number;
  /** The process's CPU time, user plus system, over its whole life. */
  readonly cpuMs: number;
}

const CLI = join("dist", "src", "cli", "main.js");

let runs = 0;

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
  const usageFile = join(run.workspace.stateDirectory, `${name}-${runs}.usage.json`);
  const args = [
    CLI,
    ...commonFlags(run.workspace, name),
    ...["--tables", run.tables.join(","), "--direction", run.direction, "--lag", "0s", "--json"],
    ...(run.begin === undefined ? [] : ["-b", run.begin]),
    ...(run.end === undefined ? [] : ["-e", run.end]),
    ...(run.lookback === undefined ? [] : ["--lookback", run.lookback]),
  ];
  const profile = run.profile === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", run.profile];
  const exit = await runMeasured(profile, args, childEnv(), usageFile, run.timeoutMs, run.signal);
  const summary = parseSummary(exit.stdout);
  const failed = (why: string): Error =>
    new Error(
      `synced run for ${run.label} ${why} (exit ${exit.code ?? exit.signal ?? "?"}).\n` +
        `command: node ${args.join(" ")}\nstdout:\n${exit.stdout.slice(0, 4000)}\nstderr (end):\n${exit.stderr}`,
    );
  run.signal.throwIfAborted();
  if (!summary)
    throw failed(exit.wallMs >= run.timeoutMs ? `timed out after ${run.timeoutMs} ms` : "printed no summary");
  if (summary.outcome !== "success") throw failed(`ended with outcome '${summary.outcome}'`);
  if (exit.code !== 0) throw failed("exited with an error");
  if (summary.written !== run.expectWritten) {
    throw failed(`wrote ${summary.written} records where ${run.expectWritten} were expected`);
  }
  if (exit.usage === undefined) throw failed("left no resource usage");
  return {
    durationMs: summary.durationMs,
    written: summary.written,
    scanned: summary.scanned,
    maxRssKb: exit.usage.maxRssKb,
    wallMs: exit.wallMs,
    cpuMs: exit.usage.cpuMs,
  };
}
