// Which paths a piece of work flushes to disk, read from the file handles' sync calls: a machine that
// stops keeps only what was flushed, which no read after the work can tell.
import { open, readlink } from "node:fs/promises";
import { join } from "node:path";

interface Handles {
  sync: (this: { fd: number }) => Promise<void>;
}

/** The paths flushed to disk while `work` runs, in order; `root` is a writable scratch directory. */
export async function flushedDuring(root: string, work: () => Promise<void>): Promise<string[]> {
  const probe = await open(join(root, "probe"), "w");
  const handles = Object.getPrototypeOf(probe) as Handles;
  await probe.close();
  const sync = handles.sync;
  const flushed: string[] = [];
  handles.sync = async function (this: { fd: number }) {
    flushed.push(await readlink(`/proc/self/fd/${this.fd}`));
    return sync.call(this);
  };
  try {
    await work();
  } finally {
    handles.sync = sync;
  }
  return flushed;
}
