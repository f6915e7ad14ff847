// In the type-field layout every table of the keyspace writes into one index, whose mapping holds a
// field once for all of them. A table whose column does not fit the type a field is mapped with may
// have changed that column's type since, or may share the field's name with another table's column,
// which the mapping was made from: an index made before the tables were judged against each other
// (shared-index-fields.ts) holds documents of both. The fix differs (a column's former type, or a
// field of another name), so the refusal asks which tables' columns the field fits. Pure.
import { fieldTypeConflict } from "../core/field-compatibility.js";
import { formatCqlType, type CqlType } from "../core/cql-type.js";
import { fieldOf } from "../core/column-field.js";
import { keyColumns } from "../core/table-key.js";
import type { TableSettings } from "../core/table-settings.js";
import type { TableInput } from "./plan-tables.js";
import { applySettings } from "./table-settings-plan.js";

/** Another table's column whose field a mapped field is, and whose type that mapping fits. */
export interface FieldHolder {
  readonly table: string;
  readonly column: string;
  readonly type: CqlType;
}

/** The columns of other tables that a field mapped as `mappedAs` stands for; none: no other table's. */
export type FieldHolders = (table: string, field: string, mappedAs: string) => readonly FieldHolder[];

/** What each field of the tables' documents is, by the tables' own columns and their renames. */
export function fieldHolders(
  tables: readonly TableInput[],
  settingsOf: (table: string) => TableSettings | undefined,
): FieldHolders {
  const byField = new Map<string, FieldHolder[]>();
  for (const table of tables) {
    if (table.key === undefined) continue;
    const planned = applySettings(settingsOf(table.name), table);
    for (const column of [...keyColumns(table.key), ...planned.contentColumns]) {
      const field = fieldOf(planned, column.name);
      const holder = { table: table.name, column: column.name, type: column.type };
      byField.set(field, [...(byField.get(field) ?? []), holder]);
    }
  }
  return (table, field, mappedAs) =>
    (byField.get(field) ?? []).filter(
      (h) => h.table !== table && fieldTypeConflict(h.type, mappedAs) === undefined,
    );
}

/** The holders as a refusal names them: `column v of table kinds (text)`. */
export function describeHolders(holders: readonly FieldHolder[]): string {
  return holders
    .map((h) => `column ${h.column} of table ${h.table} (${formatCqlType(h.type)})`)
    .join(" and ");
}
