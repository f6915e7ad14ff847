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
  /** The table's key columns, in order: checked against its primary key (instead of --id-column). */
  readonly id?: readonly string[];
  /** The table's version column, instead of --timestamp-column. */
  readonly timestamp?: string;
  /** The table's delete marker column, instead of --tombstone-column. */
  readonly tombstone?: string;
  /** The key column whose value routes each document to its shard. */
  readonly routing?: string;
  /**
   * How long the table's rows live after their version, in seconds: what its application gives each
   * write with USING TTL, instead of the table's default_time_to_live.
   */
  readonly ttl?: number;
}

/** The names a table's entry may hold: each is one key of TableSettings. */
export const TABLE_SETTING_NAMES = [
  "index",
  "id",
  "timestamp",
  "tombstone",
  "include",
  "exclude",
  "rename",
  "pipeline",
  "routing",
  "ttl",
] as const;
export type TableSettingName = (typeof TABLE_SETTING_NAMES)[number];

/** Where a setting (or one column of it, `tables.users.rename.email`) was written. */
export function settingSource(settings: TableSettings, ...path: readonly string[]): OptionSource {
  return { kind: "file", path: settings.file, key: ["tables", settings.table, ...path].join(".") };
}

/** The settings of `table` among `all`, matched as Cassandra matches unquoted names. */
export function settingsOf(
  all: readonly TableSettings[] | undefined,
  table: string,
): TableSettings | undefined {
  const name = table.toLowerCase();
  return all?.find((s) => s.table.toLowerCase() === name);
}

/**
 * The timestamp and tombstone columns of a table: its own where its settings name them, else the
 * flags'. The flags' id column stays: a table's own `id` is checked against its key instead.
 */
export function tableColumnNames<N extends { readonly timestamp: string; readonly tombstone: string }>(
  names: N,
  settings: TableSettings | undefined,
): N {
  return {
    ...names,
    ...(settings?.timestamp === undefined ? {} : { timestamp: settings.timestamp }),
    ...(settings?.tombstone === undefined ? {} : { tombstone: settings.tombstone }),
  };
}
