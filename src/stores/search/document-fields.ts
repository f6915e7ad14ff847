// The fields of a table's documents: each synced column's field (its own name, or the one the config
// file renames it to), and the fields synced does not own, which it reads past and keeps as they are.
// Made once per plan: the codec asks for them for every document.
import type { JsonValue } from "../../core/json-value.js";
import { keyColumns } from "../../core/table-key.js";
import type { Column, TablePlan } from "../../reconcile/table-plan.js";
import { fieldOf } from "../../core/column-field.js";

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
  return { timestamp, tombstone, key, content, owned, isForeign };
}

/**
 * The fields of a stored document that synced does not own, to write back with it unchanged;
 * undefined when the table has none or the document holds none.
 */
export function foreignValues(
  plan: TablePlan,
  source: Readonly<Record<string, JsonValue | undefined>>,
): Record<string, JsonValue> | undefined {
  if (plan.foreignFields === undefined) return undefined;
  const { isForeign } = documentFields(plan);
  let kept: Record<string, JsonValue> | undefined;
  for (const [field, value] of Object.entries(source)) {
    if (value === undefined || !isForeign(field)) continue;
    kept ??= {};
    setField(kept, field, value);
  }
  return kept;
}

/** Sets a field, even one named `__proto__`, which a plain assignment would take for the prototype. */
export function setField(document: Record<string, JsonValue>, field: string, value: JsonValue): void {
  Object.defineProperty(document, field, { value, enumerable: true, writable: true, configurable: true });
}
