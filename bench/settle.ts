// Waits, within a bound, for the machine to go quiet before a timed step. A load leaves the servers
// busy for a while after it returns (memtable flushes, compaction, segment merges), and on two shared
// cores that work would be charged to whatever is timed next: a tuning trial, a raw load, a synced run.
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/** Quiet means under this share of all cores busy over one window. */
const QUIET_BELOW = 0.25;
const WINDOW_MS = 500;
const MAX_WAIT_MS = 10_000;

export interface Settled {
  readonly waitedMs: number;
  /** The busy share of the last window, 0 to 1. */
  readonly busy: number;
  readonly quiet: boolean;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const used = times.user + times.nice + times.sys + times.irq;
    busy += used;
    total += used + times.idle;
  }
  return { busy, total };
}

export async function settle(): Promise<Settled> {
  const started = performance.now();
  let busy = 1;
  // Bounded by MAX_WAIT_MS; a machine that never goes quiet is reported, not waited on forever.
  while (performance.now() - started < MAX_WAIT_MS) {
    const before = cpuTimes();
    await sleep(WINDOW_MS);
    const after = cpuTimes();
    busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (busy < QUIET_BELOW) break;
  }
  return { waitedMs: performance.now() - started, busy, quiet: busy < QUIET_BELOW };
}

export const SETTLE_RULE =
  `each timed step starts once all cores were under ${QUIET_BELOW * 100} % busy for ` +
  `${WINDOW_MS} ms (waiting at most ${MAX_WAIT_MS / 1000} s)`;
