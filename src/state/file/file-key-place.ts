// A state name's place in a state directory: the directory that holds its checkpoint, lease and runs,
// beside the `<name>.dead-letters.ndjson` file of its letters. A name can be spelt so that its place is
// another configuration's letters file: the run then stopped at its lease, after connecting, with the
// file system's ENOTDIR. It is checked before anything connects, and refused as a bad name.
import { lstat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { join } from "node:path";
import { fileKind } from "../../util/regular-file.js";
import { isValidStateKey } from "../state-key.js";

/** The name of the letters file beside a key's directory (core/state-location.ts). */
const LETTERS_SUFFIX = ".dead-letters.ndjson";

/** Why `key` cannot have its place in the state directory `root`; undefined where it can. */
export async function keyPlaceProblem(root: string, key: string): Promise<string | undefined> {
  const path = join(root, key);
  const stem = key.endsWith(LETTERS_SUFFIX) ? key.slice(0, -LETTERS_SUFFIX.length) : undefined;
  const lettersOf = stem !== undefined && isValidStateKey(stem) ? stem : undefined;
  const found = await lstatOrNothing(path);
  if (found === undefined) {
    return lettersOf === undefined
      ? undefined
      : `its directory ${path} would take the place of the dead-letter file of the state name '${lettersOf}'`;
  }
  if (found.isDirectory()) return undefined;
  const whose = lettersOf === undefined ? "" : ` (the dead-letter file of the state name '${lettersOf}')`;
  const kind = found.isFile() ? "a regular file" : fileKind(found);
  return `${path} is ${kind}${whose}, where this name keeps its checkpoint, lease and runs`;
}

/** What is at `path`, or nothing where nothing is; another failure is left to the steps that follow. */
async function lstatOrNothing(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}
