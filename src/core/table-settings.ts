// What the config file's `tables:` mapping says of one table: where it lives on the search side (its
// index, pipeline and routing) and which of its columns are synced, under which field names. The
// options layer parses it, the engine checks it against the schema and turns it into the table's plan,
// and the adapters follow the plan.
import type { OptionSource } from "./errors.js";

/** A column whose document field has another name. */
export interface Rename {
  readonly column: string;
  readonly field: string;
}

export interface TableSettings {
  /** The table's name as the file spells it (the key under `tables:`). */
  readonly table: string;
  /** The config file the entry was read from, for messages that name the key to fix. */
  readonly file: string;
  /** The index or alias the table's documents live in, instead of `<index>-<table>`. */
  readonly index?: string;
  /** The only content columns synced (at most one of include and exclude is given). */
  readonly include?: readonly string[];
  /** Content columns synced leaves alone in both stores. */
  readonly exclude?: readonly string[];
  readonly rename?: readonly Rename[];
  /** The ingest pipeline the documents synced writes go through. */
  readonly pipeline?: string;
  /** The key column whose value routes each document to its shard. */
  readonly routing?: string;
}

/** The names a table's entry may hold: each is one key of TableSettings. */
export const TABLE_SETTING_NAMES = ["index", "include", "exclude", "rename", "pipeline", "routing"] as const;
export type TableSettingName = (typeof TABLE_SETTING_NAMES)[number];

/** Where a setting (or one column of it, `tables.users.rename.email`) was written. */
export function settingSource(settings: TableSettings, ...path: readonly string[]): OptionSource {
  return { kind: "file", path: settings.file, key: ["tables", settings.table, ...path].join(".") };
}
