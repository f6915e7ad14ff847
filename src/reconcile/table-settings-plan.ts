// A table's settings from the config file (core/table-settings.ts) checked against its schema, and
// what they make of its plan: the content columns synced, the fields they become, the document
// fields synced leaves alone, and the key column that routes the documents. Pure, like the rest of
// the plan.
import { closestNames } from "../core/did-you-mean.js";
import type { OptionSource } from "../core/errors.js";
import { keyColumns } from "../core/table-key.js";
import { settingSource, type TableSettings } from "../core/table-settings.js";
import type { Column, ColumnNames, TablePlan } from "./table-plan.js";
import type { TableInput } from "./plan-tables.js";

/** A setting the schema contradicts, with where it was written. */
export interface SettingProblem {
  readonly source: OptionSource;
  readonly problem: string;
}

export interface SettingsContext {
  readonly keyspace: string;
  readonly names: ColumnNames;
  /** The type field, in the type-field layout: a document field no column may take. */
  readonly typeField?: string;
}

/** The settings of each table, by its name in lower case, as tables are matched. */
export function settingsByTable(all: readonly TableSettings[] | undefined): Map<string, TableSettings> {
  return new Map((all ?? []).map((s) => [s.table.toLowerCase(), s]));
}

/** Settings for a table the keyspace does not have. */
export function unknownTable(
  settings: TableSettings,
  keyspace: string,
  tables: readonly string[],
): SettingProblem {
  const closest = closestNames(settings.table, tables);
  return {
    source: settingSource(settings),
    problem:
      `keyspace ${keyspace} has no table '${settings.table}'` +
      (closest.length > 0 ? ` (closest: ${closest.join(", ")})` : " (it has no tables)") +
      ". Correct the name, or remove its settings.",
  };
}

/** What the schema of `table` contradicts in its settings; empty when they fit. */
export function checkSettings(
  settings: TableSettings,
  table: TableInput,
  context: SettingsContext,
): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const columns = table.columns.map((c) => c.name);
  const has = (name: string): boolean => columns.includes(name);
  const missing = (column: string, ...path: string[]): void => {
    const closest = closestNames(column, columns);
    problems.push({
      source: settingSource(settings, ...path),
      problem:
        `table ${context.keyspace}.${table.name} has no column '${column}'` +
        (closest.length > 0 ? ` (closest: ${closest.join(", ")})` : "") +
        ". Correct the name, or remove it.",
    });
  };
  for (const list of ["include", "exclude"] as const) {
    for (const column of settings[list] ?? []) if (!has(column)) missing(column, list);
  }
  for (const { column } of settings.rename ?? []) if (!has(column)) missing(column, "rename", column);
  const routing = settings.routing;
  const renamedTo = settings.rename?.find((r) => r.field === routing && r.column !== routing);
  if (routing !== undefined && renamedTo !== undefined && !has(routing)) {
    problems.push({
      source: settingSource(settings, "routing"),
      problem:
        `'${routing}' is the field column '${renamedTo.column}' is renamed to, and routing names the ` +
        `column. Write routing: ${renamedTo.column}.`,
    });
  } else if (routing !== undefined && !has(routing)) missing(routing, "routing");
  for (const role of ["timestamp", "tombstone"] as const) {
    const column = settings[role];
    if (column !== undefined && !has(column)) missing(column, role);
  }
  for (const column of settings.id ?? []) if (!has(column)) missing(column, "id");
  if (problems.length > 0) return problems;
  const roles = ownRoles(settings, table, context.keyspace);
  // A table synced cannot sync has no key to tell apart: it is skipped, and says why, whatever its
  // settings, unless they name its key or version columns, which say it was meant to be synced.
  if (roles.length > 0 || table.key === undefined) return roles;

  const always = alwaysSynced(table, context.names);
  for (const column of settings.exclude ?? []) {
    const role = always.get(column);
    if (role === undefined) continue;
    problems.push({
      source: settingSource(settings, "exclude"),
      problem:
        `'${column}' is ${role} of ${table.name}, which every record needs in both stores: key ` +
        "columns, the timestamp and the tombstone cannot be excluded. Remove it from exclude.",
    });
  }
  const keys = keyColumns(table.key).map((c) => c.name);
  if (routing !== undefined && !keys.includes(routing)) {
    problems.push({
      source: settingSource(settings, "routing"),
      problem:
        `'${routing}' is not a key column of ${table.name}, whose key is (${keys.join(", ")}): a value ` +
        "that can change between writes would move the document to another shard and leave its old " +
        "copy behind. Route by one of the key columns.",
    });
  }
  const synced = syncedColumns(settings, table, context.names);
  const renamed = new Map((settings.rename ?? []).map((r) => [r.column, r.field]));
  for (const { column, field } of settings.rename ?? []) {
    const at = settingSource(settings, "rename", column);
    if (!synced.has(column)) {
      const why = settings.include !== undefined ? "not in include" : "in exclude";
      problems.push({
        source: at,
        problem: `'${column}' is ${why}, so synced writes no field for it to rename. Remove the rename.`,
      });
    } else if (field !== column && has(field)) {
      problems.push({
        source: at,
        problem:
          `'${field}' is the name of another column of ${table.name}` +
          (renamed.has(field) ? ` (renamed to '${renamed.get(field) ?? ""}' here)` : "") +
          ", and a document field stands for one column. Choose another field name.",
      });
    } else if (field !== column && reservedFields(context).has(field)) {
      problems.push({
        source: at,
        problem:
          `'${field}' is the ${reservedFields(context).get(field) ?? ""} field of every document. ` +
          "Choose another field name.",
      });
    }
  }
  return problems;
}

