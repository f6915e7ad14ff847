// Dead letters in a local NDJSON file, beside the state by default: one line per letter, so the file
// can be read with any JSON tool. A new letter is appended. A letter put again (a record that every
// run meets until it is fixed, or that a replay fails again) replaces its line: the file is copied
// into a temporary file without the old line, the new one is added, and the copy is renamed over the
// file, so a crash leaves the old file or the new one, never a mix. Removing letters rewrites it the
// same way. Every operation reads the file a chunk at a time and keeps in memory only which line holds
// which letter, never the letters, so a large file costs time, not memory.
//
// A file of an earlier version may hold one letter on several lines (the last one counts) and end in
// a line that a crash cut short (passed over: the run writing it had not moved its checkpoint, so it
// meets the record again); the next rewrite drops both.
import { dirname } from "node:path";
import { rename, rm, stat, type FileHandle } from "node:fs/promises";
import { parseJsonLossless, stableStringify } from "../../core/canonical-json.js";
import { jsonSyntaxProblem } from "../../core/json-syntax.js";
import { mayHoldInexactNumber } from "../../core/number-literal.js";
import { inStateStore, CorruptStateError } from "../state-errors.js";
import { isJsonObject } from "../state-json.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { flushDirectory, isNotFound, writeTemporaryWith } from "./file-schema.js";
import { takeFileLock, type HeldLock } from "./file-lock.js";
import { removeLeftovers } from "./file-leftovers.js";
import { makeDirectory } from "../../util/make-directory.js";
import { appendToRegularFile, openRegularFile } from "../../util/regular-file.js";
import type { DeadLetterStore, LaterLetter, StoredLetter } from "../../deadletter/dead-letter-store.js";
import { laterFormat } from "../state-format.js";
import { chunksOf, linesOf, type Line } from "./file-lines.js";
import { letterFromJson, letterToStoredJson } from "../../deadletter/letter-json.js";

const REMEDY = "Fix the line or delete it; the record it names is still in its source store.";
/** Rewrites started again because another process changed the file meanwhile, before giving up. */
const ATTEMPTS = 5;
/** Bytes gathered before a write to the temporary file. */
const WRITE_CHUNK = 256 * 1024;

/** One letter of one configuration. */
interface Slot {
  readonly key: string;
  readonly id: string;
}

/** Where the letters of the file stand, from one pass over it. */
interface FileIndex {
  /** The line that holds each letter's last version, by `slotName`. */
  readonly latest: Map<string, number>;
  /** Some letter is on more than one line, or the file does not end in a newline. */
  readonly untidy: boolean;
  /** The file as it was opened, to tell whether another process changed it since; none if missing. */
  readonly file: { readonly ino: number; readonly size: number; readonly mtimeMs: number } | undefined;
}

/** What a put or a remove does to the file, once it knows what the file holds. */
type Change =
  | { readonly kind: "none" }
  | { readonly kind: "append"; readonly add: readonly StoredLetter[] }
  | { readonly kind: "rewrite"; readonly drop: ReadonlySet<string>; readonly add: readonly StoredLetter[] };

const slotName = (slot: Slot): string => `${slot.key}\n${slot.id}`;

/**
 * Where a test acts between the steps of a change, as another process sharing the file would, and
 * where a run is told that a change waits for the lock.
 */
export interface FileChangeHooks {
  /** A rewrite found the file unchanged and is about to rename its copy over it. */
  readonly beforeRename?: () => Promise<void>;
  /** The change found the lock held by another, and waits for it; once per wait, saying what it waits for. */
  readonly lockBusy?: (message: string) => void;
}

export class FileDeadLetterStore implements DeadLetterStore {
  readonly backend = "file";
  readonly location: string;
  #ready: Promise<unknown> | undefined;
  /**
   * The change in progress: changes of one process go one at a time. A run's batches put their letters
   * at once, and an append goes to the file in pieces, so another's landed between them (torn lines);
   * a rewrite would also start over for each append it met.
   */
  #changing: Promise<unknown> = Promise.resolve();
  /** Whether this store has looked for copies a killed process left beside the file (file-leftovers.ts). */
  #tidied = false;

