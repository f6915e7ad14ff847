// Which fields of a table's documents the search side cannot hold as synced writes them. A column's
// field is its name unless the config file renames it, and Cassandra takes any quoted name, so:
// - a field starting with `_`: Elasticsearch and OpenSearch keep such names for their own fields
//   (`_id`, `_source`, `_routing`, and more with each release), and refuse a mapping or a document
//   that holds one (`_primary_term` is even taken once, and breaks the index for every later write);
// - a field that is an object path into another one (`a.b` beside `a`): a mapping holds a value or
//   an object under one name, not both;
// - a field with an empty or blank part between its dots, which the cluster refuses;
// - in the type-field layout, the type field itself: the column's value would take the place of the
//   table's name there, and file the document under a type named after that value.
// Such a table is refused before its index is made, naming each column and the fix: otherwise the
// cluster refuses the index and the whole run fails, or refuses every document.
import { keyColumns } from "../core/table-key.js";
import { fieldOf } from "../core/column-field.js";
import { quoteIdentifier } from "../core/cql-identifier.js";
import type { TablePlan } from "./table-plan.js";

interface Field {
  readonly field: string;
  /** What writes it: a column, or the type field of the type-field layout. */
  readonly owner: string;
  /** The column that writes it, if one does. */
  readonly column?: string;
}

function fields(plan: TablePlan): Field[] {
  const columns = [
    ...keyColumns(plan.key).map((c) => c.name),
    plan.names.timestamp,
    ...(plan.hasTombstone ? [plan.names.tombstone] : []),
    ...plan.contentColumns.map((c) => c.name),
  ];
  const all = columns.map((column) => ({ field: fieldOf(plan, column), owner: `column ${column}`, column }));
  const type = plan.es.typeFilter;
  return type === undefined ? all : [...all, { field: type.field, owner: "the type field" }];
}

function problem(one: Field, all: readonly Field[]): string | undefined {
  const { field } = one;
  if (one.column !== undefined && all.some((other) => other.column === undefined && other.field === field)) {
    return (
      `its field '${field}' is the type field, which holds the table's name in every document of the ` +
      "type-field layout to tell the tables apart (another field name for it: --type-field)"
    );
  }
  if (field.startsWith("_")) {
    return (
      `its field '${field}' starts with _, as the index's own fields do (_id, _source, _routing...), ` +
      "which no document may hold"
    );
  }
  if (field.includes(".") && field.split(".").some((part) => part.trim() === "")) {
    return `its field '${field}' has an empty or blank part between its dots, which the cluster refuses`;
  }
  const outer = all.find((other) => field.startsWith(`${other.field}.`));
  if (outer !== undefined) {
    return (
      `its field '${field}' is an object path into field '${outer.field}' of ${outer.owner}, and a ` +
      "mapping holds a value or an object under one name, not both"
    );
  }
  return undefined;
}

/**
 * Why the table's documents cannot be written under its fields, with the fix; undefined when every
 * field can be held.
 */
export function unusableFields(plan: TablePlan): string | undefined {
  const all = fields(plan);
  const found: { readonly one: Field; readonly why: string }[] = [];
  for (const one of all) {
    const why = problem(one, all);
    if (why !== undefined) found.push({ one, why });
  }
  if (found.length === 0) return undefined;
  return (
    `${found.map((f) => `${f.one.owner}: ${f.why}`).join("; ")}. Give such a column a field of another ` +
    `name in the config file (tables.${plan.table}.rename: {<column>: <field>}, a field that does not ` +
    `start with _ and is no object path into another${
      plan.es.typeFilter === undefined ? "" : ", nor the type field"
    })${dropAdvice(
      plan,
      found.map((f) => f.one),
    )}. The ` +
    "table is not synced until then, and the checkpoint stays (leave the table out with --exclude-tables " +
    "to let it move)."
  );
}

/**
 * The other fix in Cassandra, for a column outside the primary key and other than the version: dropping
 * it. CQL renames only primary-key columns, and a key column cannot be dropped. Every such column is
 * named in one statement: advice that names one leaves the table refused again for the next.
 */
function dropAdvice(plan: TablePlan, found: readonly Field[]): string {
  // Without its version column a table is no longer synced at all.
  const key = new Set([...keyColumns(plan.key).map((c) => c.name), plan.names.timestamp]);
  const droppable = [
    ...new Set(found.flatMap((f) => (f.column === undefined || key.has(f.column) ? [] : [f.column]))),
  ].map(quoteIdentifier);
  if (droppable.length === 0) return "";
  const columns = droppable.length === 1 ? droppable.join() : `(${droppable.join(", ")})`;
  const them = droppable.length === 1 ? "the column if its values" : "the columns if their values";
  return (
    `, or drop ${them} can go (ALTER TABLE ${quoteIdentifier(plan.keyspace)}.` +
    `${quoteIdentifier(plan.table)} DROP ${columns})`
  );
}
