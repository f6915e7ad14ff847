// Who holds a lease, as `host:pid:namespace`, and whether that holder is provably gone.
//
// A run that was killed (kill -9, an out-of-memory kill) cannot release its lease, and the next run
// would wait for it to expire. When the holder lived on this very host, in this very process
// namespace, and no process with its pid exists any more, it is dead for certain, and the lease can be
// taken over at once. Anything less certain (another host, another container, no namespace to
// compare, a pid that exists, perhaps reused) leaves the lease to expire, so two runs of one
// configuration never overlap.
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";

export interface ThisProcess {
  readonly host: string;
  readonly pid: number;
  /** The pid namespace (`/proc/self/ns/pid`), or undefined where there is none to read. */
  readonly namespace: string | undefined;
  /** Whether a process with this pid exists in this namespace. */
  readonly exists: (pid: number) => boolean;
}

export function thisProcess(): ThisProcess {
  return { host: hostname(), pid: process.pid, namespace: pidNamespace(), exists: processExists };
}

/** The holder name a run writes into its lease. */
export function holderName(me: ThisProcess = thisProcess()): string {
  const base = `${me.host}:${me.pid}`;
  return me.namespace === undefined ? base : `${base}:${me.namespace}`;
}

/** Whether `holder` names a process of this host and namespace that no longer exists. */
export function holderIsGone(holder: string, me: ThisProcess = thisProcess()): boolean {
  if (me.namespace === undefined) return false;
  const suffix = `:${me.namespace}`;
  if (!holder.endsWith(suffix)) return false;
  const hostAndPid = holder.slice(0, -suffix.length);
  const colon = hostAndPid.lastIndexOf(":");
  if (colon < 0 || hostAndPid.slice(0, colon) !== me.host) return false;
  const pidText = hostAndPid.slice(colon + 1);
  if (!/^[1-9]\d{0,9}$/.test(pidText)) return false;
  const pid = Number(pidText);
  return pid !== me.pid && !me.exists(pid);
}

function pidNamespace(): string | undefined {
  try {
    // `pid:[4026531836]`: the inode tells namespaces apart; containers on one host each have their own.
    const inode = /^pid:\[(\d+)\]$/.exec(readlinkSync("/proc/self/ns/pid"))?.[1];
    return inode === undefined ? undefined : `pidns${inode}`;
  } catch {
    return undefined;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user. Only "no such process" proves it gone.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
