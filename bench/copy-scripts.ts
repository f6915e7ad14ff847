// Runs the copy scripts a user would write instead of synced (copy-to-elasticsearch.ts,
// copy-to-cassandra.ts), each as its own node process measured as synced's own run is: wall time from
// spawn to exit, CPU time and peak RSS from the process itself (child.ts).
import { join } from "node:path";
import { runMeasured } from "./child.js";
import type { Workspace } from "./workspace.js";

export type CopyScript = "copy-to-elasticsearch" | "copy-to-cassandra";

/** What a user would call each script, for the report. */
export const SCRIPT_DESCRIPTIONS: Record<CopyScript, string> = {
  "copy-to-elasticsearch": "a cassandra-driver stream into the bulk helper",
  "copy-to-cassandra": "a point-in-time scan into executeConcurrent",
};

/** One measured process that copied `records` records. */
export interface ProcessRun {
  readonly records: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

let runs = 0;

/** Runs the script with its arguments; throws with its output unless it copied `expected` records. */
export async function runCopyScript(
  script: CopyScript,
  args: readonly string[],
  expected: number,
  context: {
    readonly workspace: Workspace;
    readonly timeoutMs: number;
    readonly signal: AbortSignal;
    /** A directory for a CPU profile of the script, or undefined for none. */
    readonly profile?: string | undefined;
  },
): Promise<ProcessRun> {
  context.signal.throwIfAborted();
  const usageFile = join(context.workspace.stateDirectory, `${script}-${++runs}.usage.json`);
  const file = join("dist", "bench", `${script}.js`);
  // Profiled as synced's runs are, so that the two profiles can be read side by side.
  const profile = context.profile === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", context.profile];
  const exit = await runMeasured(
    profile,
    [file, ...args],
    process.env,
    usageFile,
    context.timeoutMs,
    context.signal,
  );
  context.signal.throwIfAborted();
  const failed = (why: string): Error =>
    new Error(
      `${script} ${why} (exit ${exit.code ?? exit.signal ?? "?"}).\n` +
        `command: node ${file} ${args.join(" ")}\nstdout:\n${exit.stdout}\nstderr (end):\n${exit.stderr}`,
    );
  if (exit.code !== 0) throw failed(exit.wallMs >= context.timeoutMs ? "timed out" : "failed");
  let count: unknown;
  try {
    count = (JSON.parse(exit.stdout) as { count?: unknown }).count;
  } catch {
    throw failed("printed no count");
  }
  if (count !== expected) throw failed(`copied ${String(count)} records where ${expected} were expected`);
  if (exit.usage === undefined) throw failed("left no resource usage");
  return { records: expected, wallMs: exit.wallMs, cpuMs: exit.usage.cpuMs, maxRssKb: exit.usage.maxRssKb };
}
