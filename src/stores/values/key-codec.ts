// The typed half of core/table-key.ts: the key values of a row or the key fields of a document make
// the record id, and an id gives back the values to bind in CQL and the fields of a document. Every
// part goes through the value codec, so `007` and `7` in an int key are one id, as they are one row.
import { keyColumns, joinKey, splitKey, type KeyColumn, type TableKey } from "../../core/table-key.js";
import type { JsonValue } from "../../core/json-value.js";
import { formatCqlType } from "../../core/cql-type.js";
import { ValueError } from "../../core/value-error.js";
import { encodeValue } from "./encode.js";
import { canonicalize, decodeValue } from "./decode.js";

/** The id text of one key value in its canonical JSON: a string, or an integer. */
function partText(value: JsonValue, column: KeyColumn): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  throw new ValueError(column.name, `a ${formatCqlType(column.type)} cannot be part of a record's id`);
}

function missing(column: KeyColumn): never {
  throw new ValueError(column.name, "no value: every key column must have one");
}

/** The id of the record a row holds, from its key columns as cassandra-driver read them. */
export function idFromRow(key: TableKey, get: (column: string) => unknown): string {
  return joinKey(
    keyColumns(key).map((column) => {
      const value = encodeValue(get(column.name), column.type, column.name);
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
      const value = canonicalize(source[field], column.type, field);
      return value === null ? missing({ ...column, name: field }) : partText(value, column);
    }),
  );
}

function parts(key: TableKey, id: string): string[] {
  const columns = keyColumns(key);
  const found = splitKey(id, columns.length);
  if (found === undefined) {
    const names = columns.map((c) => c.name).join(", ");
    throw new ValueError("id", `'${id}' is not the id of a key of ${columns.length} columns (${names})`);
  }
  return found;
}

/** The driver values of an id's key columns, in key order, to bind in a statement. */
export function keyValues(key: TableKey, id: string): unknown[] {
  const texts = parts(key, id);
  return keyColumns(key).map((column, i) => decodeValue(texts[i], column.type, column.name));
}

/** The key fields of a document, in their canonical JSON, from its id; `fieldOf` names them. */
export function keyFields(
  key: TableKey,
  id: string,
  fieldOf: (column: string) => string = (column) => column,
): Record<string, JsonValue> {
  const texts = parts(key, id);
  const fields: Record<string, JsonValue> = {};
  keyColumns(key).forEach((column, i) => {
    const field = fieldOf(column.name);
    fields[field] = canonicalize(texts[i], column.type, field);
  });
  return fields;
}
