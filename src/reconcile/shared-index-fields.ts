// In the type-field layout every table's documents live in one index, whose mapping holds each field
// once for all of them. Two tables with a column of one name and types of different families (`id`
// a uuid in one table and an int in another, as tables keyed `id` often are) cannot both be held: the
// first table to map the field decides its type, and every document of the other is refused by the
// cluster, run after run, or lands in a field that hands back values its column cannot take. A table
// whose type has no document in the index yet was never judged against the fields the index maps
// either, since only its documents name its type there.
//
// A column of a user-defined type is an object in the mapping, and each field of the type a property
// of it, by its dotted name (`addr.zip`): another table's column named `addr.zip`, or its own type's
// field `zip` in a column `addr`, holds the same field, so the fields below a column's own are judged
// too, as the mapping holds them.
//
// Maps, user-defined types and tuples are all objects in the mapping, of different shapes: a map's
// flattened field, a type's object of properties, a tuple's object kept in _source only (enabled:
// false). A tuple's value is an array of values, which both other shapes refuse once it holds one that
// is not null, so a tuple on a field mapped either way, or one with properties below it, is refused
// too. A flattened field or an object kept in _source takes any object, so a type may follow a map
// and either may follow a tuple. An object of properties takes a map's keys as new properties, so a
// key named as one of them puts one of the map's values there: a map is refused where a property
// below its field (a type's field, or a key an earlier document made one) is of a type that refuses
// the map's values, as each document holding that key would be refused by the cluster, run after run.
//
// The run maps the tables' fields in the order of the plan, so the tables are judged in that order:
// the index's own mapping first, then each table's fields as it would map them. A table whose field
// does not fit what is mapped before it is refused, naming the table or index that holds the field
// and the fix, and maps nothing; the next run judges it the same way against the index then made.
import {
  columnFamily,
  fieldFamily,
  innermost,
  mappedFieldConflict,
  type FieldFamily,
} from "../core/field-compatibility.js";
import { formatCqlType, type CqlType } from "../core/cql-type.js";
import { fieldOf, objectsAbove } from "../core/column-field.js";
import { keyColumns } from "../core/table-key.js";
import type { PlanEntry } from "./plan-tables.js";
import type { MappedField } from "./schema-drift.js";
import type { TablePlan } from "./table-plan.js";

/** A field a table's documents hold, with the column type that writes it. */
interface TableField {
  readonly field: string;
  readonly column: string;
  /** The type of the values the field holds: the column's, or its type's field's (`within`). */
  readonly type: CqlType;
  /** A property of the column's object: the path of its type's field (`zip`), and the column's type. */
  readonly within?: { readonly path: string; readonly columnType: CqlType };
  /**
   * The version or the delete marker, which an index synced makes maps as a date and a boolean (the
   * marker whether the table has the column or not). Such a field is held against the tables after
   * it, but not judged itself, as no table's is in an index of its own: the version field was judged
   * by its mapping already, and a marker a table lacks is written by none of its documents.
   */
  readonly role?: "version" | "tombstone";
}

/** A field already mapped, or mapped by a table planned before. */
interface HeldField {
  /** Its type in the mapping, or the type synced maps for the column that holds it. */
  readonly type: string;
  /** An object kept in _source only (enabled: false), as a tuple's is: it takes any value. */
  readonly disabled?: true;
  /** The table planned before that holds it; absent: the index maps it already. */
  readonly table?: { readonly name: string; readonly field: TableField };
}

// The field type synced maps for a column of each family (stores/values/es-mapping.ts), as far as
// fieldTypeConflict judges it: by family.
const FIELD_OF_FAMILY: Readonly<Record<FieldFamily, string>> = {
  text: "keyword",
  number: "long",
  boolean: "boolean",
  date: "date_nanos",
  binary: "binary",
  ip: "ip",
  object: "object",
};

const TIMESTAMP: CqlType = { kind: "native", name: "timestamp" };
const BOOLEAN: CqlType = { kind: "native", name: "boolean" };

/** Each column's fields: its own, then those of its user-defined type's fields, as the mapping holds them. */
function tableFields(plan: TablePlan): TableField[][] {
  const of = (column: string, type: CqlType, role?: TableField["role"]): TableField[] => {
    const own: TableField = {
      field: fieldOf(plan, column),
      column,
      type,
      ...(role === undefined ? {} : { role }),
    };
    return [own, ...propertiesOf(own, type)];
  };
  return [
    ...keyColumns(plan.key).map((c) => of(c.name, c.type)),
    of(plan.names.timestamp, TIMESTAMP, "version"),
    of(plan.names.tombstone, BOOLEAN, "tombstone"),
    ...plan.contentColumns.map((c) => of(c.name, c.type)),
  ];
}

