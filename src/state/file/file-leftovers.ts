// Temporary files a killed process left. Every state or letters file is written to `.<hex>.tmp`
// beside it and renamed over it (file-schema.ts); a `kill -9` between the two leaves the copy, and a
// letters copy holds every letter. A lock a takeover moved aside (`<file>.lock.<hex>.gone`,
// file-lock.ts) stays the same way after a kill between the move and its removal. Nothing else would
// ever remove them, so each such kill grew the directory. A copy is removed only once no writer can
// still rename it: it is of synced's own naming, a regular file (never a link), and untouched for
// LEFTOVER_AGE_MS. Another configuration sharing the directory may be writing its own copy right now;
// its copy is fresh, written a chunk at a time and renamed within one state operation
// (--state-timeout), so it stays.
import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { isNotFound } from "./file-schema.js";

/** How long a temporary file must have gone unwritten to be a leftover: far beyond any write. */
export const LEFTOVER_AGE_MS = 60 * 60_000;

/**
 * The names `writeTemporaryWith` gives its files, and the start-up checks their empty probes that a
 * directory takes a new file (`.probe-<hex>.tmp`), which a kill between making and removing leaves.
 */
const TEMPORARY = /^\.(?:probe-)?[0-9a-f]{12}\.tmp$/;
/**
 * A lock a takeover moved aside (file-lock.ts), which a kill between the move and its removal leaves.
 * Its time is its holder's last renewal, so an old one is a stale lock: a takeover of it that meets
 * it removed here has lost nothing.
 */
const LOCK_ASIDE = /^.+\.lock\.[0-9a-f]{12}\.gone$/;

/**
 * Removes the leftovers in `directory`; a missing directory has none. A leftover another process
 * removed first is passed over. Returns how many this call removed.
 */
export async function removeLeftovers(directory: string, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isNotFound(error)) return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    if (!TEMPORARY.test(name) && !LOCK_ASIDE.test(name)) continue;
    const path = join(directory, name);
    try {
      const found = await lstat(path);
      if (!found.isFile() || now - found.mtimeMs < LEFTOVER_AGE_MS) continue;
      await rm(path);
      removed++;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return removed;
}
