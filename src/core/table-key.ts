// A table's primary key as synced sees it, and the one text a record's key becomes: the record id,
// which is also the document `_id` (after the type-field layout's prefix). The key is the partition
// key columns, then the clustering columns, without the timestamp column (the last clustering column
// of a versioned table, which holds versions of one record, not records).
//
// The id is reversible and has one spelling per key: each column's value in its canonical text (the
// value codec's form: a uuid in lower case, an int in decimal, a timestamp in ISO with milliseconds),
// and, for a key of several columns, those texts joined with `|`, where a `%` or `|` inside a value
// is written `%25` or `%7C`. A key of one column is its value's text as is, so a table keyed by one
// uuid keeps exactly the `_id` synced always gave it. The way back never parses `_id`: a document
// holds each key column as a field, and the id is built from those fields.
import type { CqlType } from "./cql-type.js";

export interface KeyColumn {
  readonly name: string;
  readonly type: CqlType;
}

export interface TableKey {
  /** The partition key columns, in their order. */
  readonly partition: readonly KeyColumn[];
  /** The clustering columns that tell records apart, in their order; the timestamp is not one. */
  readonly clustering: readonly KeyColumn[];
}

const SEPARATOR = "|";

/** Every key column, partition columns first: the order of the id's parts. */
export function keyColumns(key: TableKey): readonly KeyColumn[] {
  return key.clustering.length === 0 ? key.partition : [...key.partition, ...key.clustering];
}

/** The key of one uuid partition column, the shape synced began with. */
export function singleKey(name: string, type: CqlType = { kind: "native", name: "uuid" }): TableKey {
  return { partition: [{ name, type }], clustering: [] };
}

/** Whether a column holds a UUID, which is one value in either case. */
function holdsUuid(column: KeyColumn | undefined): boolean {
  return column?.type.kind === "native" && (column.type.name === "uuid" || column.type.name === "timeuuid");
}

/** Whether the key is one uuid or timeuuid column, whose id an application may spell in upper case. */
export function isUuidKey(key: TableKey): boolean {
  return key.partition.length === 1 && key.clustering.length === 0 && holdsUuid(key.partition[0]);
}

/**
 * Where an id's parts are spelled as a UUID, which an application may spell in upper case: the
 * positions of the key's uuid and timeuuid columns, and how many parts the id has.
 */
export interface UuidParts {
  readonly at: readonly number[];
  readonly count: number;
}

export function uuidParts(key: TableKey): UuidParts {
  const columns = keyColumns(key);
  return { at: columns.flatMap((column, i) => (holdsUuid(column) ? [i] : [])), count: columns.length };
}

/**
 * The id with its UUID parts respelled by `spell`, its other parts as they are. A UUID holds no `%`
 * or `|`, so its part reads the same escaped or not. An id of another number of parts is returned as
 * it is: it is no id of this key.
 */
export function respellUuids(id: string, uuids: UuidParts, spell: (uuid: string) => string): string {
  if (uuids.at.length === 0) return id;
  if (uuids.count === 1) return spell(id);
  const parts = id.split(SEPARATOR);
  if (parts.length !== uuids.count) return id;
  for (const i of uuids.at) parts[i] = spell(parts[i] ?? "");
  return parts.join(SEPARATOR);
}

/** The id with its UUIDs in upper case, as applications often write them (.NET, SQL Server). */
export function upperUuids(id: string, uuids: UuidParts): string {
  return respellUuids(id, uuids, (uuid) => uuid.toUpperCase());
}

/**
 * The spellings of record `id` that a lookup by id tries: the id, then, where it differs, the id with
 * its UUIDs in upper case (`otherSpelling`). A document held under any other spelling is found by no
 * lookup.
 */
export function idSpellings(key: TableKey, id: string): readonly string[] {
  const other = otherSpelling(id, uuidParts(key));
  return other === undefined ? [id] : [id, other];
}

/**
 * The spelling a lookup by id tries after `id` itself, or undefined when there is none. The lookup of a
 * batch calls this once per id with the key's `uuidParts` computed once, so it allocates no list per id.
 */
export function otherSpelling(id: string, uuids: UuidParts): string | undefined {
  const upper = upperUuids(id, uuids);
  return upper === id ? undefined : upper;
}

function escapePart(text: string): string {
  return text.replaceAll("%", "%25").replaceAll(SEPARATOR, "%7C");
}

function unescapePart(text: string): string | undefined {
  if (/%(?!25|7C)/.test(text)) return undefined;
  return text.replaceAll("%7C", SEPARATOR).replaceAll("%25", "%");
}

/** The id of a key whose columns' canonical texts are `parts`, in key order. */
export function joinKey(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] ?? "") : parts.map(escapePart).join(SEPARATOR);
}

/** The canonical texts of an id's `count` parts, or undefined when it has another number of them. */
export function splitKey(id: string, count: number): string[] | undefined {
  if (count === 1) return [id];
  const parts = id.split(SEPARATOR);
  if (parts.length !== count) return undefined;
  const out: string[] = [];
  for (const part of parts) {
    const text = unescapePart(part);
    if (text === undefined) return undefined;
    out.push(text);
  }
  return out;
}
