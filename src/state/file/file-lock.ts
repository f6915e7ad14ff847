// A lock file beside a file that several processes change (a --dead-letter file two configurations
// share), held from the read that decides a change until the change is in place. A rewrite renames its
// copy over the file: without the lock, what another process appended or renamed over it between the
// rewrite's check that the file had not changed and its rename went with the old file.
//
// The lock is `<file>.lock`, made whole in one step (a link to a written temporary file, so no process
// ever sees it empty), naming its holder as a lease does. Its holder renews it (its modification time)
// while it holds it. A holder of this host that is gone for certain (killed while it held the lock) is
// taken over at once, and so is a lock not renewed for LOCK_STALE_MS (a holder on another host or in
// another container, such as a CronJob's pod killed mid-change, which no process can tell alive or
// gone); any other is waited for, a bounded time, and then named in the error, with what to do.
import { randomBytes } from "node:crypto";
import { link, lstat, lutimes, rename, rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { holderIsGone, holderName, thisProcess, type ThisProcess } from "../lease-holder.js";
import { readRegularFile } from "../../util/regular-file.js";
import { createFileExclusively, isNotFound } from "./file-schema.js";

/**
 * How long a lock may go unrenewed before it is taken for its holder's: a holder renews it every
 * RENEW_MS, so only a holder gone (or stalled far longer than any change of the file takes) leaves it
 * this old.
 */
export const LOCK_STALE_MS = 30_000;
const RENEW_MS = 5_000;
/** The longest pause between two tries: a change of a small file takes a few milliseconds. */
const MOST_PAUSE_MS = 50;
/** A lock holds a holder's name and a token; a larger file at its place is none of synced's. */
const MOST_LOCK_BYTES = 4096;
/** What a holder's name looks like (`host:pid` or `host:pid:namespace`); anything else is not shown. */
const HOLDER = /^[A-Za-z0-9._-]{1,253}:\d{1,10}(?::pidns\d{1,20})?$/;

export interface LockWait {
  /** How long to wait for a holder that is alive, or may be. */
  readonly waitMs: number;
  /** Told once per wait that the lock is held by another, with what it waits for (lockWaitText). */
  readonly onBusy?: (message: string) => void;
  readonly me?: ThisProcess;
  /** How often the holder renews the lock; RENEW_MS unless a test says otherwise. */
  readonly renewMs?: number;
}

/** A lock this process holds; `release` removes it unless someone took it over meanwhile. */
export interface HeldLock {
  release(): Promise<void>;
}

export function lockPathOf(path: string): string {
  return `${path}.lock`;
}

/**
 * Takes the lock of `path`, waiting up to `wait.waitMs` for another holder to let it go. Fails with
 * an error naming the lock file and its holder when the wait is over; with ENOENT where the file's
 * directory does not exist.
 */
export async function takeFileLock(path: string, wait: LockWait): Promise<HeldLock> {
  const lock = lockPathOf(path);
  const me = wait.me ?? thisProcess();
  // Unique to this taking, so that a release never removes a lock that another took since.
  const text = `${holderName(me)}\n${randomBytes(8).toString("hex")}\n`;
  const deadline = Date.now() + wait.waitMs;
  let pause = 1;
  let told = false;
  for (;;) {
    // Unflushed: the exclusive create is the lock. Its text is read only on this machine, which sees
    // it whole; a lock a crash left empty names no holder and is taken over once unrenewed.
    if (await createFileExclusively(lock, text, { flush: false }))
      return held(lock, text, wait.renewMs ?? RENEW_MS);
    const found = await readLock(lock);
    if (found === undefined) continue;
    const holder = found.split("\n")[0] ?? "";
    if (holderIsGone(holder, me) || (await unrenewed(lock))) {
      await takeOver(lock, found);
      continue;
    }
    if (!told) {
      told = true;
      wait.onBusy?.(lockWaitText(lock, holder, wait.waitMs));
    }
    const left = deadline - Date.now();
    if (left <= 0) throw lockHeld(lock, holder, wait.waitMs);
    await delay(Math.min(pause, left));
    pause = Math.min(pause * 2, MOST_PAUSE_MS);
  }
}

async function readLock(lock: string): Promise<string | undefined> {
  try {
    // Never through a link planted at its place, nor more than a lock holds.
    return await readRegularFile(lock, { maxBytes: MOST_LOCK_BYTES });
  } catch (error) {
    // Let go between the try and the read.
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The lock taken, renewed until it is let go. */
function held(lock: string, text: string, renewMs: number): HeldLock {
  const renew = setInterval(() => {
    const now = new Date();
    // Never through a link planted at its place; a lock gone or taken over is not this process's.
    void lutimes(lock, now, now).catch(() => undefined);
  }, renewMs);
  // A lock held must not keep the process alive on its own.
  renew.unref();
  return {
    release: () => {
      clearInterval(renew);
      return release(lock, text);
    },
  };
}

/** Whether the lock has gone unrenewed for LOCK_STALE_MS; a lock let go meanwhile is not. */
async function unrenewed(lock: string): Promise<boolean> {
  try {
    return Date.now() - (await lstat(lock)).mtimeMs > LOCK_STALE_MS;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function release(lock: string, text: string): Promise<void> {
  // Taken over only if this process was judged gone, which it is not while it runs; checked all the same.
  if ((await readLock(lock)) === text) await rm(lock, { force: true });
}

/**
 * Removes the lock of a holder that is gone. Two processes may find it so at once: the lock is moved
 * aside first, and one that another process took meanwhile is put back, so neither removes the other's.
 */
async function takeOver(lock: string, stale: string): Promise<void> {
  const aside = `${lock}.${randomBytes(6).toString("hex")}.gone`;
  try {
    await rename(lock, aside);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  try {
    // Removed as a leftover meanwhile (file-leftovers.ts): only a lock unrenewed for an hour is, and
    // that is the stale one.
    const moved = await readRegularFile(aside, { maxBytes: MOST_LOCK_BYTES }).catch((error: unknown) => {
      if (isNotFound(error)) return stale;
      throw error;
    });
    if (moved === stale) return;
    await link(aside, lock).catch((error: unknown) => {
      // A third process took the lock between the move and the check, and both it and the holder
      // put aside believe they hold it. That needs a holder killed while it held the lock and three
      // processes at that very moment; the third's lock is left in place.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    });
  } finally {
    await rm(aside, { force: true });
  }
}

// The file may be none of synced's: what it holds is shown only where it reads as a holder's name.
const holderText = (holder: string): string =>
  HOLDER.test(holder) ? holder : "something that names no synced process";

/**
 * What a change waiting for the lock tells its log: a holder in another pod killed mid-change leaves
 * the lock until it is stale, and the run would otherwise stand still without a word until then.
 */
function lockWaitText(lock: string, holder: string, waitMs: number): string {
  return (
    `waiting up to ${Math.ceil(waitMs / 1000)} s for ${lock}, held by ${holderText(holder)}: another ` +
    "synced writing the same dead-letter file, or one killed while it did, whose lock is taken over " +
    `once it has gone unrenewed for ${LOCK_STALE_MS / 1000} s`
  );
}

function lockHeld(lock: string, holder: string, waitMs: number): Error {
  const by = holderText(holder);
  return new Error(
    `${lock} is held by ${by} and was not let go within ${waitMs} ms ` +
      "(another synced writing the same dead-letter file; a lock its holder stopped renewing is taken " +
      `over once ${LOCK_STALE_MS / 1000} s old); if no synced process writes this file, delete ${lock}`,
  );
}
