// Follows a synced started with spawnCli: waits for what it prints and for its exit, so a test acts at
// the moment the run reaches a point instead of after a sleep.
import type { ChildProcess } from "node:child_process";

export interface Watched {
  /** Resolves once stderr holds `text`, or rejects if the run exits first. */
  readonly saw: (text: string) => Promise<void>;
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** What the run printed on stderr so far. */
  readonly stderr: () => string;
}

/** Follows a running synced: its output so far, and whether it printed something yet. */
export function watch(child: ChildProcess): Watched {
  let stdout = "";
  let stderr = "";
  const waiting: { text: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiting]) {
      if (stderr.includes(w.text)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => {
      for (const w of waiting.splice(0)) {
        w.reject(new Error(`synced exited (${String(code)}) before printing '${w.text}':\n${stderr}`));
      }
      resolve({ code, stdout, stderr });
    });
  });
  return {
    saw: (text) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ text, resolve, reject });
        check();
      }),
    exited,
    stderr: () => stderr,
  };
}
