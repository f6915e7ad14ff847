// Driver value → canonical JSON, the form written to Elasticsearch and compared between the stores.
//
// text, ascii, varchar: string. boolean. tinyint, smallint, int: number. bigint, counter: bigint
// (a JSON number literal). varint: decimal string. decimal: string with its scale ("1.50", "1E+400").
// float, double: number, with "NaN", "Infinity", "-Infinity" and "-0" as strings; a float prints as
// the shortest decimal that reads back as the same float32. blob: base64. date: "YYYY-MM-DD", or
// "±YYYYYY-MM-DD" outside years 0-9999. time: "HH:MM:SS.nnnnnnnnn". timestamp: ISO with
// milliseconds and "Z". uuid, timeuuid: lower case. inet: dotted IPv4 or RFC 5952 IPv6. duration:
// "1y2mo3d4h5m6s7ms8us9ns".
// list, vector: array. set: array, sorted (numbers by value, the rest by their JSON) and without
// duplicates, so the order a writer chose does not matter. map: object keyed by the key's canonical
// form as a string (a collection, tuple or UDT key by its stable JSON). tuple: array with nulls.
// UDT: object by field name, null fields left out. An empty non-frozen collection is null, as in
// Cassandra; an empty frozen one, which Cassandra keeps apart from null, is `[]` or `{}`.
import { setOwn, stableStringify, type JsonValue } from "../../core/canonical-json.js";
import type { CqlType } from "../../core/cql-type.js";
import { isEmptyCollectionBytes, keepsEmpty } from "./empty-collection.js";
import { encodeNative } from "./encode-native.js";
import { collectionHolds } from "./inet.js";
import { describeValue, elementPath, fieldPath, ValueError, within } from "../../core/value-error.js";
import { ownValue } from "../../core/own-value.js";

/**
 * The canonical JSON of a column's value read by cassandra-driver; null and undefined give null.
 * `inRecord` for a value inside a tuple or a UDT.
 */
export function encodeValue(value: unknown, type: CqlType, path: string, inRecord = false): JsonValue {
  return encodeWithin(value, type, path, false, inRecord);
}

/**
 * The canonical JSON of a value, `nested` inside another one (a tuple's element, a UDT's field), and
 * `inRecord` when anywhere inside a tuple or a UDT, where Cassandra keeps an IPv4-mapped address.
 */
function encodeWithin(
  value: unknown,
  type: CqlType,
  path: string,
  nested: boolean,
  inRecord: boolean,
): JsonValue {
  if (value === null || value === undefined) return null;
  const encoded = encodeNonNull(value, type, path, inRecord);
  return isEmpty(encoded, type) && !keepsEmpty(type, nested) ? null : encoded;
}

/** Whether `encoded` is an empty collection, or a UDT whose fields are all null. */
function isEmpty(encoded: JsonValue, type: CqlType): boolean {
  if (type.kind === "list" || type.kind === "set") return Array.isArray(encoded) && encoded.length === 0;
  if (type.kind === "map" || type.kind === "udt") {
    return typeof encoded === "object" && encoded !== null && Object.keys(encoded).length === 0;
  }
  return false;
}

/** The string a map key is written under in a JSON object. */
export function mapKeyText(key: JsonValue): string {
  return typeof key === "string" ? key : typeof key === "object" ? stableStringify(key) : String(key);
}

function refuse(value: unknown, type: CqlType, path: string, expected: string): never {
  throw new ValueError(path, `${describeValue(value)} is not a ${type.kind} value: expected ${expected}`);
}

