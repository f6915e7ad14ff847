// Dead letters in a local NDJSON file, beside the state by default: one line per letter, so the file
// can be read with any JSON tool. A letter put again is appended again, and the last line of a letter
// id wins; removing letters rewrites the file atomically, which also drops the replaced lines.
import { dirname } from "node:path";
import { parseJsonLossless, stableStringify } from "../core/canonical-json.js";
import { inStateStore, CorruptStateError } from "../state/state-errors.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state/state-store.js";
import { isNotFound, writeFileAtomically } from "../state/file/file-schema.js";
import { makeDirectory } from "../util/make-directory.js";
import { appendToRegularFile, readRegularFile } from "../util/regular-file.js";
import type { DeadLetterStore, StoredLetter } from "./dead-letter-store.js";
import { letterFromJson, letterToJson } from "./letter-json.js";

const REMEDY = "Fix the line or delete it; the record it names is still in its source store.";

export class FileDeadLetterStore implements DeadLetterStore {
  readonly backend = "file";
  readonly location: string;
  #ready: Promise<unknown> | undefined;

  constructor(
    readonly path: string,
    /** How long one operation may take (--state-timeout). */
    private readonly timeoutMs = DEFAULT_STATE_TIMEOUT_MS,
  ) {
    this.location = path;
  }

  put(letters: readonly StoredLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    return this.step("write dead letters", async () => {
      this.#ready ??= makeDirectory(dirname(this.path));
      await this.#ready;
      const text = letters.map((letter) => `${stableStringify(letterToJson(letter))}\n`).join("");
      await appendToRegularFile(this.path, text);
    });
  }

  async *list(key: string): AsyncIterable<StoredLetter> {
    const letters = await this.step("read the dead letters", () => this.read(key));
    yield* letters.values();
  }

  count(key: string): Promise<number> {
    return this.step("count the dead letters", async () => (await this.read(key)).size);
  }

  remove(key: string, letterIds: readonly string[]): Promise<void> {
    const gone = new Set(letterIds);
    if (gone.size === 0) return Promise.resolve();
    return this.step("remove dead letters", async () => {
      const lines = await this.lines(key);
      if (lines === undefined) return;
      const kept = lines.filter(({ letter }) => letter.key !== key || !gone.has(letter.letterId));
      if (kept.length === lines.length) return;
      await writeFileAtomically(this.path, kept.map(({ text }) => `${text}\n`).join(""));
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The key's letters by id, in the order each first appeared, each as last written. */
  private async read(key: string): Promise<Map<string, StoredLetter>> {
    const letters = new Map<string, StoredLetter>();
    for (const { letter } of (await this.lines(key)) ?? []) {
      if (letter.key === key) letters.set(letter.letterId, letter);
    }
    return letters;
  }

  /**
   * Every line with its letter. A line written before letters named their key belongs to `key`:
   * such a file held the letters of one configuration.
   */
  private async lines(key: string): Promise<{ text: string; letter: StoredLetter }[] | undefined> {
    let text: string;
    try {
      text = await readRegularFile(this.path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const out: { text: string; letter: StoredLetter }[] = [];
    for (const [i, line] of text.split("\n").entries()) {
      if (line.trim() === "") continue;
      const source = { location: `${this.path} line ${i + 1}`, remedy: REMEDY };
      let value: unknown;
      try {
        value = parseJsonLossless(line);
      } catch (error) {
        throw new CorruptStateError(source.location, `it is not valid JSON (${String(error)})`, REMEDY);
      }
      out.push({ text: line, letter: letterFromJson(value, source, key) });
    }
    return out;
  }

  private step<T>(action: string, work: () => Promise<T>): Promise<T> {
    return inStateStore(action, `file ${this.path}`, work, {
      timeoutMs: this.timeoutMs,
      store: "dead-letter store",
    });
  }
}
