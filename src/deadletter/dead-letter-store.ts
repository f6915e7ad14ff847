// Where rejected records wait until someone fixes and replays them, or purges them. A store keeps
// one letter per record and configuration: a record rejected again, by the next run or by a replay,
// replaces its letter with the new reason, so the number of letters is the number of records waiting,
// not of rejections, and a record that every run meets does not grow the store. A letter keeps its
// record whole up to a size that every store accepts (see letter-size.ts).
import { createHash } from "node:crypto";
import { stableStringify } from "../core/canonical-json.js";
import type { Direction } from "../core/direction.js";
import type { JsonValue } from "../core/json-value.js";
import { NumberLiteral } from "../core/number-literal.js";
import type { DeadLetter } from "../reconcile/dead-letter.js";
import { isJsonObject } from "../state/state-json.js";
import type { StateBackend } from "../state/state-store.js";
import { cutReason, cutRecord, type RecordCut } from "./letter-size.js";

export type { RecordCut };

export interface StoredLetter {
  /** The configuration's state key. */
  readonly key: string;
  /** Stable for one record of one table and direction: see `letterIdOf`. */
  readonly letterId: string;
  readonly at: Date;
  /** The run (or replay) that put it last. */
  readonly runId: string;
  readonly table: string;
  readonly direction: Direction;
  readonly from: "cassandra" | "elasticsearch";
  readonly id: string | undefined;
  readonly reason: string;
  /** The row or document as read, as plain JSON; without its largest fields if `recordCut` is set. */
  readonly record: JsonValue;
  /** Set when the record was too large to keep whole: what was left out. */
  readonly recordCut?: RecordCut;
}

/** A letter a later synced wrote, in a state format this one does not read: see `DeadLetterStore.later`. */
export interface LaterLetter {
  readonly letterId: string;
  readonly format: number;
}

export interface DeadLetterStore {
  readonly backend: StateBackend;
  /** Where the letters live, for messages: a file's path, a Cassandra table or an index. */
  readonly location: string;
  /** Adds the letters, each replacing the one with the same key and letter id. */
  put(letters: readonly StoredLetter[]): Promise<void>;
  /**
   * Every letter of the key, in a stable order; streamed, so a long list keeps memory flat. Those whose
   * ids are in `unread` (a later synced's, found by `later`) are passed over before they are read.
   */
  list(key: string, unread?: ReadonlySet<string>): AsyncIterable<StoredLetter>;
  /**
   * The ids of the key's letters, read without the letters: what a purge needs, also where a letter
   * was damaged (by hand, by an earlier version) so that it cannot be read whole.
   */
  ids(key: string): AsyncIterable<string>;
  /**
   * The key's letters of a state format later than this synced reads, read without their records:
   * what it must neither replace nor remove, as the later synced that wrote them goes on from them.
   */
  later(key: string): AsyncIterable<LaterLetter>;
  /** Removes these letters of the key; ids that are not there are ignored. */
  remove(key: string, letterIds: readonly string[]): Promise<void>;
  /** How many letters of the key are waiting. */
  count(key: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * One id per record: table, direction and record id; without one, the `_id` of the document it was
 * read from, which stays as the document changes; else the record's content (an unparseable row has
 * nothing better to be known by).
 */
export function letterIdOf(
  letter: Pick<DeadLetter, "table" | "direction" | "id">,
  record: JsonValue,
): string {
  const hash = createHash("sha256").update(`${letter.table}\n${letter.direction}\n`);
  const documentId = isJsonObject(record) ? record["_id"] : undefined;
  if (letter.id !== undefined) hash.update(`id\n${letter.id}`);
  else if (typeof documentId === "string") hash.update(`_id\n${documentId}`);
  else hash.update(`record\n${stableStringify(record)}`);
  return hash.digest("hex").slice(0, 32);
}

/**
 * The `_id` of the document a letter's record was read from, where the letter kept it (a document that
 * could not be read as a record): one that is not its key's own is found by no lookup by id.
 */
export function letterReadFrom(letter: Pick<StoredLetter, "from" | "record">): string | undefined {
  const id =
    letter.from === "elasticsearch" && isJsonObject(letter.record) ? letter.record["_id"] : undefined;
  return typeof id === "string" ? id : undefined;
}

export function storedLetter(key: string, runId: string, at: Date, letter: DeadLetter): StoredLetter {
  const whole = plainJson(letter.record);
  // The id comes from the whole record: a letter of the same record must get the same id however
  // it was cut.
  const letterId = letterIdOf(letter, whole);
  const { record, recordCut } = cutRecord(whole);
  return {
    key,
    letterId,
    at,
    runId,
    table: letter.table,
    direction: letter.direction,
    from: letter.from,
    id: letter.id,
    reason: cutReason(letter.reason),
    record,
    ...(recordCut === undefined ? {} : { recordCut }),
  };
}

/** Buffers become base64 and other driver objects their string form, so every record is plain JSON. */
export function plainJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint" || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (value instanceof NumberLiteral) return value;
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(plainJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plainJson(v)]));
  if (value instanceof Set) return [...value].map(plainJson);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    // Driver values (Uuid, LocalDate, InetAddress...) print their canonical text. An object without a
    // prototype is data: a row's cells, copied so that a column may be named `constructor`.
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null)
      return (value as { toString(): string }).toString();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  }
  // Functions and symbols are no data.
  return null;
}
