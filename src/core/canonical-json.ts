// The canonical JSON of a record: what both stores' values are turned into before they are compared,
// digested or written to Elasticsearch. JS `bigint` stands for an integer that a double cannot hold
// and is written as a plain JSON number literal.
import { parse } from "lossless-json";
import type { JsonValue } from "./json-value.js";
import { NumberLiteral, readNumberLiteral } from "./number-literal.js";
import { ownValue } from "./own-value.js";

export type { JsonValue };

/**
 * Deterministic JSON: object keys sorted by UTF-16 code unit, null-valued keys left out, bigint as a
 * number literal. Two values print the same exactly when they hold the same content.
 */
export function stableStringify(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
      return JSON.stringify(value);
    case "string":
    case "boolean":
      return JSON.stringify(value);
  }
  if (value instanceof NumberLiteral) return value.text;
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const item = value[key];
      return item === null || item === undefined ? [] : [`${JSON.stringify(key)}:${stableStringify(item)}`];
    });
  return `{${entries.join(",")}}`;
}

/**
 * Whether two values have the same canonical JSON, as `stableStringify(a) === stableStringify(b)`
 * would say, without printing either: comparing every record of a rerun must stay cheap.
 */
export function canonicalEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (a instanceof NumberLiteral || b instanceof NumberLiteral) {
    const text = numericText(a);
    return text !== undefined && text === numericText(b);
  }
  switch (typeof a) {
    case "number":
    case "bigint":
      // A number and a bigint print the same digits exactly when they hold the same integer.
      return (typeof b === "number" || typeof b === "bigint") && String(a) === String(b);
    case "string":
    case "boolean":
      return false;
  }
  if (typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => canonicalEqual(item, b[i]));
  }
  // Keys holding null are left out of the canonical form, so they do not count.
  let present = 0;
  for (const key in a) {
    const item = a[key];
    if (item === null || item === undefined) continue;
    present++;
    if (!canonicalEqual(item, ownValue(b, key))) return false;
  }
  for (const key in b) if (b[key] !== null && b[key] !== undefined) present--;
  return present === 0;
}

/** The digits stableStringify prints for a number, or undefined for any other value. */
function numericText(value: JsonValue): string | undefined {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return value instanceof NumberLiteral ? value.text : undefined;
}

/**
 * JSON.parse, except that integer literals beyond ±2^53 come back as exact `bigint`s, and other
 * literals a double would change as NumberLiterals. Duplicate keys keep the last value, as JSON.parse
 * does.
 */
export function parseJsonLossless(text: string): unknown {
  return parse(text, null, {
    parseNumber: readNumberLiteral,
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

/** Sets an own enumerable property, even one named `__proto__`, which plain assignment would not. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
