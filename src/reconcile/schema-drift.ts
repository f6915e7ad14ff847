// How a table and its index have drifted apart since the index was made: columns added to the table
// whose fields the index does not map yet, fields the index maps that no column holds, and columns
// whose field is mapped with a type that no longer fits them. Pure, like the rest of the plan.
import { mappedFieldConflict } from "../core/field-compatibility.js";
import type { Layout } from "../core/layout.js";
import { keyColumns } from "../core/table-key.js";
import { formatCqlType, type CqlType } from "../core/cql-type.js";
import { fieldOf, objectsAbove } from "../core/column-field.js";
import type { Column, TablePlan } from "./table-plan.js";
import { describeHolders, type FieldHolders } from "./field-holders.js";
import { fieldsBelowClashes } from "./shared-index-fields.js";

const BOOLEAN: CqlType = { kind: "native", name: "boolean" };

/** A field of an index's mapping, as the schema gateway read it. */
export interface MappedField {
  /** Its type in the mapping: "object" for an object with properties. */
  readonly type: string;
  /** The column a field of this mapping would become (--create-columns), or why there is none. */
  readonly column: { readonly type: CqlType } | { readonly problem: string };
  /**
   * Its date fields, or those of its objects, whose format synced cannot read exactly
   * (stores/search/date-formats.ts), by their path below it: "" for the field itself, "arrived" for
   * a property of an object (a user-defined type's field).
   */
  readonly unreadableFormats?: ReadonlyMap<string, UnreadableFormat>;
  /**
   * Its date_nanos fields, or those of its objects (of a `nested` one too), by their path below it as
   * for unreadableFormats, each with its own `ignore_malformed` where the mapping sets one.
   */
  readonly dateNanos?: ReadonlyMap<string, boolean | undefined>;
  /** A property of an object (`a.b`), which only a column of that dotted name holds. */
  readonly nested?: true;
  /** Its own `ignore_malformed`, where the mapping sets one: it overrides the index's setting. */
  readonly ignoreMalformed?: boolean;
  /** An object mapped with `enabled: false`, kept in `_source` only: the cluster takes any value there. */
  readonly disabled?: true;
  /**
   * Another field's `copy_to` fills it at indexing: it is searched, and an exists query finds it, but
   * no document's `_source` holds it, so it is no column's to make.
   */
  readonly copied?: true;
}

export interface UnreadableFormat {
  readonly type: string;
  readonly format: string;
}

/** A field the index maps that no column of the table holds. */
export interface UnmappedField {
  readonly field: string;
  /** Its type in the mapping, as MappedField's. */
  readonly type: string;
  readonly column: MappedField["column"];
}

export interface SchemaDrift {
  /**
   * Columns whose field the index does not map yet, mapped with synced's type first: content columns
   * added since the index was made, and the key and tombstone columns of an index made beforehand
   * without them, which every document synced writes holds.
   */
  readonly newFields: readonly Column[];
  /**
   * Fields the index maps that are no column's and that the table's settings do not leave to others.
   * Candidates only: a shared index maps other types' fields too, and a mapping keeps a field no
   * document holds any more, so the documents are asked before a column is made for one.
   */
  readonly unmapped: readonly UnmappedField[];
}

/**
 * Why the table is refused: each synced column whose field the index maps with a type of another
 * family, with what to do. Undefined when every mapped field fits. `holders`, in the type-field
 * layout: the other tables' columns a field stands for, whose fix is a field of another name, not a
 * column's former type.
 */
export function typeConflicts(
  plan: TablePlan,
  fields: ReadonlyMap<string, MappedField>,
  layout: Layout,
  holders?: FieldHolders,
): string | undefined {
  const found: string[] = [];
  // The type-field layout judges the fields below a column in its one index with the other tables'
  // (shared-index-fields.ts), with advice of its own.
  const below = layout === "index-per-table" ? fieldsBelowClashes(plan, fields) : undefined;
  /** The columns whose field other tables' columns hold, as the mapping was made from theirs. */
  const shared: string[] = [];
  for (const column of [...keyColumns(plan.key), ...plan.contentColumns]) {
    const field = fieldOf(plan, column.name);
    const mapped = fields.get(field);
    const conflict = mapped === undefined ? undefined : mappedFieldConflict(column.type, mapped);
    const named = field === column.name ? `its field ${field}` : `its field '${field}'`;
    const described = `column ${column.name} of ${plan.keyspace}.${plan.table} is ${formatCqlType(column.type)}`;
    if (mapped !== undefined && conflict !== undefined) {
      const others = holders?.(plan.table, field, mapped.type) ?? [];
      if (others.length > 0) shared.push(column.name);
      const held = others.length === 0 ? "" : `, as ${describeHolders(others)} holds it`;
      found.push(
        `${described}, but index ${plan.es.index} maps ${named} as ${mapped.type}${held}, and ${conflict}`,
      );
      continue;
    }
    const clash = below?.get(column.name);
    if (clash !== undefined) found.push(clash);
    if (mapped?.unreadableFormats !== undefined) {
      // A number in seconds would be read as milliseconds, and written to the row as a time in 1970.
      for (const path of timestampPaths(column.type)) {
        const date = mapped.unreadableFormats.get(path);
        if (date === undefined) continue;
        const sub = path === "" ? named : `its field ${field}.${path}`;
        found.push(
          `${described}, but index ${plan.es.index} maps ${sub} as ${date.type} with format ` +
            `'${date.format}', whose values synced cannot read as timestamps (it reads ISO-8601 ` +
            "text and epoch milliseconds)",
        );
      }
    }
  }
  if (found.length === 0) return undefined;
  if (shared.length > 0) return sharedFieldAdvice(plan, found, shared);
  const move =
    layout === "index-per-table"
      ? `move the table to a new index (the config file's tables.${plan.table}.index: synced creates it ` +
        "from the table and copies the table whole), or reindex"
      : "reindex";
  return (
    `${found.join("; ")}. A mapping cannot change a field's type or format: ${move} ${plan.es.index} ` +
    "into an index whose fields fit the columns, or give the columns types that fit the fields (their " +
    "former types, where a column's type changed). The table is not synced until then, and the " +
    "checkpoint stays (leave the table out with --exclude-tables to let it move)."
  );
}

