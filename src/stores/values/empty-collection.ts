// An empty frozen collection is a value of its own in Cassandra, apart from null: the column holds the
// collection's bytes, a count of 0. A non-frozen collection keeps no empty value (its elements are
// cells, and no cell is no value), so there an empty one is null. Anything nested in a column's value
// (a tuple's element, a user-defined type's field) is frozen, whatever its type string says.
import type { CqlType } from "../../core/cql-type.js";

/** Whether an empty value of `type` is a value of its own; `nested` inside another value. */
export function keepsEmpty(type: CqlType, nested: boolean): boolean {
  if (type.kind !== "list" && type.kind !== "set" && type.kind !== "map" && type.kind !== "udt") return true;
  return nested || type.frozen;
}

/**
 * An empty list, set or map to bind: cassandra-driver 4.10 sends null for an empty array, Set or Map,
 * but passes a Buffer through as the value's bytes, here the element count, 0.
 */
export function emptyCollectionBytes(): Buffer {
  return Buffer.alloc(4);
}

/** Whether a value bound for a list, set or map is `emptyCollectionBytes`. */
export function isEmptyCollectionBytes(value: unknown): boolean {
  return value instanceof Buffer && value.length === 4 && value.readInt32BE(0) === 0;
}
