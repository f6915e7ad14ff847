// What a measured child process reports of itself at exit (usage-preload.ts), and where: the
// environment variable must not start with SYNCED_, which synced takes as options and warns about.
import { readFile, rm } from "node:fs/promises";

export const USAGE_FILE_VARIABLE = "BENCH_USAGE_FILE";

/** A process's own resource usage over its whole life. */
export interface ProcessUsage {
  /** Peak resident set size. */
  readonly maxRssKb: number;
  /** CPU time, user plus system, of all its threads (the JIT, the GC and libuv's pool included). */
  readonly cpuMs: number;
}

/** The usage the child wrote, then the file removed; undefined when it wrote none or nonsense. */
export async function takeUsage(path: string): Promise<ProcessUsage | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  await rm(path, { force: true });
  const { maxRssKb, cpuMs } = JSON.parse(text) as Partial<ProcessUsage>;
  const valid = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n > 0;
  return valid(maxRssKb) && valid(cpuMs) ? { maxRssKb, cpuMs } : undefined;
}
