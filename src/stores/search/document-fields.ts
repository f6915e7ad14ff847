// The fields of a table's documents: each synced column's field (its own name, or the one the config
// file renames it to), and the fields synced does not own, which it reads past and keeps as they are.
// Made once per plan: the codec asks for them for every document.
import type { JsonValue } from "../../core/json-value.js";
import { NumberLiteral } from "../../core/number-literal.js";
import { keyColumns } from "../../core/table-key.js";
import type { Column, TablePlan } from "../../reconcile/table-plan.js";
import { fieldOf, objectsAbove } from "../../core/column-field.js";

export interface DocumentFields {
  readonly timestamp: string;
  readonly tombstone: string;
  /** The key columns' fields, in key order. */
  readonly key: readonly string[];
  readonly content: readonly { readonly column: Column; readonly field: string }[];
  /** Every field synced writes into a document of the table. */
  readonly owned: ReadonlySet<string>;
  /** Whether a field that synced does not own is left alone rather than refused. */
  readonly isForeign: (field: string) => boolean;
  /** The objects that hold an owned field with dots in its name (`a` for `a.b`), by dotted name. */
  readonly objects: ReadonlySet<string>;
}

const byPlan = new WeakMap<TablePlan, DocumentFields>();

export function documentFields(plan: TablePlan): DocumentFields {
  let fields = byPlan.get(plan);
  if (fields === undefined) {
    fields = makeFields(plan);
    byPlan.set(plan, fields);
  }
  return fields;
}

function makeFields(plan: TablePlan): DocumentFields {
  const timestamp = fieldOf(plan, plan.names.timestamp);
  const tombstone = fieldOf(plan, plan.names.tombstone);
  const key = keyColumns(plan.key).map((c) => fieldOf(plan, c.name));
  const content = plan.contentColumns.map((column) => ({ column, field: fieldOf(plan, column.name) }));
  const owned = new Set([...key, timestamp, tombstone, ...content.map((c) => c.field)]);
  if (plan.es.typeFilter) owned.add(plan.es.typeFilter.field);
  const foreign = plan.foreignFields;
  const listed = typeof foreign === "object" ? new Set(foreign) : undefined;
  const isForeign =
    foreign === "unlisted"
      ? (field: string) => !owned.has(field)
      : (field: string) => listed?.has(field) === true && !owned.has(field);
  const objects = new Set([...owned].flatMap(objectsAbove));
  return { timestamp, tombstone, key, content, owned, isForeign, objects };
}

/**
 * The fields of a stored document that synced does not own, to write back with it unchanged;
 * undefined when the table has none or the document holds none.
 */
export function foreignValues(plan: TablePlan, source: Source): Record<string, JsonValue> | undefined {
  if (plan.foreignFields === undefined) return undefined;
  const fields = documentFields(plan);
  const lifted = liftOwnedFields(fields, source);
  if (typeof lifted === "string") return undefined;
  let kept: Record<string, JsonValue> | undefined;
  for (const [field, value] of Object.entries(lifted)) {
    const foreign = holdsOwned(fields, field, value)
      ? foreignWithin(fields, field, value)
      : fields.isForeign(field)
        ? value
        : undefined;
    if (foreign !== undefined) setField((kept ??= {}), field, foreign);
  }
  return kept;
}

/** The fields of a document that are neither synced's nor left to others: refused. */
export function unknownFields(fields: DocumentFields, source: Source): string[] {
  const unknown: string[] = [];
  for (const field in source) {
    const value = source[field];
    if (holdsOwned(fields, field, value)) unknownWithin(fields, field, value, unknown);
    else if (!fields.owned.has(field) && !fields.isForeign(field)) unknown.push(field);
  }
  return unknown;
}

type Source = Readonly<Record<string, JsonValue | undefined>>;
type JsonObject = Readonly<Record<string, JsonValue>>;

/**
 * The document with each owned field that an object holds (`{"a": {"b": 1}}`, the field `a.b`)
 * lifted to its dotted name (`{"a.b": 1}`, as synced writes it; the cluster takes both as one), and
 * what else the object holds left in it; why not, when a field is given in both shapes. The document
 * itself when it holds no such object.
 */
export function liftOwnedFields(fields: DocumentFields, source: Source): Source | string {
  if (fields.objects.size === 0) return source;
  const objects = Object.keys(source).filter((field) => holdsOwned(fields, field, source[field]));
  if (objects.length === 0) return source;
  const lifted: Record<string, JsonValue> = {};
  for (const field in source) {
    if (!objects.includes(field)) setField(lifted, field, source[field] as JsonValue);
  }
  const twice: string[] = [];
  for (const field of objects) {
    const rest = liftWithin(fields, field, source[field] as JsonObject, lifted, twice);
    if (rest !== undefined) setField(lifted, field, rest);
  }
  if (twice.length > 0) {
    return `${twice.map((f) => `field '${f}'`).join(", ")} given twice, by that name and inside an object; keep one`;
  }
  return lifted;
}

function holdsOwned(
  fields: DocumentFields,
  field: string,
  value: JsonValue | undefined,
): value is JsonObject {
  return fields.objects.size > 0 && fields.objects.has(field) && isObject(value);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  // A number a double would change is an object in memory, and a number in its document.
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof NumberLiteral)
  );
}

/** Lifts the owned fields below `object` into `lifted`; returns what else it holds, if anything. */
function liftWithin(
  fields: DocumentFields,
  path: string,
  object: JsonObject,
  lifted: Record<string, JsonValue>,
  twice: string[],
): JsonObject | undefined {
  let rest: Record<string, JsonValue> | undefined;
  for (const name in object) {
    const field = `${path}.${name}`;
    const value = object[name] as JsonValue;
    if (fields.owned.has(field)) {
      if (Object.hasOwn(lifted, field)) twice.push(field);
      setField(lifted, field, value);
      continue;
    }
    const inner = holdsOwned(fields, field, value) ? liftWithin(fields, field, value, lifted, twice) : value;
    if (inner !== undefined) setField((rest ??= {}), name, inner);
  }
  return rest;
}

/** What of `object` (below the owned fields' objects) is left to others, in its own shape. */
function foreignWithin(fields: DocumentFields, path: string, object: JsonObject): JsonObject | undefined {
  let kept: Record<string, JsonValue> | undefined;
  for (const name in object) {
    const field = `${path}.${name}`;
    const value = object[name] as JsonValue;
    const inner = holdsOwned(fields, field, value)
      ? foreignWithin(fields, field, value)
      : fields.isForeign(field)
        ? value
        : undefined;
    if (inner !== undefined) setField((kept ??= {}), name, inner);
  }
  return kept;
}

function unknownWithin(fields: DocumentFields, path: string, object: JsonObject, unknown: string[]): void {
  for (const name in object) {
    const field = `${path}.${name}`;
    const value = object[name];
    if (holdsOwned(fields, field, value)) unknownWithin(fields, field, value, unknown);
    else if (!fields.owned.has(field) && !fields.isForeign(field)) unknown.push(field);
  }
}

/** Sets a field, even one named `__proto__`, which a plain assignment would take for the prototype. */
export function setField(document: Record<string, JsonValue>, field: string, value: JsonValue): void {
  Object.defineProperty(document, field, { value, enumerable: true, writable: true, configurable: true });
}
