// JSON (as read from Elasticsearch by the lossless serializer) → the value to bind to a prepared
// statement, for a Client created with CASSANDRA_ENCODING. Every value is checked against its type;
// anything that does not fit exactly is refused with a ValueError rather than rounded or guessed.
//
// Besides the canonical forms of encode.ts, these are accepted, because other applications write them:
// - integers (tinyint to bigint, varint): numbers up to ±2^53, exact integer literals, digit strings.
// - decimal: any JSON number or numeric string, "1.5e3" included; float, double: numeric strings.
// - boolean: the strings "true" and "false", which Elasticsearch itself accepts.
// - timestamp: ISO 8601 with any fraction (truncated to milliseconds) and any offset, a date or a month
//   alone (midnight UTC), an hour without minutes, or epoch milliseconds as a number or a digit string;
//   four digits alone are a year, as the date field reads them.
// - date: an ISO date-time at exactly midnight UTC.
// - duration: ISO 8601 (`P1Y2M3DT4H5M6S`, `P2W`) as well as the unit syntax.
// - list, set: a single value where the element is not itself an array, as Elasticsearch treats
//   `x` and `[x]` alike.
// - inet directly in a list, set or map: an IPv4-mapped address ("::ffff:1.2.3.4") is the IPv4 one
//   ("1.2.3.4"), which is what Cassandra keeps there; a set or map keys holding both are refused.
// Refused: numbers for time, date, uuid or inet; text for non-string types other than the above;
// unknown UDT fields; wrong tuple arity or vector dimension; nulls inside a collection; map keys that
// repeat once normalized ("1" and "01" for an int key), and set elements or map keys that Cassandra
// takes for one though they differ (decimals of one value: "1.0" and "1.00").
import cassandra from "cassandra-driver";
import { parseJsonLossless, setOwn, type JsonValue } from "../../core/canonical-json.js";
import { formatCqlType, type CqlType } from "../../core/cql-type.js";
import { NumberLiteral } from "../../core/number-literal.js";
import { cassandraIdentity, holdsDecimal, holdsInet } from "./cassandra-equality.js";
import { CqlMap } from "./cql-map.js";
import { decodeNative } from "./decode-native.js";
import { collectionHolds } from "./inet.js";
import { emptyCollectionBytes, keepsEmpty } from "./empty-collection.js";
import { encodeValue, mapKeyText } from "./encode.js";
import { describeValue, elementPath, fieldPath, ValueError, within } from "../../core/value-error.js";
import { ownValue } from "../../core/own-value.js";

const { types } = cassandra;

function refuse(json: unknown, type: CqlType, path: string, expected: string): never {
  throw new ValueError(
    path,
    `${describeValue(json)} is not a valid ${formatCqlType(type)}: expected ${expected}`,
  );
}

/**
 * The driver value for a column's `json`; null and undefined give null, as does an empty non-frozen
 * collection. An empty frozen one gives its bytes, which the driver writes as they are.
 */
export function decodeValue(json: unknown, type: CqlType, path: string): unknown {
  return decodeWithin(json, type, path, false, false);
}

/**
 * The driver value for `json`, `nested` inside another value (a tuple's element, a UDT's field), and
 * `inRecord` when anywhere inside a tuple or a UDT, where Cassandra keeps an IPv4-mapped address.
 */
