// The JSON shape of a letter in the file and Elasticsearch backends, and in `dead-letters show`.
// Everything read back is checked field by field, so a hand-edited letter that lost a field is
// reported instead of half-used.
import type { Direction } from "../core/direction.js";
import type { JsonValue } from "../core/json-value.js";
import { CorruptStateError } from "../state/state-errors.js";
import { checkStateFormat, STATE_FORMAT } from "../state/state-format.js";
import { FieldReader, isJsonObject, type RecordSource } from "../state/state-json.js";
import { letterIdOf, type RecordCut, type StoredLetter } from "./dead-letter-store.js";

const SIDES = ["cassandra", "elasticsearch"] as const;
const DIRECTIONS: readonly Direction[] = ["to-es", "to-cassandra"];

/** A letter as a file line or an index document holds it: with the state format it was written in. */
export function letterToStoredJson(letter: StoredLetter): Record<string, JsonValue> {
  return { format: STATE_FORMAT, ...letterToJson(letter) };
}

/** A letter as `dead-letters show` prints it. */
export function letterToJson(letter: StoredLetter): Record<string, JsonValue> {
  return {
    key: letter.key,
    letterId: letter.letterId,
    at: letter.at.toISOString(),
    runId: letter.runId,
    table: letter.table,
    direction: letter.direction,
    from: letter.from,
    id: letter.id ?? null,
    reason: letter.reason,
    // Before the record, so that `show` says the record is cut before printing it.
    ...(letter.recordCut === undefined ? {} : { recordCut: recordCutToJson(letter.recordCut) }),
    record: letter.record,
  };
}

function recordCutToJson(cut: RecordCut): Record<string, JsonValue> {
  return { bytes: cut.bytes, omitted: [...cut.omitted] };
}

/** The `recordCut` of a stored letter, checked: undefined when the letter kept its record whole. */
function recordCutFromJson(value: unknown, source: RecordSource): RecordCut | undefined {
  if (value == null) return undefined;
  const bytes = isJsonObject(value) ? value["bytes"] : undefined;
  const omitted = isJsonObject(value) ? value["omitted"] : undefined;
  if (
    typeof bytes !== "number" ||
    !Number.isSafeInteger(bytes) ||
    bytes < 0 ||
    !Array.isArray(omitted) ||
    !omitted.every((name) => typeof name === "string")
  ) {
    throw new CorruptStateError(
      source.location,
      "'recordCut' must be an object of 'bytes', a whole number, and 'omitted', a list of field names",
      source.remedy,
    );
  }
  return { bytes, omitted };
}

/**
 * A letter as stored. `key` stands in for a letter written before letters named their key (a file
 * of one configuration); its letter id is then derived as a new letter's would be.
 */
export function letterFromJson(value: unknown, source: RecordSource, key?: string): StoredLetter {
  const f = new FieldReader(value, source);
  const object = isJsonObject(value) ? value : {};
  checkLetterFormat(object["format"], source);
  const direction = oneOf(object, "direction", DIRECTIONS, source);
  const from = oneOf(object, "from", SIDES, source);
  const record = (object["record"] ?? null) as JsonValue;
  const table = f.string("table");
  const id = f.optionalString("id");
  const recordCut = recordCutFromJson(object["recordCut"], source);
  return {
    key: key !== undefined && object["key"] == null ? key : f.string("key"),
    letterId:
      object["letterId"] == null ? letterIdOf({ table, direction, id }, record) : f.string("letterId"),
    at: f.date("at"),
    runId: f.string("runId"),
    table,
    direction,
    from,
    id,
    reason: f.string("reason"),
    record,
    ...(recordCut === undefined ? {} : { recordCut }),
  };
}

/**
 * Refuses a letter of a later state format before any field is read: an earlier synced would misread
 * it, and a replay would write what it misread. A letter without one is of format 1.
 */
export function checkLetterFormat(found: unknown, source: RecordSource): void {
  checkStateFormat(found, source.location, source.remedy, {
    subject: source.location,
    instead: "--dead-letter, where this one finds no letters",
  });
}

function oneOf<T extends string>(
  object: Record<string, unknown>,
  name: string,
  choices: readonly T[],
  source: RecordSource,
): T {
  const found = choices.find((c) => c === object[name]);
  if (found === undefined) {
    throw new CorruptStateError(source.location, `'${name}' must be ${choices.join(" or ")}`, source.remedy);
  }
  return found;
}