  constructor(
    readonly path: string,
    /** How long one operation may take (--state-timeout). */
    private readonly timeoutMs = DEFAULT_STATE_TIMEOUT_MS,
    private readonly hooks: FileChangeHooks = {},
  ) {
    this.location = path;
  }

  put(letters: readonly StoredLetter[]): Promise<void> {
    const first = letters[0];
    if (first === undefined) return Promise.resolve();
    // The last of one letter in the batch wins, as a later put would.
    const fresh = new Map(letters.map((l) => [slotName({ key: l.key, id: l.letterId }), l]));
    const add = [...fresh.values()];
    return this.change("write dead letters", first.key, "make", (index): Change => {
      const replaces = [...fresh.keys()].some((name) => index.latest.has(name));
      if (!replaces && !index.untidy) return { kind: "append", add };
      return { kind: "rewrite", drop: new Set(fresh.keys()), add };
    });
  }

  async *list(key: string, unread?: ReadonlySet<string>): AsyncIterable<StoredLetter> {
    for await (const { handle, latest, read } of this.indexed(key)) {
      for await (const line of linesOf(chunksOf(handle, read))) {
        const slot = this.slotOf(line, key);
        if (slot?.key !== key || latest.get(slotName(slot)) !== line.number) continue;
        if (unread?.has(slot.id) === true) continue;
        yield this.letterOf(line, key);
      }
    }
  }

  async *ids(key: string): AsyncIterable<string> {
    const prefix = `${key}\n`;
    for await (const { latest } of this.indexed(key))
      for (const name of latest.keys()) if (name.startsWith(prefix)) yield name.slice(prefix.length);
  }

  async *later(key: string): AsyncIterable<LaterLetter> {
    for await (const { handle, latest, read } of this.indexed(key)) {
      for await (const line of linesOf(chunksOf(handle, read))) {
        const slot = this.slotOf(line, key);
        if (slot?.key !== key || latest.get(slotName(slot)) !== line.number) continue;
        // slotOf parsed it already.
        const value: unknown = JSON.parse(line.text);
        const format = laterFormat(isJsonObject(value) ? value["format"] : undefined);
        if (format !== undefined) yield { letterId: slot.id, format };
      }
    }
  }

  /**
   * The file open for reading, with the line of each letter's latest copy, once; nothing where there is
   * no file. The file stays open, so read as one, until the caller's loop ends.
   */
  private async *indexed(key: string): AsyncIterable<{
    handle: FileHandle;
    latest: ReadonlyMap<string, number>;
    read: (work: () => Promise<number>) => Promise<number>;
  }> {
    const handle = await this.step("read the dead letters", () => this.openForReading());
    if (handle === undefined) return;
    try {
      const read = (work: () => Promise<number>): Promise<number> => this.step("read the dead letters", work);
      const { latest } = await this.index(handle, key, read);
      yield { handle, latest, read };
    } finally {
      await handle.close();
    }
  }

  count(key: string): Promise<number> {
    return this.step("count the dead letters", async () => {
      const handle = await this.openForReading();
      if (handle === undefined) return 0;
      try {
        const { latest } = await this.index(handle, key);
        return [...latest.keys()].filter((name) => name.startsWith(`${key}\n`)).length;
      } finally {
        await handle.close();
      }
    });
  }