/**
 * The properties a field of `type` is mapped with (stores/values/es-mapping.ts): a user-defined
 * type's fields, through its lists and sets, and theirs in turn.
 */
function propertiesOf(above: TableField, type: CqlType): TableField[] {
  const inner = innermost(type);
  if (inner.kind !== "udt") return [];
  return inner.fields.flatMap((f) => {
    const one: TableField = {
      field: `${above.field}.${f.name}`,
      column: above.column,
      type: f.type,
      within: {
        path: above.within === undefined ? f.name : `${above.within.path}.${f.name}`,
        columnType: above.within?.columnType ?? above.type,
      },
    };
    return [one, ...propertiesOf(one, f.type)];
  });
}

/**
 * Why `one` cannot be held beside the fields held so far, and the held field in the way; undefined
 * when it can.
 */
function clash(
  plan: TablePlan,
  one: TableField,
  held: ReadonlyMap<string, HeldField>,
): { readonly why: string; readonly against: HeldField } | undefined {
  const field = one.field === one.column ? `field ${one.field}` : `field '${one.field}'`;
  const column =
    one.within === undefined
      ? `column ${one.column} of ${plan.keyspace}.${plan.table} is ${formatCqlType(one.type)}`
      : `column ${one.column} of ${plan.keyspace}.${plan.table} is ${formatCqlType(one.within.columnType)}, ` +
        `whose field ${one.within.path} (${formatCqlType(one.type)}) is ${field}`;
  const same = held.get(one.field);
  if (same !== undefined) {
    const conflict = mappedFieldConflict(one.type, same);
    if (conflict === undefined)
      return takesProperties(same) ? mapKeyClash(plan, one, column, held) : undefined;
    return {
      why: `${column}, but ${holder(plan, same)} ${field} as ${holdsAs(same)}, and ${conflict}`,
      against: same,
    };
  }
  // A value and an object cannot share a name: `a.b` is the property b of an object a.
  for (const outer of objectsAbove(one.field)) {
    const above = held.get(outer);
    const family = above === undefined ? undefined : fieldFamily(above.type);
    if (above !== undefined && family !== undefined && family !== "object")
      return {
        why:
          `${column}, and its ${field} is an object path into field ${outer}, which ` +
          `${holder(plan, above)} as ${holdsAs(above)}`,
        against: above,
      };
  }
  if (columnFamily(one.type) !== "object" || innermost(one.type).kind === "tuple") {
    const inner = [...held].find(([name]) => name.startsWith(`${one.field}.`));
    if (inner !== undefined) {
      const [name, below] = inner;
      return {
        why: `${column}, but ${holder(plan, below)} field ${name}, an object path into its ${field}`,
        against: below,
      };
    }
  }
  return undefined;
}

/** An object whose contents the cluster maps, which takes a map's keys as new properties. */
function takesProperties(held: HeldField): boolean {
  return held.disabled !== true && (held.type === "object" || held.type === "nested");
}

/**
 * Why a map column `one` cannot write its keys into the object at its field: a property below it
 * that a key of that name would put one of the map's values in, and whose type refuses them (a map of
 * maps, one level down for each). Undefined when every property takes them.
 */
function mapKeyClash(
  plan: TablePlan,
  one: TableField,
  column: string,
  held: ReadonlyMap<string, HeldField>,
  at: string = one.field,
  type: CqlType = one.type,
): { readonly why: string; readonly against: HeldField } | undefined {
  const map = innermost(type);
  if (map.kind !== "map") return undefined;
  for (const [name, below] of held) {
    if (!name.startsWith(`${at}.`)) continue;
    const key = name.slice(at.length + 1).split(".")[0] ?? "";
    const property = `${at}.${key}`;
    // A property only deeper down in the names held (a column `a.b.c`) is an object to the cluster.
    const mappedAs = held.get(property) ?? { type: "object" };
    if (mappedFieldConflict(map.value, mappedAs) === undefined) {
      const deeper = takesProperties(mappedAs)
        ? mapKeyClash(plan, one, column, held, property, map.value)
        : undefined;
      if (deeper !== undefined) return deeper;
      continue;
    }
    const where = name === property ? "a property" : `below the property ${key}`;
    return {
      why:
        `${column}, but ${holder(plan, below)} field ${name} as ${holdsAs(below)}, ${where} of the ` +
        `object at field ${at}: the cluster adds each key of a map there as a property, and refuses a ` +
        `document whose key ${key} holds a ${formatCqlType(map.value)} value`,
      against: below,
    };
  }
  return undefined;
}

