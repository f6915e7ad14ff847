// When Cassandra takes two elements of a set, or two keys of a map, for one. Its comparator for the
// type decides, and for a decimal it compares values (Java's BigDecimal.compareTo): 1.0, 1.00 and
// 1E+0 are one element, though a decimal column keeps each one's scale, and so does the canonical
// JSON (encode.ts). A document's set ["1.0", "1.00"] was written to a set Cassandra keeps one of, then
// compared with the row as a difference on every run. For every other type the canonical JSON is
// already one spelling per value as Cassandra compares them (-0.0 and 0.0 are two to both, every NaN
// one to both, a timestamp is milliseconds to both).
import { parseJsonLossless, stableStringify, type JsonValue } from "../../core/canonical-json.js";
import { holdsType, type CqlType } from "../../core/cql-type.js";
import { parseDecimalText } from "./numbers.js";

/** Whether a value of `type` holds a decimal anywhere, the one type whose equality is coarser. */
export function holdsDecimal(type: CqlType): boolean {
  return holdsType(type, isDecimal);
}

/** Whether a value of `type` holds an inet anywhere, which a collection holds as its IPv4 one. */
export function holdsInet(type: CqlType): boolean {
  return holdsType(type, isInet);
}

// Made once: a set's or map's decoding asks for every value.
const isDecimal = (type: CqlType): boolean => type.kind === "native" && type.name === "decimal";
const isInet = (type: CqlType): boolean => type.kind === "native" && type.name === "inet";

/**
 * One text per value as Cassandra compares values of `type`, from the value's canonical JSON: two
 * values are one set element or map key to Cassandra exactly when their texts are equal.
 */
export function cassandraIdentity(canonical: JsonValue, type: CqlType): string {
  return stableStringify(identityOf(canonical, type));
}

function identityOf(json: JsonValue, type: CqlType): JsonValue {
  if (json === null) return null;
  switch (type.kind) {
    case "native":
      return type.name === "decimal" && typeof json === "string" ? decimalValue(json) : json;
    case "list":
    case "vector":
      return Array.isArray(json) ? json.map((item) => identityOf(item, type.element)) : json;
    case "set": {
      if (!Array.isArray(json)) return json;
      const texts = json.map((item) => cassandraIdentity(item, type.element));
      return [...new Set(texts)].sort();
    }
    case "map": {
      if (typeof json !== "object" || Array.isArray(json)) return json;
      const entries = Object.entries(json as Record<string, JsonValue>).map(([keyText, value]) => [
        cassandraIdentity(
          type.key.kind === "native" ? keyText : (parseJsonLossless(keyText) as JsonValue),
          type.key,
        ),
        stableStringify(identityOf(value, type.value)),
      ]);
      return entries.sort(([a = ""], [b = ""]) => (a < b ? -1 : a > b ? 1 : 0));
    }
    case "tuple":
      return Array.isArray(json)
        ? json.map((item, i) => {
            const elementType = type.elements[i];
            return elementType === undefined ? item : identityOf(item, elementType);
          })
        : json;
    case "udt": {
      if (typeof json !== "object" || Array.isArray(json)) return json;
      const record = json as Record<string, JsonValue>;
      return type.fields.map((field) =>
        Object.hasOwn(record, field.name) ? identityOf(record[field.name] ?? null, field.type) : null,
      );
    }
  }
}

/** A decimal's value apart from its scale: 1.0, 1.00 and 1E+0 all give "1e0". */
function decimalValue(text: string): string {
  const decimal = parseDecimalText(text);
  if (typeof decimal === "string") return text;
  let { unscaled, scale } = decimal;
  if (unscaled === 0n) return "0e0";
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale -= 1;
  }
  return `${unscaled}e${-scale}`;
}
