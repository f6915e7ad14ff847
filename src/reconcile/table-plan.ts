// What the engine and both store adapters agree on for one table: its shape, columns and index.
import type { CqlType } from "../core/cql-type.js";
import type { VersionPrecision } from "../core/version.js";
import type { TableKey } from "../core/table-key.js";
import type { FieldMappedAs } from "../core/field-advice.js";

export interface ColumnNames {
  readonly id: string;
  readonly timestamp: string;
  readonly tombstone: string;
}

export interface Column {
  readonly name: string;
  readonly type: CqlType;
}

/** A column whose value holds timestamps in fields the index maps as date_nanos. */
export interface NanosColumn {
  readonly name: string;
  readonly type: CqlType;
  /** The column's field. */
  readonly field: string;
  /** The date_nanos fields its timestamps go to: its field, or a UDT field's below it (`field.at`). */
  readonly nanosFields: readonly string[];
}

/** The field and value that select one type's documents in an index the type-field layout shares. */
export interface TypeFilter {
  /** The field documents hold the type name in. */
  readonly field: string;
  /** The keyword field to match the value on: `field`, or its keyword sub-field. */
  readonly queryField: string;
  readonly value: string;
}

export interface TablePlan {
  readonly keyspace: string;
  /** The Cassandra table, which is also the Elasticsearch type name. */
  readonly table: string;
  /** versioned: PRIMARY KEY ((id), tmstmp), one row per version; latest: PRIMARY KEY (id). */
  readonly shape: "versioned" | "latest";
  readonly timestampType: "timeuuid" | "timestamp";
  readonly names: ColumnNames;
  /** The columns a record is keyed by, which make its id (core/table-key.ts). */
  readonly key: TableKey;
  /**
   * The content columns synced: every column but the key, the timestamp and the tombstone, less
   * those the config file's `include` or `exclude` leaves out. Columns not here are never read,
   * written or nulled in Cassandra.
   */
  readonly contentColumns: readonly Column[];
  /**
   * The content columns of a versioned table that are static: one cell per partition, shared by every
   * version row of the record, so a new version row is written over those cells (write.ts). Absent:
   * none.
   */
  readonly staticColumns?: readonly string[];
  /**
   * The document field of each column whose field has another name (the config file's `rename`), by
   * column; any other column's field has the column's name. Absent: no column is renamed.
   */
  readonly fields?: ReadonlyMap<string, string>;
  /**
   * Document fields synced does not own: read past rather than refused, and kept as they are when it
   * writes the document. `unlisted`: every field but the synced ones (the table lists its columns in
   * `include`, or has a pipeline, which may add fields of its own); a list: the fields of the excluded
   * columns. Absent: none, and a field that is no column's makes the document a bad record.
   */
  readonly foreignFields?: "unlisted" | readonly string[];
  /**
   * The fields the index maps that no column holds, by field, with what the mapping says of each: the
   * advice a document holding one gets follows it. Absent: none, or the mapping is not known.
   */
  readonly fieldsWithoutColumn?: ReadonlyMap<string, FieldMappedAs>;
  /**
   * Content columns dropped from the table and added again under their names, by column: the last
   * microsecond the drop hid. Cassandra shows no value of such a column written up to then, so a
   * document's value of it at a version up to then is one the drop took (dropped-values.ts). Absent:
   * none.
   */
  readonly droppedUntil?: ReadonlyMap<string, bigint>;
  /** Whether the table has the tombstone column; without it, deletes cannot be stored there. */
  readonly hasTombstone: boolean;
  /**
   * Whether a storage-attached index covers the Cassandra timestamp column: range reads then cost
   * what changed instead of a scan of the whole table.
   */
  readonly timestampIndexed?: boolean;
  /** The names of those indexes, as the keyspace's schema listed them when the run was planned. */
  readonly timestampIndexes?: readonly string[];
  /**
   * How long a row of the Cassandra table lives, in seconds, when its rows expire: the table's `ttl`
   * setting, else its default_time_to_live. A record older than that would have expired there
   * already, and one written there expires when a row written at its version would (absent: rows do
   * not expire).
   */
  readonly defaultTtlSeconds?: number;
  /**
   * The Cassandra table's id, which tells it from a table dropped and created again under its name
   * (coverage.ts); absent: not known.
   */
  readonly tableId?: string;
  /**
   * The digest of how the table's settings choose and name its columns (column-choice.ts), which
   * tells a table synced under other settings from the one the checkpoint covers; absent: not known.
   */
  readonly columnChoice?: string;
  /**
   * About how many bytes one record of the table takes, by the stores' own statistics (the larger of
   * the two); absent: neither could tell, and a read measures the rows it gets (batch-budget.ts).
   */
  readonly rowBytes?: number;
  /** Records per batch, page and write request where rows are large: below --batch-size. */
  readonly batchSize?: number;
  readonly es: {
    readonly index: string;
    /** Prepended to the record id to form `_id` (the type-field layout shares one index). */
    readonly idPrefix: string;
    /** Present in the type-field layout: the field and value that select this type's documents. */
    readonly typeFilter?: TypeFilter;
    readonly timestampPrecision: VersionPrecision;
    /** The timestamp field reads four digits alone as epoch milliseconds, not as a year. */
    readonly digitsAsMillis?: true;
    /** The ingest pipeline every document synced writes goes through (the config file's `pipeline`). */
    readonly pipeline?: string;
    /**
     * The key column whose value (its canonical text, core/table-key.ts) routes every document of the
     * table to its shard: each write and each lookup by id names it (the config file's `routing`).
     * Absent: a document's `_id` routes it.
     */
    readonly routing?: string;
    /**
     * The columns holding timestamps whose fields the index maps as date_nanos, which refuses a value
     * outside 1970 to 2262 (unless ignore_malformed): such a record is refused before it is sent, with
     * why, for a timestamp in a collection or a UDT's field as for a timestamp column.
     */
    readonly nanosColumns?: readonly NanosColumn[];
  };
}
