// What to do about a document field that no column holds, fit to the field: --create-columns makes a
// column only for a field whose name can be a column's field and whose value a simple CQL type holds.
import type { JsonValue } from "./json-value.js";

type Kind = "reserved" | "by hand" | "creatable";

const ADVICE: Readonly<Record<Kind, string>> = {
  reserved:
    "no column's field may start with _: move its values to a field of another name in the index " +
    "(an _update_by_query) and replay this letter, or remove the field",
  "by hand":
    "--create-columns makes no column for an object or a dotted field: create the column by hand (with " +
    "a user-defined type for an object; named as the field for a dotted one) and replay this letter, " +
    "or remove the field",
  creatable: "add the column (or run with --create-columns) and replay this letter, or remove the field",
};

function isObject(value: JsonValue | undefined): boolean {
  if (Array.isArray(value)) return value.some(isObject);
  return typeof value === "object" && value !== null;
}

/** How a field without a column can get one, from its name and, where known, its value. */
export function fieldKind(field: string, value?: JsonValue): Kind {
  if (field.startsWith("_")) return "reserved";
  return field.includes(".") || isObject(value) ? "by hand" : "creatable";
}

/** The advice for these fields of `source`: one sentence when they share it, else one per field. */
export function fieldAdvice(
  fields: readonly string[],
  source: Readonly<Record<string, JsonValue | undefined>>,
): string {
  const kinds = new Map<Kind, string[]>();
  for (const field of fields) {
    const kind = fieldKind(field, source[field]);
    kinds.set(kind, [...(kinds.get(kind) ?? []), field]);
  }
  if (kinds.size <= 1) return ADVICE[[...kinds.keys()][0] ?? "creatable"];
  return [...kinds]
    .map(([kind, named]) => `for ${named.map((f) => `'${f}'`).join(", ")}: ${ADVICE[kind]}`)
    .join("; ");
}

/** The advice for one field, known by its name only (a log line for all its documents). */
export function adviceByName(field: string): string | undefined {
  const kind = fieldKind(field);
  return kind === "creatable"
    ? undefined
    : ADVICE[kind].replace(/ and replay this letter/, " and replay the letters");
}
