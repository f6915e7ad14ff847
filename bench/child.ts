// Runs a node child process of the benchmark (synced, or a copy script) from the repository root,
// keeps its output, stops it on a timeout or an interrupt, and measures it: its wall time from spawn
// to exit, and the resource usage it reports of itself through the preloaded usage-preload.ts.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { takeUsage, USAGE_FILE_VARIABLE, type ProcessUsage } from "./usage-file.js";

const here = fileURLToPath(new URL(".", import.meta.url));
/** The repository root: this file runs as dist/bench/child.js. */
export const REPO_ROOT = join(here, "..", "..");
const PRELOAD = pathToFileURL(join(here, "usage-preload.js")).href;
/** stderr kept for an error message: the end of it says what went wrong. */
const STDERR_TAIL = 16 * 1024;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MeasuredExit extends Exit {
  /** Spawn to exit: process start, module loading and connecting included, as a user waits. */
  readonly wallMs: number;
  /** Undefined when the process wrote none (killed, or died before its exit listeners ran). */
  readonly usage: ProcessUsage | undefined;
}

/** `node args` in the repository root; resolves with the exit, whatever it was. */
export function runChild(
  args: readonly string[],
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

/**
 * `node [nodeFlags] --import usage-preload args`, timed; `usageFile` is where the child writes its
 * usage (a path of its own per run), read and removed here.
 */
export async function runMeasured(
  nodeFlags: readonly string[],
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  usageFile: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<MeasuredExit> {
  const started = performance.now();
  const exit = await runChild(
    [...nodeFlags, "--import", PRELOAD, ...args],
    { ...env, [USAGE_FILE_VARIABLE]: usageFile },
    timeoutMs,
    signal,
  );
  const wallMs = performance.now() - started;
  return { ...exit, wallMs, usage: await takeUsage(usageFile) };
}
