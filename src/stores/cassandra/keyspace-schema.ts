// Reads a keyspace's tables, columns and user-defined types from system_schema, and classifies each
// table's shape. Materialized views are not tables to sync and are left out.
import type cassandra from "cassandra-driver";
import type { ColumnNames, Column } from "../../reconcile/table-plan.js";
import { parseCqlType, type UdtDefinition } from "../../core/cql-type.js";
import type { TableKey } from "../../core/table-key.js";
import { classifyTable, type SchemaColumn, type TableShape } from "./table-shape.js";

export interface CassandraTable {
  readonly name: string;
  readonly columns: readonly SchemaColumn[];
  readonly shape: TableShape;
  /** Parsed content columns; empty when the shape is unsupported. */
  readonly content: readonly Column[];
  /** The parsed primary key without the timestamp; absent when the shape is unsupported. */
  readonly key?: TableKey;
  /** Whether a storage-attached index covers the timestamp column, so range reads need no full scan. */
  readonly timestampIndexed: boolean;
  /** The names of those indexes, which a run checks are built before reading through them. */
  readonly timestampIndexes: readonly string[];
  /** The table's `default_time_to_live` in seconds: 0 when its rows do not expire by default. */
  readonly defaultTtlSeconds: number;
  /** The table's id, which a table dropped and created again under its name does not keep. */
  readonly id: string;
  /** Columns dropped from the table (and not added again): their fields may linger in documents. */
  readonly droppedColumns: readonly string[];
  /**
   * Columns dropped and added again under their names, by column: the last microsecond the drop hid.
   * Cassandra shows none of the values written before the drop, and documents may still hold them.
   */
  readonly readdedColumns: ReadonlyMap<string, bigint>;
}

export interface KeyspaceSchema {
  readonly exists: boolean;
  readonly tables: readonly CassandraTable[];
  readonly udts: ReadonlyMap<string, UdtDefinition>;
}

const KINDS = new Set(["partition_key", "clustering", "regular", "static"]);

/** A storage-attached index on the timestamp column itself (its target is the column, maybe quoted). */
export function isTimestampIndex(options: ReadonlyMap<string, string> | null, column: string): boolean {
  // A map column: the client reads maps as Map (values/driver-options.ts).
  const className = options?.get("class_name") ?? "";
  const target = options?.get("target") ?? "";
  const sai = /(^|\.)(StorageAttachedIndex|sai)$/i.test(className);
  return sai && (target === column || target === `"${column.replaceAll('"', '""')}"`);
}

/**
 * The last microsecond a drop hid: Cassandra keeps the drop's time in microseconds and hides every cell
 * written at or before it, but system_schema shows it to the millisecond, so the whole millisecond.
 */
function lastMicroDropped(time: unknown): bigint {
  const millis = time instanceof Date ? time.getTime() : Number.NaN;
  return Number.isFinite(millis) ? BigInt(millis) * 1000n + 999n : 0n;
}

export async function readKeyspaceSchema(
  client: cassandra.Client,
  keyspace: string,
  namesOf: (table: string) => ColumnNames,
): Promise<KeyspaceSchema> {
  const options = { prepare: true };
  const [keyspaces, tables, columns, types, indexes, dropped] = await Promise.all([
    client.execute(
      "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
      [keyspace],
      options,
    ),
    client.execute(
      "SELECT table_name, default_time_to_live, id FROM system_schema.tables WHERE keyspace_name = ?",
      [keyspace],
      options,
    ),
    client.execute(
      "SELECT table_name, column_name, kind, position, type FROM system_schema.columns WHERE keyspace_name = ?",
      [keyspace],
      options,
    ),
    client.execute(
      "SELECT type_name, field_names, field_types FROM system_schema.types WHERE keyspace_name = ?",
      [keyspace],
      options,
    ),
    client.execute(
      "SELECT table_name, index_name, options FROM system_schema.indexes WHERE keyspace_name = ?",
      [keyspace],
      options,
    ),
    client.execute(
      "SELECT table_name, column_name, dropped_time FROM system_schema.dropped_columns WHERE keyspace_name = ?",
      [keyspace],
      options,
    ),
  ]);
  const indexed = new Map<string, string[]>();
  for (const row of indexes.rows) {
    const table = String(row.get("table_name"));
    const options = row.get("options") as ReadonlyMap<string, string> | null;
    if (!isTimestampIndex(options, namesOf(table).timestamp)) continue;
    indexed.set(table, [...(indexed.get(table) ?? []), String(row.get("index_name"))]);
  }
  const udts = new Map<string, UdtDefinition>();
  for (const row of types.rows) {
    const name = String(row.get("type_name"));
    udts.set(name, {
      keyspace,
      name,
      fieldNames: (row.get("field_names") as string[] | null) ?? [],
      fieldTypes: (row.get("field_types") as string[] | null) ?? [],
    });
  }
  const byTable = new Map<string, SchemaColumn[]>();
  const ttls = new Map<string, number>();
  const ids = new Map<string, string>();
  for (const row of tables.rows) {
    const name = String(row.get("table_name"));
    byTable.set(name, []);
    ttls.set(name, Number(row.get("default_time_to_live") ?? 0));
    ids.set(name, String(row.get("id")));
  }
  for (const row of columns.rows) {
    const list = byTable.get(String(row.get("table_name")));
    const kind = String(row.get("kind"));
    if (list === undefined || !KINDS.has(kind)) continue;
    list.push({
      name: String(row.get("column_name")),
      kind: kind as SchemaColumn["kind"],
      position: Number(row.get("position")),
      type: String(row.get("type")),
    });
  }
  const lookup = (name: string, ks: string | undefined): UdtDefinition | undefined =>
    ks === undefined || ks === keyspace ? udts.get(name) : undefined;
  const result: CassandraTable[] = [];
  for (const [name, tableColumns] of [...byTable.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    let shape = classifyTable(tableColumns, namesOf(name), lookup);
    let content: Column[] = [];
    let key: TableKey | undefined;
    if (shape.supported) {
      const parse = (c: SchemaColumn): Column => ({
        name: c.name,
        type: parseCqlType(c.type, lookup, c.name),
      });
      try {
        content = shape.contentColumns.map(parse);
        key = { partition: shape.partition.map(parse), clustering: shape.clustering.map(parse) };
      } catch (error) {
        shape = { supported: false, reason: error instanceof Error ? error.message : String(error) };
      }
    }
    const timestampIndexes = indexed.get(name) ?? [];
    const current = new Set(tableColumns.map((c) => c.name));
    const droppedRows = dropped.rows.filter((row) => String(row.get("table_name")) === name);
    const droppedColumns = droppedRows
      .map((row) => String(row.get("column_name")))
      .filter((column) => !current.has(column));
    const readdedColumns = new Map(
      droppedRows
        .filter((row) => current.has(String(row.get("column_name"))))
        .map((row) => [String(row.get("column_name")), lastMicroDropped(row.get("dropped_time"))]),
    );
    const defaultTtlSeconds = ttls.get(name) ?? 0;
    result.push({
      name,
      columns: tableColumns,
      shape,
      content,
      ...(key ? { key } : {}),
      timestampIndexed: timestampIndexes.length > 0,
      timestampIndexes,
      defaultTtlSeconds,
      id: ids.get(name) ?? "",
      droppedColumns,
      readdedColumns,
    });
  }
  return { exists: keyspaces.rowLength > 0, tables: result, udts };
}
