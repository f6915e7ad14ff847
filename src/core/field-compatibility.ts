// Whether an index field's type still fits the column it stands for. Judged by family (text, number,
// boolean, date, binary, ip, object), never by exact type: an index made by dynamic mapping, or
// migrated from Elasticsearch 5/6, maps an int column as long and a text column as text with a
// keyword sub-field, and both sync fine. Only a field of another family refuses the column's values
// or hands back values the column cannot take (a long field and a text column, or the other way).
// Field types synced does not know (geo_point, dense_vector...) are not judged: their records
// succeed or go to the dead letters one by one, as before. Within the object family one shape is
// judged too: a tuple's value is an array of values, which an object field refuses unless it is kept
// in _source only (enabled: false, as synced maps a tuple), so every document would be refused.
import type { CqlType, NativeName } from "./cql-type.js";
import { ownValue } from "./own-value.js";

export type FieldFamily = "text" | "number" | "boolean" | "date" | "binary" | "ip" | "object";

const FIELD_FAMILIES: Readonly<Record<string, FieldFamily>> = {
  text: "text",
  keyword: "text",
  match_only_text: "text",
  wildcard: "text",
  constant_keyword: "text",
  search_as_you_type: "text",
  version: "text",
  long: "number",
  integer: "number",
  short: "number",
  byte: "number",
  unsigned_long: "number",
  double: "number",
  float: "number",
  half_float: "number",
  scaled_float: "number",
  token_count: "number",
  boolean: "boolean",
  date: "date",
  date_nanos: "date",
  binary: "binary",
  ip: "ip",
  object: "object",
  nested: "object",
  flattened: "object",
  flat_object: "object",
};

const NATIVE_FAMILIES: Readonly<Record<NativeName, FieldFamily>> = {
  ascii: "text",
  text: "text",
  varchar: "text",
  uuid: "text",
  timeuuid: "text",
  time: "text",
  duration: "text",
  tinyint: "number",
  smallint: "number",
  int: "number",
  bigint: "number",
  counter: "number",
  varint: "number",
  decimal: "number",
  float: "number",
  double: "number",
  boolean: "boolean",
  timestamp: "date",
  date: "date",
  blob: "binary",
  inet: "ip",
};

/**
 * Columns whose values a document holds as strings (see stores/values/encode.ts), which a text field
 * keeps as they are: dynamic mapping makes a text field of them.
 */
const STRING_VALUED: ReadonlySet<NativeName> = new Set([
  "varint",
  "decimal",
  "timestamp",
  "date",
  "blob",
  "inet",
]);

const WHAT_FITS: Readonly<Record<FieldFamily, string>> = {
  text: "a text or keyword field",
  number: "a numeric field (long, integer, double...)",
  boolean: "a boolean field",
  date: "a date or date_nanos field",
  binary: "a binary field",
  ip: "an ip field",
  object: "an object, nested or flattened field",
};

/** The family of an index field's type; undefined for a type synced does not judge. */
export function fieldFamily(fieldType: string): FieldFamily | undefined {
  return ownValue(FIELD_FAMILIES, fieldType);
}

/** A collection's or vector's values are its elements': a document holds them as an array. */
export function innermost(type: CqlType): CqlType {
  return type.kind === "list" || type.kind === "set" || type.kind === "vector"
    ? innermost(type.element)
    : type;
}

export function columnFamily(type: CqlType): FieldFamily {
  const inner = innermost(type);
  return inner.kind === "native" ? NATIVE_FAMILIES[inner.name] : "object";
}

/**
 * Why a field of `fieldType` no longer fits a column of `column`'s type, as the end of a sentence
 * ("a text column needs a text or keyword field"); undefined when it fits or is not judged.
 */
export function fieldTypeConflict(column: CqlType, fieldType: string): string | undefined {
  const field = fieldFamily(fieldType);
  if (field === undefined) return undefined;
  const needed = columnFamily(column);
  if (field === needed) return undefined;
  const inner = innermost(column);
  if (field === "text" && inner.kind === "native" && STRING_VALUED.has(inner.name)) return undefined;
  return `a column of that type needs ${WHAT_FITS[needed]}`;
}

/** A field as the mapping holds it: its type, and whether it is an object kept in `_source` only. */
export interface FieldShape {
  readonly type: string;
  /** An object mapped with `enabled: false`: the cluster takes any value there without reading it. */
  readonly disabled?: true;
}

/**
 * Why `field` no longer fits a column of `column`'s type, as fieldTypeConflict says it; a tuple's
 * values, arrays of values, fit only an object kept in `_source` (every other object field, flattened
 * and nested too, refuses an array of values). Undefined when it fits or is not judged.
 */
export function mappedFieldConflict(column: CqlType, field: FieldShape): string | undefined {
  return fieldTypeConflict(column, field.type) ?? tupleConflict(column, field);
}

function tupleConflict(column: CqlType, field: FieldShape): string | undefined {
  if (innermost(column).kind !== "tuple" || field.disabled === true) return undefined;
  if (fieldFamily(field.type) !== "object") return undefined;
  return (
    "a tuple's values, arrays of values, fit only an object field with enabled: false, which the " +
    "cluster keeps in _source without reading it"
  );
}