function decodeWithin(
  json: unknown,
  type: CqlType,
  path: string,
  nested: boolean,
  inRecord: boolean,
): unknown {
  if (json === null || json === undefined) return null;
  const holds = collectionHolds(inRecord);
  switch (type.kind) {
    case "native":
      return decodeNative(json, type.name, path);
    case "list":
    case "set": {
      const items = Array.isArray(json)
        ? json
        : isArrayEncoded(type.element)
          ? refuse(json, type, path, "an array")
          : [json];
      const values = items.map((item, i) => holds(decodeElementAt(item, type.element, path, i, inRecord)));
      if (type.kind === "set") refuseElementsCassandraMerges(items, values, type.element, path, inRecord);
      return values.length === 0 ? emptyOf(type, nested) : values;
    }
    case "vector": {
      if (!Array.isArray(json) || json.length !== type.dimension)
        return refuse(json, type, path, `an array of ${type.dimension}`);
      const values = json.map((item, i) => decodeElementAt(item, type.element, path, i, inRecord));
      return new types.Vector(values, formatCqlType(type.element));
    }
    case "tuple": {
      if (!Array.isArray(json) || json.length !== type.elements.length) {
        return refuse(
          json,
          type,
          path,
          `an array of ${type.elements.length} (null where a value is missing)`,
        );
      }
      return types.Tuple.fromArray(
        type.elements.map((t, i) => {
          try {
            return decodeWithin(json[i], t, "", true, true);
          } catch (error) {
            throw within(error, elementPath(path, i));
          }
        }),
      );
    }
    case "map": {
      const record = plainObject(json) ?? refuse(json, type, path, "an object");
      // A CqlMap binds the float or double keys -0 and 0 as two, as the document holds them.
      const map = new CqlMap<unknown, unknown>();
      // Keys are told apart as Cassandra tells them apart: decimals by value (cassandra-equality.ts).
      const byValue = holdsDecimal(type.key);
      const seen = new Map<string, Seen>();
      for (const [keyText, item] of Object.entries(record)) {
        try {
          const given = mapKey(keyText, type.key, "");
          const key = holds(decodeElement(given, type.key, "", inRecord));
          const encoded = encodeValue(key, type.key, "", inRecord);
          const canonical = mapKeyText(encoded);
          const identity = byValue ? cassandraIdentity(encoded, type.key) : canonical;
          const other = seen.get(identity);
          if (other !== undefined) {
            const merged = mergedByCassandra({ given, canonical }, other, type.key, "key");
            throw new ValueError("", merged ?? `the key repeats another one: ${canonical}`);
          }
          seen.set(identity, { given, canonical });
          map.set(key, holds(decodeElement(item, type.value, "", inRecord)));
        } catch (error) {
          throw within(error, elementPath(path, keyText));
        }
      }
      return map.size === 0 ? emptyOf(type, nested) : map;
    }
    case "udt": {
      const record = plainObject(json) ?? refuse(json, type, path, `an object with fields of ${type.name}`);
      const names = new Set(type.fields.map((field) => field.name));
      const unknown = Object.keys(record).find((key) => !names.has(key));
      if (unknown !== undefined) {
        throw new ValueError(
          fieldPath(path, unknown),
          `${type.name} has no field ${JSON.stringify(unknown)}`,
        );
      }
      // Every field is set, to null when absent, so the driver never sends "unset" inside a UDT.
      const value: Record<string, unknown> = {};
      for (const field of type.fields) {
        const item = ownValue(record, field.name);
        try {
          setOwn(value, field.name, decodeWithin(item, field.type, "", true, true));
        } catch (error) {
          throw within(error, fieldPath(path, field.name));
        }
      }
      return value;
    }
  }
}

/**
 * Refuses a set whose elements Cassandra would keep one of although they differ (decimals of one
 * value and other scales: "1.0" and "1.00"; an IPv4-mapped address and its IPv4 one directly in a
 * collection), since which one it keeps is not the document's to say, and the row would hold fewer
 * elements than the document. Elements that are the same value written alike ("1" and "01" of an
 * int) are one element, as before.
 */
function refuseElementsCassandraMerges(
  items: readonly unknown[],
  values: readonly unknown[],
  element: CqlType,
  path: string,
  inRecord: boolean,
): void {
  if (values.length < 2 || !(holdsDecimal(element) || (!inRecord && holdsInet(element)))) return;
  const seen = new Map<string, Seen>();
  values.forEach((value, i) => {
    const encoded = encodeValue(value, element, "", inRecord);
    const canonical = mapKeyText(encoded);
    const identity = cassandraIdentity(encoded, element);
    const other = seen.get(identity);
    const merged = other && mergedByCassandra({ given: items[i], canonical }, other, element, "element");
    if (merged !== undefined) throw new ValueError(elementPath(path, i), merged);
    if (other === undefined) seen.set(identity, { given: items[i], canonical });
  });
}

