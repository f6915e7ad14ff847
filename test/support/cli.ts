// Runs the real synced command as a child process, as a user or a CronJob would.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

/** A line of a V8 stack trace: `    at fn (file.js:1:2)`. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/**
 * Runs `synced args` with only PATH and `env` in its environment. Rejects when synced prints a stack
 * trace, which it does only for a bug: no test expects one. A run that outlasts `timeoutMs` is killed
 * with SIGKILL, which it cannot ignore, so a hanging synced fails its test instead of hanging it.
 */
export function runSynced(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env["PATH"] ?? "", ...env }, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (error?.killed === true) {
          reject(new Error(`synced did not end within ${timeoutMs} ms and was killed:\n${stderr}`));
          return;
        }
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        if (STACK_FRAME.test(stderr)) {
          reject(new Error(`synced printed a stack trace (exit ${code}):\n${stderr}`));
          return;
        }
        resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
      },
    );
  });
}