function encodeNonNull(value: unknown, type: CqlType, path: string, inRecord: boolean): JsonValue {
  const holds = collectionHolds(inRecord);
  switch (type.kind) {
    case "native":
      return encodeNative(value, type.name, path);
    case "list":
      if (isEmptyCollectionBytes(value)) return [];
      return elementsOf(value, type, path, "an array").map((item, i) =>
        encodeElementAt(holds(item), type.element, path, i, inRecord),
      );
    case "set":
      if (isEmptyCollectionBytes(value)) return [];
      return sortedUnique(
        elementsOf(value, type, path, "an array or a Set").map((item, i) =>
          encodeElementAt(holds(item), type.element, path, i, inRecord),
        ),
      );
    case "vector": {
      const items = elementsOf(value, type, path, "a Vector or an array");
      if (items.length !== type.dimension) refuse(value, type, path, `${type.dimension} elements`);
      return items.map((item, i) => encodeElementAt(item, type.element, path, i, inRecord));
    }
    case "tuple": {
      const items = elementsOf(value, type, path, "a Tuple");
      if (items.length > type.elements.length) {
        refuse(value, type, path, `at most ${type.elements.length} elements`);
      }
      return type.elements.map((elementType, i) => {
        try {
          return encodeWithin(items[i], elementType, "", true, true);
        } catch (error) {
          throw within(error, elementPath(path, i));
        }
      });
    }
    case "map": {
      if (isEmptyCollectionBytes(value)) return {};
      const entries = entriesOf(value) ?? refuse(value, type, path, "a Map or an object");
      const result: Record<string, JsonValue> = {};
      for (const [key, item] of entries) {
        const keyText = mapKeyText(encodeElementAt(holds(key), type.key, path, String(key), inRecord));
        if (Object.hasOwn(result, keyText)) {
          refuse(value, type, path, `distinct keys, but ${JSON.stringify(keyText)} repeats`);
        }
        setOwn(result, keyText, encodeElementAt(holds(item), type.value, path, keyText, inRecord));
      }
      return result;
    }
    case "udt": {
      if (typeof value !== "object" || Array.isArray(value) || value instanceof Map)
        return refuse(value, type, path, "an object");
      const record = value as Record<string, unknown>;
      const names = new Set(type.fields.map((field) => field.name));
      const unknown = Object.keys(record).find((key) => !names.has(key));
      if (unknown !== undefined) {
        refuse(value, type, path, `only the fields of ${type.name}, not ${JSON.stringify(unknown)}`);
      }
      const result: Record<string, JsonValue> = {};
      for (const field of type.fields) {
        const raw = ownValue(record, field.name);
        let item: JsonValue;
        try {
          item = encodeWithin(raw, field.type, "", true, true);
        } catch (error) {
          throw within(error, fieldPath(path, field.name));
        }
        if (item !== null) setOwn(result, field.name, item);
      }
      return result;
    }
  }
}

function elementsOf(items: unknown, type: CqlType, path: string, expected: string): unknown[] {
  if (Array.isArray(items)) return items;
  if (items instanceof Set || items instanceof Float32Array) return Array.from(items as Iterable<unknown>);
  // Tuple and Vector both keep their items in `elements`.
  const elements = (items as { elements?: unknown }).elements;
  return Array.isArray(elements) ? elements : refuse(items, type, path, expected);
}

/** The element at `key` of the collection at `path`. */
function encodeElementAt(
  value: unknown,
  type: CqlType,
  path: string,
  key: number | string,
  inRecord: boolean,
): JsonValue {
  try {
    return encodeElement(value, type, "", inRecord);
  } catch (error) {
    throw within(error, elementPath(path, key));
  }
}

// Inside a collection, Cassandra allows no nulls. An empty collection there is frozen, a value of its
// own, which the driver reads as an empty array or Map.
function encodeElement(value: unknown, type: CqlType, path: string, inRecord: boolean): JsonValue {
  if (value === null || value === undefined) throw new ValueError(path, "a collection cannot hold null");
  return encodeNonNull(value, type, path, inRecord);
}

function entriesOf(value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return Array.from(value as Map<unknown, unknown>);
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return Object.entries(value);
  return undefined;
}

function sortedUnique(items: JsonValue[]): JsonValue[] {
  const keyed = items.map((item) => ({ item, text: stableStringify(item) }));
  keyed.sort((a, b) => {
    const numeric = (x: JsonValue) => typeof x === "number" || typeof x === "bigint";
    const [x, y] = [a.item, b.item];
    if (numeric(x) && numeric(y)) return x < y ? -1 : x > y ? 1 : 0;
    if (numeric(x) !== numeric(y)) return numeric(x) ? 1 : -1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  });
  return keyed.filter((entry, i) => i === 0 || entry.text !== keyed[i - 1]?.text).map((entry) => entry.item);
}