/**
 * What the schema contradicts in the columns a table's settings give their roles: a table whose
 * shape they leave unsupported, or an id that is not its key.
 */
function ownRoles(settings: TableSettings, table: TableInput, keyspace: string): SettingProblem[] {
  const own = (["timestamp", "id", "tombstone"] as const).find((role) => settings[role] !== undefined);
  if (own === undefined) return [];
  if (!table.shape.supported) {
    return [
      {
        source: settingSource(settings, own),
        problem:
          `${table.shape.reason}, so ${keyspace}.${table.name} cannot be synced as its settings say. ` +
          "Correct the setting, or remove the table's settings to leave it out.",
      },
    ];
  }
  const key = table.key === undefined ? [] : keyColumns(table.key).map((c) => c.name);
  if (settings.id === undefined || settings.id.join() === key.join()) return [];
  return [
    {
      source: settingSource(settings, "id"),
      problem:
        `the key of ${keyspace}.${table.name} is (${key.join(", ")}), not (${settings.id.join(", ")}): ` +
        "id lists the primary key's columns in order, without the timestamp. Correct it, or remove it.",
    },
  ];
}

/** The columns every record has whatever the settings, with what they are, for messages. */
function alwaysSynced(table: TableInput, names: ColumnNames): Map<string, string> {
  const roles = new Map<string, string>();
  for (const column of table.key === undefined ? [] : keyColumns(table.key)) {
    roles.set(column.name, "a key column");
  }
  roles.set(names.timestamp, "the timestamp column");
  roles.set(names.tombstone, "the tombstone column");
  return roles;
}

/** The field names documents hold beside the columns': the timestamp, tombstone and type fields. */
function reservedFields(context: SettingsContext): Map<string, string> {
  const fields = new Map([
    [context.names.timestamp, "timestamp"],
    [context.names.tombstone, "tombstone"],
  ]);
  if (context.typeField !== undefined) fields.set(context.typeField, "type");
  return fields;
}

/** Every column whose value synced carries: the key, timestamp, tombstone and synced content. */
function syncedColumns(settings: TableSettings, table: TableInput, names: ColumnNames): Set<string> {
  const synced = new Set(alwaysSynced(table, names).keys());
  for (const column of syncedContent(settings, table.content)) synced.add(column.name);
  return synced;
}

function syncedContent(settings: TableSettings | undefined, content: readonly Column[]): readonly Column[] {
  const { include, exclude } = settings ?? {};
  if (include !== undefined) return content.filter((c) => include.includes(c.name));
  if (exclude !== undefined) return content.filter((c) => !exclude.includes(c.name));
  return content;
}

/** What a table's settings change in its plan; a table without settings keeps its plan as it was. */
export type SettingsPlan = Pick<TablePlan, "contentColumns" | "fields" | "foreignFields">;

/** The plan's columns and fields under `settings`, which checkSettings found to fit the table. */
export function applySettings(settings: TableSettings | undefined, table: TableInput): SettingsPlan {
  const contentColumns = syncedContent(settings, table.content);
  if (settings === undefined) return { contentColumns };
  const renames = (settings.rename ?? []).filter((r) => r.field !== r.column);
  const fields = renames.length > 0 ? new Map(renames.map((r) => [r.column, r.field])) : undefined;
  // A pipeline may add fields of its own, which synced must neither refuse nor drop.
  const listed = settings.include !== undefined || settings.pipeline !== undefined;
  const excluded = table.content.filter((c) => !contentColumns.includes(c)).map((c) => c.name);
  const foreignFields = listed ? "unlisted" : excluded.length > 0 ? excluded : undefined;
  return {
    contentColumns,
    ...(fields === undefined ? {} : { fields }),
    ...(foreignFields === undefined ? {} : { foreignFields }),
  };
}
