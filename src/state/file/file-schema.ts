// The directory layout of the file backend, and the few file operations it is built on.
//
//   <root>/<key>/checkpoint.json       {"version":1,"key","position","updatedAt","runId"}
//
// "version" is the state format (state-format.ts): a file of a later one is refused, not misread.
//   <root>/<key>/lease/<n>.json        generation n of the lease: {"version":1,"state":"held"|"released",...}
//   <root>/<key>/runs/<ms>-<run>.json  one finished run; names sort by finish time, then run id
//
// Every file is complete the moment it appears under its name: it is written to a temporary file,
// flushed, then renamed over the target (replace) or hard-linked to it (create only if absent). Files
// are created readable by their owner only (0600), and none is read through a symbolic link.
import { randomBytes, createHash } from "node:crypto";
import { constants } from "node:fs";
import { link, open, rename, rm, type FileHandle } from "node:fs/promises";
import { readRegularFile } from "../../util/regular-file.js";
import { dirname, join } from "node:path";
import type { RunRecord } from "../state-store.js";
import type { RecordSource } from "../state-json.js";
import { CorruptStateError } from "../state-errors.js";
import { jsonSyntaxProblem } from "../../core/json-syntax.js";
import { validateStateKey } from "../state-key.js";
import { checkStateFormat, STATE_FORMAT } from "../state-format.js";

export const FILE_FORMAT_VERSION = STATE_FORMAT;

export function keyDirectory(root: string, key: string): string {
  return join(root, validateStateKey(key));
}

export function checkpointFile(root: string, key: string): string {
  return join(keyDirectory(root, key), "checkpoint.json");
}

export function leaseDirectory(root: string, key: string): string {
  return join(keyDirectory(root, key), "lease");
}

export function runsDirectory(root: string, key: string): string {
  return join(keyDirectory(root, key), "runs");
}

export const RUN_FILE = /^\d{15}-[A-Za-z0-9._-]+\.json$/;

/** Fixed-width milliseconds first, so that sorting the names sorts the runs. */
export function runFileName(run: RunRecord): string {
  const id = /^[A-Za-z0-9._-]{1,100}$/.test(run.runId)
    ? run.runId
    : createHash("sha256").update(run.runId).digest("hex").slice(0, 16);
  return `${String(Math.max(0, run.finishedAt.getTime())).padStart(15, "0")}-${id}.json`;
}

export function toFileText(record: Record<string, unknown>): string {
  return `${JSON.stringify({ version: FILE_FORMAT_VERSION, ...record }, null, 2)}\n`;
}

/** The parsed JSON of a file, or undefined if there is no such file. */
export async function readJsonFile(path: string, remedy: string): Promise<unknown> {
  let text: string;
  try {
    text = await readRegularFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const source: RecordSource = { location: path, remedy };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problem =
      text.trim() === "" ? "the file is empty" : `it is not valid JSON (${jsonSyntaxProblem(error, text)})`;
    throw new CorruptStateError(source.location, problem, remedy, { cause: error });
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > FILE_FORMAT_VERSION) checkStateFormat(version, path, remedy);
  if (version !== FILE_FORMAT_VERSION) {
    const found = version === undefined ? "none" : JSON.stringify(version);
    const problem = `expected "version": ${FILE_FORMAT_VERSION}, found ${found}`;
    throw new CorruptStateError(source.location, problem, remedy);
  }
  return value;
}

/**
 * Replaces `path` atomically, so a reader sees the old content or the new, never a mix, and on disk
 * before it returns: the rename is a change of the directory, which a machine that stops before the
 * file system gets to it loses, coming back with the old file (a checkpoint that moved, back where it
 * was).
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temp = await writeTemporary(path, text, true);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await flushDirectory(dirname(path));
}

/**
 * Creates `path` with `text` only if nothing is there yet; false if something was. `flush: false`
 * leaves the text unflushed, for a file whose creation is all that matters after a crash (a lock).
 */
export async function createFileExclusively(
  path: string,
  text: string,
  { flush = true }: { readonly flush?: boolean } = {},
): Promise<boolean> {
  const temp = await writeTemporary(path, text, flush);
  try {
    // link, unlike open with `wx`, never shows other processes a file whose content is not written yet.
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

function writeTemporary(path: string, text: string, flush: boolean): Promise<string> {
  return writeTemporaryWith(path, (handle) => handle.writeFile(text, "utf8"), flush);
}

/**
 * A new file beside `path`, written by `write` and flushed to disk, for a writer that renames it over
 * `path` once it is whole; its path. Removed again if `write` fails.
 */
export async function writeTemporaryWith(
  path: string,
  write: (handle: FileHandle) => Promise<void>,
  flush = true,
): Promise<string> {
  const temp = join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
  // Exclusive, so never through a link, and readable by the owner only: renamed or linked, it becomes
  // the state file, and a dead-letter file holds whole records.
  const handle = await open(temp, "wx", 0o600);
  try {
    await write(handle);
    // Without this a crash soon after the rename can leave an empty checkpoint behind.
    if (flush) await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

/**
 * Flushes `directory`'s entries to disk: a file created, linked or renamed there is otherwise on disk
 * only once the file system gets to it, and a machine that stops first may come back without it. A file
 * system that cannot flush a directory (EINVAL) keeps its entries by other means.
 */
export async function flushDirectory(directory: string): Promise<void> {
  const handle = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EINVAL") throw error;
  } finally {
    await handle.close();
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}