/** A set's element or a map's key as the document holds it, and as Cassandra would. */
interface Seen {
  readonly given: unknown;
  readonly canonical: string;
}

/**
 * Why Cassandra would hold `one` and `other`, which it takes for one value, as one, or undefined when
 * the document wrote the same value twice. A decimal keeps its scale everywhere, so two of one value
 * differ in their canonical forms; an IPv4-mapped address is held as the IPv4 one, so the two differ
 * only as written, which a tuple's or UDT's reading, that keeps an address as given, tells.
 */
function mergedByCassandra(
  one: Seen,
  other: Seen,
  type: CqlType,
  what: "key" | "element",
): string | undefined {
  if (one.canonical !== other.canonical) {
    return `${one.canonical} is the same ${what} as ${other.canonical} to Cassandra, which compares decimals by value and keeps one of them: write it once`;
  }
  if (!holdsInet(type)) return undefined;
  const [mine, theirs] = [asGiven(one.given, type), asGiven(other.given, type)];
  if (mine === theirs) return undefined;
  return (
    `${mine} is the same ${what} as ${theirs} to Cassandra, which keeps an IPv4-mapped address in a ` +
    "list, set or map as the IPv4 one: write it once"
  );
}

/** The canonical text of a document's value as written, an IPv4-mapped address kept as given. */
function asGiven(json: unknown, type: CqlType): string {
  return mapKeyText(encodeValue(decodeWithin(json, type, "", true, true), type, "", true));
}

/** The driver value of an empty collection of `type`: null where Cassandra keeps no empty one. */
function emptyOf(type: CqlType, nested: boolean): unknown {
  return keepsEmpty(type, nested) ? emptyCollectionBytes() : null;
}

/** The element at `key` of the collection at `path`. */
function decodeElementAt(
  json: unknown,
  type: CqlType,
  path: string,
  key: number,
  inRecord: boolean,
): unknown {
  try {
    return decodeElement(json, type, "", inRecord);
  } catch (error) {
    throw within(error, elementPath(path, key));
  }
}

/** Decodes, then encodes again: what the same value reads as from Cassandra, for comparison. */
export function canonicalize(json: unknown, type: CqlType, path = ""): JsonValue {
  return encodeValue(decodeValue(json, type, path), type, path);
}

// An empty collection in a collection is frozen: decodeWithin gives its bytes, which the driver
// writes as they are at any depth, as it does for a column.
function decodeElement(json: unknown, type: CqlType, path: string, inRecord: boolean): unknown {
  if (json === null || json === undefined) throw new ValueError(path, "a collection cannot hold null");
  return decodeWithin(json, type, path, true, inRecord);
}

// Keys of collection, tuple, UDT or vector type are written as their stable JSON (see mapKeyText).
function mapKey(keyText: string, type: CqlType, path: string): unknown {
  if (type.kind === "native") return keyText;
  try {
    return parseJsonLossless(keyText);
  } catch (error) {
    throw new ValueError(path, `a ${formatCqlType(type)} key must be written as JSON`, { cause: error });
  }
}

function isArrayEncoded(type: CqlType): boolean {
  return type.kind === "list" || type.kind === "set" || type.kind === "tuple" || type.kind === "vector";
}

function plainObject(json: unknown): Record<string, unknown> | undefined {
  // A number a double would change is an object in memory, and a number in its document.
  return typeof json === "object" &&
    json !== null &&
    !Array.isArray(json) &&
    !(json instanceof Map) &&
    !(json instanceof NumberLiteral)
    ? (json as Record<string, unknown>)
    : undefined;
}
