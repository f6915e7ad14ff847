// Follows a synced started with spawnCli: waits for what it prints and for its exit, so a test acts at
// the moment the run reaches a point instead of after a sleep.
import type { ChildProcess } from "node:child_process";

export interface Watched {
  /**
   * Resolves once stderr holds `text`; rejects if the run exits first or, given `withinMs`, if that
   * long passes first (with what the run printed, so that a hung run says where it hangs).
   */
  readonly saw: (text: string, withinMs?: number) => Promise<void>;
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** What the run printed on stderr so far. */
  readonly stderr: () => string;
}

/** Follows a running synced: its output so far, and whether it printed something yet. */
export function watch(child: ChildProcess): Watched {
  let stdout = "";
  let stderr = "";
  const waiting: { text: string; resolve: () => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }[] =
    [];
  const check = (): void => {
    for (const w of [...waiting]) {
      if (stderr.includes(w.text)) {
        waiting.splice(waiting.indexOf(w), 1);
        clearTimeout(w.timer);
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
  // Set once the run has exited: a wait begun after that is answered at once, not at its bound.
  let closed: { code: number | null } | undefined;
  const unseen = (text: string, code: number | null): Error =>
    new Error(`synced exited (${String(code)}) before printing '${text}':\n${stderr}`);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => {
      closed = { code };
      for (const w of waiting.splice(0)) {
        clearTimeout(w.timer);
        w.reject(unseen(w.text, code));
      }
      resolve({ code, stdout, stderr });
    });
  });
  return {
    saw: (text, withinMs) =>
      new Promise<void>((resolve, reject) => {
        if (closed !== undefined) {
          if (stderr.includes(text)) resolve();
          else reject(unseen(text, closed.code));
          return;
        }
        const w: (typeof waiting)[number] = { text, resolve, reject };
        if (withinMs !== undefined) {
          w.timer = setTimeout(() => {
            waiting.splice(waiting.indexOf(w), 1);
            reject(new Error(`synced did not print '${text}' within ${withinMs} ms; it printed:\n${stderr}`));
          }, withinMs);
        }
        waiting.push(w);
        check();
      }),
    exited,
    stderr: () => stderr,
  };
}