/**
 * Columns that share their fields with other tables' columns in the type-field layout's one index,
 * which was mapped from theirs: no column's type changed, and no reindex gives one field two types.
 * The mapping stays as it is, so only a field of another name for this table's columns fits it.
 */
function sharedFieldAdvice(plan: TablePlan, found: readonly string[], columns: readonly string[]): string {
  const rename = `tables.${plan.table}.rename: {${columns.map((c) => `${c}: <field>`).join(", ")}}`;
  const give = columns.length === 1 ? "column a field of another name" : "columns fields of other names";
  return (
    `${found.join("; ")}. The one index of the type-field layout maps a field once for all its tables, ` +
    `as the first to map it did: give the table's ${give} in the config file (${rename}), and move ` +
    `the field in the documents of ${plan.table} that the index holds (with _update_by_query or a ` +
    "reindex: a run dead-letters each one not moved yet, and synced dead-letters replay syncs it once " +
    "moved), or sync the tables into indices of their own (--layout index-per-table, with an -i that " +
    "names no index yet). The table is not synced until then, and the checkpoint stays (leave the " +
    "table out with --exclude-tables to let it move)."
  );
}

/**
 * Where a column of `type` keeps timestamps in its document, by path below its field: the field
 * itself for a timestamp or a list of them, a property for a user-defined type's field. A map's or a
 * tuple's values are kept in fields of no date type, so none are there.
 */
export function timestampPaths(type: CqlType, path = ""): string[] {
  switch (type.kind) {
    case "native":
      return type.name === "timestamp" ? [path] : [];
    case "list":
    case "set":
    case "vector":
      return timestampPaths(type.element, path);
    case "udt":
      return type.fields.flatMap((f) => timestampPaths(f.type, path === "" ? f.name : `${path}.${f.name}`));
    case "map":
    case "tuple":
      return [];
  }
}

/** What has drifted between the table's columns (`columns`: every column of it) and the index's fields. */
export function schemaDrift(
  plan: TablePlan,
  columns: readonly { readonly name: string }[],
  fields: ReadonlyMap<string, MappedField>,
): SchemaDrift {
  // An index that refuses fields it does not map ("dynamic": "strict") would refuse every document.
  const tombstone: Column[] = plan.hasTombstone ? [{ name: plan.names.tombstone, type: BOOLEAN }] : [];
  const newFields = [...keyColumns(plan.key), ...tombstone, ...plan.contentColumns].filter(
    (c) => !fields.has(fieldOf(plan, c.name)),
  );
  const foreign = plan.foreignFields;
  // With `include` or a pipeline, every field that is no synced column's belongs to someone else.
  if (foreign === "unlisted") return { newFields, unmapped: [] };
  const taken = new Set([
    ...keyColumns(plan.key).map((c) => fieldOf(plan, c.name)),
    fieldOf(plan, plan.names.timestamp),
    fieldOf(plan, plan.names.tombstone),
    ...plan.contentColumns.map((c) => fieldOf(plan, c.name)),
    ...(plan.es.typeFilter === undefined ? [] : [plan.es.typeFilter.field]),
    ...(foreign ?? []),
    // A renamed column's own name is no new column: the column exists, under another field.
    ...columns.map((c) => c.name),
  ]);
  // An object that holds a dotted column's field (`a` of `a.b`) is no field of its own.
  const holders = new Set([...taken].flatMap(objectsAbove));
  const unmapped = [...fields]
    .filter(
      ([field, mapped]) =>
        mapped.nested !== true && mapped.copied !== true && !taken.has(field) && !holders.has(field),
    )
    .map(([field, mapped]) => ({ field, type: mapped.type, column: mapped.column }));
  return { newFields, unmapped };
}
