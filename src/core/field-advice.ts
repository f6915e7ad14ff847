// What to do about a document field that no column holds, fit to the field: --create-columns makes a
// column only for a field whose name can be a column's field and whose mapping a simple CQL type
// holds. Where the index maps the field, its mapping decides; elsewhere its name and value do.
import type { JsonValue } from "./json-value.js";

/** What the index's mapping says of a field that no column holds. */
export interface FieldMappedAs {
  /** Its type as the search product names it: "keyword", "flattened", "flat_object", "geo_point"... */
  readonly type: string;
  /** Whether --create-columns makes a column of it. */
  readonly creatable: boolean;
}

type Kind = "reserved" | "by hand" | "map" | "no type" | "creatable";

// The field types of a whole JSON object under arbitrary keys: Elasticsearch's, and OpenSearch's.
const MAP_TYPES: ReadonlySet<string> = new Set(["flattened", "flat_object"]);
const OBJECT_TYPES: ReadonlySet<string> = new Set(["object", "nested"]);

function advice(kind: Kind, type: string): string {
  switch (kind) {
    case "reserved":
      return (
        "no column's field may start with _: move its values to a field of another name in the index " +
        "(an _update_by_query) and replay this letter, or remove the field"
      );
    case "by hand":
      return (
        "--create-columns makes no column for an object or a dotted field: create the column by hand " +
        "(with a user-defined type for an object; named as the field for a dotted one) and replay this " +
        "letter, or remove the field"
      );
    // A user-defined type lists its fields; such a field's keys are the data's own.
    case "map":
      return (
        `--create-columns makes no column for a ${type} field, whose keys no type lists: create a map ` +
        `column by hand (map<text, text> for text values, another value type for others: a map is ` +
        `what synced keeps in a ${type} field) and replay this letter, or remove the field`
      );
    case "no type":
      return (
        `no CQL type holds a ${type} field, so --create-columns makes no column for it: to leave the ` +
        "field to other applications, list the table's columns in the config file's include setting " +
        "(synced then keeps every other field as it is) and replay this letter, or remove the field"
      );
    case "creatable":
      return "add the column (or run with --create-columns) and replay this letter, or remove the field";
  }
}

function isObject(value: JsonValue | undefined): boolean {
  if (Array.isArray(value)) return value.some(isObject);
  return typeof value === "object" && value !== null;
}

/**
 * How a field without a column can get one: from its mapping where the index maps it, else from its
 * name and, where known, its value.
 */
export function fieldKind(field: string, value?: JsonValue, mapped?: FieldMappedAs): Kind {
  if (field.startsWith("_")) return "reserved";
  if (mapped !== undefined) {
    if (mapped.creatable) return "creatable";
    if (MAP_TYPES.has(mapped.type)) return "map";
    return OBJECT_TYPES.has(mapped.type) ? "by hand" : "no type";
  }
  return field.includes(".") || isObject(value) ? "by hand" : "creatable";
}

/**
 * The advice for these fields of `source`, by the mapping of those in `mapped`: one sentence when
 * they share it, else one per field.
 */
export function fieldAdvice(
  fields: readonly string[],
  source: Readonly<Record<string, JsonValue | undefined>>,
  mapped?: ReadonlyMap<string, FieldMappedAs>,
): string {
  // By the advice itself: two map fields of different types are told apart.
  const byAdvice = new Map<string, string[]>();
  for (const field of fields) {
    const mapping = mapped?.get(field);
    const told = advice(fieldKind(field, source[field], mapping), mapping?.type ?? "");
    byAdvice.set(told, [...(byAdvice.get(told) ?? []), field]);
  }
  if (byAdvice.size <= 1) return [...byAdvice.keys()][0] ?? advice("creatable", "");
  return [...byAdvice]
    .map(([told, named]) => `for ${named.map((f) => `'${f}'`).join(", ")}: ${told}`)
    .join("; ");
}

/**
 * The advice for every document holding one field (a log line for all its letters), known by its name
 * and, where the index maps it, its mapping; undefined where a column --create-columns makes fits it.
 */
export function adviceForLetters(field: string, mapped?: FieldMappedAs): string | undefined {
  const kind = fieldKind(field, undefined, mapped);
  return kind === "creatable"
    ? undefined
    : advice(kind, mapped?.type ?? "").replace(/ and replay this letter/, " and replay the letters");
}
