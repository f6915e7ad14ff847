// `mkdir -p` without Node's recursive mkdir, which never settles where a parent refuses new entries
// without saying so (it retries forever under /proc, for example). This walks up once, then creates
// each missing level once, so every failure comes back as an error.
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Whether it made any directory: one made is on disk once its parent is flushed. */
export async function makeDirectory(path: string): Promise<boolean> {
  const missing: string[] = [];
  for (let current = resolve(path); ;) {
    try {
      if ((await stat(current)).isDirectory()) break;
      throw new Error(`${current} exists and is not a directory`);
    } catch (error) {
      if (codeOf(error) !== "ENOENT") throw error;
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const directory of missing.reverse()) {
    try {
      await mkdir(directory);
    } catch (error) {
      // Another process may have created it in the meantime, which is as good.
      if (codeOf(error) !== "EEXIST") throw error;
    }
  }
  return missing.length > 0;
}
