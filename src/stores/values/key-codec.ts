// The typed half of core/table-key.ts: the key values of a row or the key fields of a document make
// the record id, and an id gives back the values to bind in CQL and the fields of a document. Every
// part goes through the value codec, so `007` and `7` in an int key are one id, as they are one row,
// and a frozen set or map is one id in whatever order its elements or keys were written.
//
// A frozen key value (tuple, UDT, list, set, map; cassandra/key-types.ts says which) is written as its
// canonical JSON text: sets sorted and without duplicates, objects' keys sorted. A frozen collection
// key column may hold an empty collection, which is a value there as in any frozen column: `[]` or `{}`.
import { keyColumns, joinKey, splitKey, type KeyColumn, type TableKey } from "../../core/table-key.js";
import type { JsonValue } from "../../core/json-value.js";
import { parseJsonLossless, stableStringify } from "../../core/canonical-json.js";
import { formatCqlType } from "../../core/cql-type.js";
import { ValueError } from "../../core/value-error.js";
import { encodeValue } from "./encode.js";
import { canonicalize, decodeValue } from "./decode.js";
import { ownValue } from "../../core/own-value.js";

/** The id text of one key value in its canonical JSON: a string, an integer, or a frozen value's JSON. */
function partText(value: JsonValue, column: KeyColumn): string {
  if (column.type.kind !== "native") return stableStringify(value);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  throw new ValueError(column.name, `a ${formatCqlType(column.type)} cannot be part of a record's id`);
}

/** The reason of a key column without a value, which a caller may explain further. */
export const NO_KEY_VALUE = "no value: every key column must have one";

function missing(column: KeyColumn): never {
  throw new ValueError(column.name, NO_KEY_VALUE);
}

/** The id of the record a row holds, from its key columns as cassandra-driver read them. */
export function idFromRow(key: TableKey, get: (column: string) => unknown): string {
  return joinKey(
    keyColumns(key).map((column) => {
      const raw = get(column.name);
      const value = encodeValue(raw, column.type, column.name);
      return value === null ? missing(column) : partText(value, column);
    }),
  );
}

/**
 * The id of the record a document holds, from its key fields in any form the value codec accepts;
 * a missing or invalid field throws a ValueError naming it. `fieldOf` names a key column's field.
 */
export function idFromFields(
  key: TableKey,
  source: Readonly<Record<string, unknown>>,
  fieldOf: (column: string) => string = (column) => column,
): string {
  return joinKey(
    keyColumns(key).map((column) => {
      const field = fieldOf(column.name);
      const raw = ownValue(source, field);
      const value = canonicalize(raw, column.type, field);
      if (value === null) return missing({ ...column, name: field });
      if (value === "" && key.partition.length === 1 && column === key.partition[0]) emptyPartition(field);
      return partText(value, column);
    }),
  );
}

/**
 * Cassandra refuses a row whose serialized partition key is empty ("Key may not be empty"): one text,
 * varchar or ascii column holding nothing. A key of several columns is serialized with each part's
 * length, so it is never empty, whatever its parts hold.
 */
function emptyPartition(field: string): never {
  throw new ValueError(
    field,
    "an empty text: Cassandra takes no empty partition key; give the field a value",
  );
}

/** The JSON of an id's key values, in key order: a native value's text, a frozen one's parsed JSON. */
function parts(key: TableKey, id: string): unknown[] {
  const columns = keyColumns(key);
  const found = splitKey(id, columns.length);
  if (found === undefined) {
    const names = columns.map((c) => c.name).join(", ");
    throw new ValueError("id", `'${id}' is not the id of a key of ${columns.length} columns (${names})`);
  }
  return columns.map((column, i) => {
    const text = found[i] ?? "";
    if (column.type.kind === "native") return text;
    try {
      return parseJsonLossless(text);
    } catch (error) {
      throw new ValueError(
        column.name,
        `'${text}' in id '${id}' is not the JSON of a ${formatCqlType(column.type)}`,
        { cause: error },
      );
    }
  });
}

/** The driver values of an id's key columns, in key order, to bind in a statement. */
export function keyValues(key: TableKey, id: string): unknown[] {
  const values = parts(key, id);
  return keyColumns(key).map((column, i) => decodeValue(values[i], column.type, column.name));
}

/** The key fields of a document, in their canonical JSON, from its id; `fieldOf` names them. */
export function keyFields(
  key: TableKey,
  id: string,
  fieldOf: (column: string) => string = (column) => column,
): Record<string, JsonValue> {
  const values = parts(key, id);
  const fields: Record<string, JsonValue> = {};
  keyColumns(key).forEach((column, i) => {
    const field = fieldOf(column.name);
    fields[field] = canonicalize(values[i], column.type, field);
  });
  return fields;
}
