// Where rejected records wait until someone fixes and replays them, or purges them. A store keeps
// one letter per record and configuration: a record rejected again replaces its letter with the new
// reason, so the number of letters is the number of records waiting, not of rejections.
import { createHash } from "node:crypto";
import { stableStringify } from "../core/canonical-json.js";
import type { Direction } from "../core/direction.js";
import type { JsonValue } from "../core/json-value.js";
import type { DeadLetter } from "../reconcile/dead-letter.js";
import type { StateBackend } from "../state/state-store.js";

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
  /** The row or document as read, as plain JSON. */
  readonly record: JsonValue;
}

export interface DeadLetterStore {
  readonly backend: StateBackend;
  /** Where the letters live, for messages: a file's path, a Cassandra table or an index. */
  readonly location: string;
  /** Adds the letters, each replacing the one with the same key and letter id. */
  put(letters: readonly StoredLetter[]): Promise<void>;
  /** Every letter of the key, in a stable order; streamed, so a long list keeps memory flat. */
  list(key: string): AsyncIterable<StoredLetter>;
  /** Removes these letters of the key; ids that are not there are ignored. */
  remove(key: string, letterIds: readonly string[]): Promise<void>;
  /** How many letters of the key are waiting. */
  count(key: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * One id per record: table, direction and record id, or the record's content when it has no id
 * (an unparseable row or document has nothing better to be known by).
 */
export function letterIdOf(
  letter: Pick<DeadLetter, "table" | "direction" | "id">,
  record: JsonValue,
): string {
  const hash = createHash("sha256").update(`${letter.table}\n${letter.direction}\n`);
  if (letter.id !== undefined) hash.update(`id\n${letter.id}`);
  else hash.update(`record\n${stableStringify(record)}`);
  return hash.digest("hex").slice(0, 32);
}

export function storedLetter(key: string, runId: string, at: Date, letter: DeadLetter): StoredLetter {
  const record = plainJson(letter.record);
  return {
    key,
    letterId: letterIdOf(letter, record),
    at,
    runId,
    table: letter.table,
    direction: letter.direction,
    from: letter.from,
    id: letter.id,
    reason: letter.reason,
    record,
  };
}

/** Buffers become base64 and other driver objects their string form, so every record is plain JSON. */
export function plainJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint" || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(plainJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plainJson(v)]));
  if (value instanceof Set) return [...value].map(plainJson);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    // Driver values (Uuid, LocalDate, InetAddress...) print their canonical text.
    if (Object.getPrototypeOf(value) !== Object.prototype)
      return (value as { toString(): string }).toString();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  }
  // Functions and symbols are no data.
  return null;
}
