// How large a letter may grow. A record is dead-lettered most often because it is too large for its
// target, and then it is too large for the letter stores too (a Cassandra mutation, a request to the
// search node): a letter that cannot be stored would fail the run and hold back every good record of
// it. So a letter keeps its record whole only up to MAX_RECORD_BYTES, and otherwise keeps the small
// fields and names the large ones it left out. Nothing is lost by it: a replay reads the record again at its
// source by its id, and `show` prints the cut.
import { setOwn, stableStringify } from "../core/canonical-json.js";
import type { JsonValue } from "../core/json-value.js";
import { textPrefix } from "../util/cut-text.js";

/** The largest record, as compact JSON in UTF-8, that a letter keeps whole: 256 KiB. */
export const MAX_RECORD_BYTES = 256 * 1024;

/** The longest reason a letter keeps, in characters. A reason that long quotes a value, not a cause. */
export const MAX_REASON_CHARS = 16 * 1024;

/** What a letter left out of its record, set only when it left something out. */
export interface RecordCut {
  /** The size of the whole record as read, as compact JSON in UTF-8. */
  readonly bytes: number;
  /**
   * The fields left out, in the record's order, as paths: `content.body` is the field `body` of the
   * object in `content`. Empty when the record is not a JSON object: its letter then holds no record
   * at all (null).
   */
  readonly omitted: readonly string[];
}

/**
 * The record a letter keeps: the whole record when it fits MAX_RECORD_BYTES; otherwise its fields in
 * order, each kept while what is kept still fits, and an object too large to keep whole is cut the
 * same way (a run's letter holds the record as `{id, version, deleted, content}`, with the columns
 * or fields in `content`). So the id, the timestamp and the other small fields stay, and only the
 * large ones go.
 */
export function cutRecord(record: JsonValue): { record: JsonValue; recordCut?: RecordCut } {
  const bytes = jsonBytes(record);
  if (bytes <= MAX_RECORD_BYTES) return { record };
  if (!isObject(record)) return { record: null, recordCut: { bytes, omitted: [] } };
  const omitted: string[] = [];
  return { record: cutObject(record, MAX_RECORD_BYTES, "", omitted), recordCut: { bytes, omitted } };
}

/** The fields of `object` that fit in `budget` bytes; the paths of the others go to `omitted`. */
function cutObject(
  object: Record<string, JsonValue>,
  budget: number,
  path: string,
  omitted: string[],
): Record<string, JsonValue> {
  const kept: Record<string, JsonValue> = {};
  let size = 2; // the braces
  for (const [name, value] of Object.entries(object)) {
    // The quoted name, a colon and a comma.
    const label = Buffer.byteLength(JSON.stringify(name)) + 2;
    const field = label + jsonBytes(value);
    if (size + field <= budget) {
      setOwn(kept, name, value);
      size += field;
    } else if (isObject(value) && size + label + 2 <= budget) {
      const part = cutObject(value, budget - size - label, `${path}${name}.`, omitted);
      setOwn(kept, name, part);
      size += label + jsonBytes(part);
    } else {
      omitted.push(`${path}${name}`);
    }
  }
  return kept;
}

function isObject(value: JsonValue): value is Record<string, JsonValue> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function cutReason(reason: string): string {
  if (reason.length <= MAX_REASON_CHARS) return reason;
  return `${textPrefix(reason, MAX_REASON_CHARS)}... (cut: the reason ran to ${reason.length} characters)`;
}

function jsonBytes(value: JsonValue): number {
  return Buffer.byteLength(stableStringify(value));
}