function holder(plan: TablePlan, held: HeldField): string {
  return held.table === undefined
    ? `index ${plan.es.index} maps`
    : `table ${held.table.name}, synced into the same index ${plan.es.index}, maps`;
}

function holdsAs(held: HeldField): string {
  if (held.table === undefined) return held.type;
  const { field } = held.table;
  const what =
    field.role === "version"
      ? "its version"
      : field.role === "tombstone"
        ? "its delete marker"
        : field.within !== undefined
          ? `field ${field.within.path} of its column ${field.column}`
          : `column ${field.column}`;
  return `${formatCqlType(field.type)} (${what})`;
}

function refusal(plan: TablePlan, found: readonly string[], others: readonly string[]): string {
  const rename = [plan.table, ...others].map((t) => `tables.${t}.rename: {<column>: <field>}`).join(" or ");
  return (
    `${found.join("; ")}. The one index of the type-field layout maps a field once for all its tables: ` +
    `give one of the columns a field of another name in the config file (${rename}), or sync the ` +
    "tables into indices of their own (--layout index-per-table). The table is not synced until then, " +
    "and the checkpoint stays (leave the table out with --exclude-tables to let it move)."
  );
}

/**
 * The entries with each synced table whose fields the shared index cannot hold beside those mapped
 * before it refused (type-field layout only; others are returned as they are). `mapped`: the fields
 * the index maps already; absent: the index does not exist yet.
 */
export function sharedFieldClashes(
  entries: readonly PlanEntry[],
  mapped: ReadonlyMap<string, MappedField> | undefined,
): PlanEntry[] {
  const held = heldByIndex(mapped ?? new Map());
  return entries.map((entry) => {
    if (entry.kind !== "sync" || entry.plan.es.typeFilter === undefined) return entry;
    const { plan } = entry;
    const columns = tableFields(plan);
    const found: string[] = [];
    const others = new Set<string>();
    for (const fields of columns) {
      // The first field of a column that does not fit says why; its properties below would repeat it.
      for (const one of fields) {
        if (one.role !== undefined) continue;
        const clashing = clash(plan, one, held);
        if (clashing === undefined) continue;
        found.push(clashing.why);
        const owner = clashing.against.table?.name;
        if (owner !== undefined) others.add(owner);
        break;
      }
    }
    if (found.length > 0)
      return { kind: "refuse", name: plan.table, reason: refusal(plan, found, [...others]) };
    for (const one of columns.flat()) {
      if (!held.has(one.field))
        held.set(one.field, {
          // A map's flattened field takes any object: no property is mapped below it.
          type: innermost(one.type).kind === "map" ? "flattened" : FIELD_OF_FAMILY[columnFamily(one.type)],
          ...(innermost(one.type).kind === "tuple" ? { disabled: true } : {}),
          table: { name: plan.table, field: one },
        });
    }
    return entry;
  });
}

/** The fields an index maps, held by it. */
function heldByIndex(mapped: ReadonlyMap<string, MappedField>): Map<string, HeldField> {
  return new Map(
    [...mapped].map(([field, m]) => [field, { type: m.type, ...(m.disabled ? { disabled: true } : {}) }]),
  );
}

/**
 * Why each column of a table with an index of its own does not fit the index's mapping below its own
 * field, by column name: a user-defined type's field whose property is mapped with a type of another
 * family, or a map's key naming a property whose type refuses the map's values. The cluster refuses
 * each such document, as it does in the type-field layout's one index, so the same judgement holds.
 * The column's own field is judged by typeConflicts (schema-drift.ts); a column whose own field does
 * not fit is named here too, for that reason only.
 */
export function fieldsBelowClashes(
  plan: TablePlan,
  mapped: ReadonlyMap<string, MappedField>,
): ReadonlyMap<string, string> {
  const held = heldByIndex(mapped);
  const found = new Map<string, string>();
  for (const fields of tableFields(plan)) {
    for (const one of fields) {
      if (one.role !== undefined) continue;
      const clashing = clash(plan, one, held);
      if (clashing === undefined) continue;
      found.set(one.column, clashing.why);
      break;
    }
  }
  return found;
}