  remove(key: string, letterIds: readonly string[]): Promise<void> {
    const drop = new Set(letterIds.map((id) => slotName({ key, id })));
    if (drop.size === 0) return Promise.resolve();
    return this.change("remove dead letters", key, "as-is", (index): Change => {
      const present = [...drop].some((name) => index.latest.has(name));
      return present ? { kind: "rewrite", drop, add: [] } : { kind: "none" };
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Reads where the letters stand, asks `decide` what to do, and does it, holding the file's lock
   * throughout (`file-lock.ts`): another synced sharing the file waits, so that neither renames a copy
   * over what the other appended or rewrote after the copy was made. A rewrite that still finds the
   * file changed (by a program that takes no lock, a hand edit) starts over, so that it never drops a
   * line it did not see. `directory`: "make" the file's directory where it is missing, or leave it
   * "as-is", where a missing one holds no letters to change.
   */
  private change(
    action: string,
    key: string,
    directory: "make" | "as-is",
    decide: (index: FileIndex) => Change,
  ): Promise<void> {
    const done = this.#changing.then(() => this.changeLocked(action, key, directory, decide));
    this.#changing = done.catch(() => undefined);
    return done;
  }

  private async changeLocked(
    action: string,
    key: string,
    directory: "make" | "as-is",
    decide: (index: FileIndex) => Change,
  ): Promise<void> {
    if (directory === "make")
      await this.step(action, async () => {
        this.#ready ??= makeDirectory(dirname(this.path));
        await this.#ready;
      });
    const lock = await this.takeLock(action, directory);
    if (lock === undefined) return;
    // Let go once the change has ended, even one the time limit stopped waiting for: until then it may
    // still rename its copy over the file.
    await this.tidyOnce();
    await this.step(action, () => this.changeAlone(key, decide).finally(() => lock.release()));
  }

  /**
   * Removes the copies a process killed mid-rewrite left beside the file, once per store, under the
   * lock: no writer of this file is then between its copy and its rename. Copies of other files in
   * the directory are removed only once old (file-leftovers.ts). One that cannot be removed costs
   * disk space, not the change (never fails, so the lock is let go below): the next store tries again.
   */
  private async tidyOnce(): Promise<void> {
    if (this.#tidied) return;
    this.#tidied = true;
    await this.step("remove leftover copies", () => removeLeftovers(dirname(this.path))).catch(
      () => undefined,
    );
  }

  /** The file's lock; undefined where its directory is missing and left as it is (no letters there). */
  private async takeLock(action: string, directory: "make" | "as-is"): Promise<HeldLock | undefined> {
    const taking = takeFileLock(this.path, {
      waitMs: this.timeoutMs,
      ...(this.hooks.lockBusy === undefined ? {} : { onBusy: this.hooks.lockBusy }),
    }).catch((error: unknown) => {
      if (directory === "as-is" && isNotFound(error)) return undefined;
      throw error;
    });
    try {
      // The wait has its own limit and message; this one is for a hung disk or mount.
      return await inStateStore(action, `file ${this.path}`, () => taking, {
        timeoutMs: 2 * this.timeoutMs,
        store: "dead-letter store",
      });
    } catch (error) {
      // A lock taken after the time limit stopped waiting is let go at once.
      void taking.then((lock) => lock?.release()).catch(() => undefined);
      throw error;
    }
  }

  private async changeAlone(key: string, decide: (index: FileIndex) => Change): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const handle = await this.openForReading();
      try {
        const index = await this.index(handle, key);
        const change = decide(index);
        if (change.kind === "none") return;
        // Flushed, as the rename below is: the checkpoint that passes these records is flushed next,
        // and a machine that stopped in between kept it without the letters.
        if (change.kind === "append") {
          await appendToRegularFile(this.path, change.add.map(lineOf).join(""), { flush: true });
          if (index.file === undefined) await flushDirectory(dirname(this.path));
          return;
        }
        const temp = await writeTemporaryWith(this.path, (out) => this.copy(handle, index, key, change, out));
        if (await this.unchangedSince(index)) {
          await this.hooks.beforeRename?.();
          await rename(temp, this.path).catch(async (error: unknown) => {
            await rm(temp, { force: true });
            throw error;
          });
          await flushDirectory(dirname(this.path));
          return;
        }
        await rm(temp, { force: true });
      } finally {
        await handle?.close();
      }
    }
    throw new Error(
      `${this.path} kept changing while it was rewritten (${ATTEMPTS} tries); ` +
        "check that no other program writes it, and try again",
    );
  }

  /** The file's letters that stay, each once, then the new ones, into the temporary file `out`. */
  private async copy(
    handle: FileHandle | undefined,
    index: FileIndex,
    key: string,
    change: Extract<Change, { kind: "rewrite" }>,
    out: FileHandle,
  ): Promise<void> {
    let pending = "";
    let position = 0;
    const write = async (): Promise<void> => {
      const bytes = Buffer.from(pending, "utf8");
      pending = "";
      for (let done = 0; done < bytes.length;) {
        done += (await out.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
      }
      position += bytes.length;
    };
    if (handle !== undefined) {
      for await (const line of linesOf(chunksOf(handle))) {
        const slot = this.slotOf(line, key);
        if (slot === undefined) continue;
        const name = slotName(slot);
        if (change.drop.has(name) || index.latest.get(name) !== line.number) continue;
        pending += `${line.text}\n`;
        if (pending.length >= WRITE_CHUNK) await write();
      }
    }
    for (const letter of change.add) {
      pending += lineOf(letter);
      if (pending.length >= WRITE_CHUNK) await write();
    }
    await write();
  }

  private async index(
    handle: FileHandle | undefined,
    key: string,
    read?: (work: () => Promise<number>) => Promise<number>,
  ): Promise<FileIndex> {
    const latest = new Map<string, number>();
    if (handle === undefined) return { latest, untidy: false, file: undefined };
    const { ino, size, mtimeMs } = await handle.stat();
    let untidy = false;
    for await (const line of linesOf(chunksOf(handle, read))) {
      if (!line.ended) untidy = true;
      const slot = this.slotOf(line, key);
      if (slot === undefined) continue;
      const name = slotName(slot);
      if (latest.has(name)) untidy = true;
      latest.set(name, line.number);
    }
    return { latest, untidy, file: { ino, size, mtimeMs } };
  }

  private async unchangedSince(index: FileIndex): Promise<boolean> {
    try {
      const now = await stat(this.path);
      const then = index.file;
      return then?.ino === now.ino && then.size === now.size && then.mtimeMs === now.mtimeMs;
    } catch (error) {
      if (isNotFound(error)) return index.file === undefined;
      throw error;
    }
  }

  /**
   * Which letter a line holds, read cheaply: its key and letter id, without the record. Undefined for
   * a blank line and for a last line that a crash cut short. A line of an earlier version, which named
   * no key or letter id, is read whole; it belongs to `key` (such a file held one configuration's).
   */
  private slotOf(line: Line, key: string): Slot | undefined {
    if (line.text.trim() === "") return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      if (!line.ended) return undefined;
      throw this.corrupt(line, `it is not valid JSON (${jsonSyntaxProblem(error, line.text, "line")})`);
    }
    if (isJsonObject(value) && typeof value["key"] === "string" && typeof value["letterId"] === "string") {
      return { key: value["key"], id: value["letterId"] };
    }
    const letter = this.letterOf(line, key);
    return { key: letter.key, id: letter.letterId };
  }

  /** The letter of a line, checked field by field, with every digit of its large integers. */
  private letterOf(line: Line, key: string): StoredLetter {
    let value: unknown;
    try {
      // A line without a number a double would change reads the same with JSON.parse, many times
      // faster than the lossless parser on a large record.
      value = mayHoldInexactNumber(line.text) ? parseJsonLossless(line.text) : JSON.parse(line.text);
    } catch (error) {
      throw this.corrupt(line, `it is not valid JSON (${jsonSyntaxProblem(error, line.text, "line")})`);
    }
    return letterFromJson(value, { location: `${this.path} line ${line.number}`, remedy: REMEDY }, key);
  }

  private corrupt(line: Line, problem: string): CorruptStateError {
    return new CorruptStateError(`${this.path} line ${line.number}`, problem, REMEDY);
  }

  /** The file to read, or undefined while there is none: the one place this store opens it to read. */
  private async openForReading(): Promise<FileHandle | undefined> {
    try {
      return await openRegularFile(this.path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private step<T>(action: string, work: () => Promise<T>): Promise<T> {
    return inStateStore(action, `file ${this.path}`, work, {
      timeoutMs: this.timeoutMs,
      store: "dead-letter store",
    });
  }
}

function lineOf(letter: StoredLetter): string {
  return `${stableStringify(letterToStoredJson(letter))}\n`;
}
