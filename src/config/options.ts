// The fully resolved options every other module reads, and the values they take. It imports no
// other module of config/, so that the option table and every parser can import it. Defaults live
// in the option table (option-specs.ts), as the text a user would type.
import type { DirectionChoice } from "../core/direction.js";
import type { OptionSource } from "../core/errors.js";
import type { Layout } from "../core/layout.js";
import type { SecretOrigin } from "../core/secret-origin.js";
import type { DeadLetterLocation, StateLocation } from "../core/state-location.js";
import type { TableSettings } from "../core/table-settings.js";

/** `timestamp`: USING TIMESTAMP writes; `lwt`: lightweight transactions, exact but slower. */
export const CASSANDRA_WRITE_MODES = ["timestamp", "lwt"] as const;
export type CassandraWriteMode = (typeof CASSANDRA_WRITE_MODES)[number];

/** `optimistic`: if_seq_no/if_primary_term, safe beside other writers; `external`: only if all use it. */
export const ES_VERSIONING_MODES = ["optimistic", "external"] as const;
export type EsVersioning = (typeof ES_VERSIONING_MODES)[number];
/** What answers at --es-nodes: auto asks the cluster. */
export const ES_PRODUCTS = ["auto", "elasticsearch", "opensearch"] as const;
export type EsProduct = (typeof ES_PRODUCTS)[number];

/** The CQL names of the driver's `types.consistencies`. */
export const CONSISTENCY_LEVELS = [
  "ANY",
  "ONE",
  "TWO",
  "THREE",
  "QUORUM",
  "ALL",
  "LOCAL_QUORUM",
  "EACH_QUORUM",
  "SERIAL",
  "LOCAL_SERIAL",
  "LOCAL_ONE",
] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

/** `--shard i/N`: this process does part `index` of `total`. */
export interface Shard {
  /** From 0 to total - 1. */
  readonly index: number;
  readonly total: number;
}

/** A Pushgateway, from --pushgateway. */
export interface PushgatewayTarget {
  /** The URL without credentials: safe to print. */
  readonly url: string;
  readonly auth?: { readonly username: string; readonly password: string };
}

/** Sources by flag name (`exclude-tables`), of the options set by a flag, a variable or the file. */
export type OptionSources = Readonly<Record<string, OptionSource>>;

/** File paths; the stores read them when they connect. */
export interface TlsOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Skip certificate verification. */
  readonly insecure: boolean;
}

export interface CassandraOptions {
  readonly contactPoints: readonly string[];
  readonly port: number;
  readonly localDc: string;
  readonly readConsistency: ConsistencyLevel;
  readonly writeConsistency: ConsistencyLevel;
  readonly writes: CassandraWriteMode;
  /** About how many bytes of rows one unlogged batch of USING TIMESTAMP writes holds; 0: none. */
  readonly batchBytes: number;
  /** `from`: where the password came from, for the message if Cassandra refuses it. */
  readonly auth?: { readonly username: string; readonly password: string; readonly from?: SecretOrigin };
  /** Absent: plaintext. */
  readonly tls?: TlsOptions;
}

/**
 * `from`: where the password or key came from, for the message if the cluster refuses it; absent
 * when a caller builds the options itself rather than from flags, variables or a config file.
 */
export type EsAuth =
  | {
      readonly kind: "basic";
      readonly username: string;
      readonly password: string;
      readonly from?: SecretOrigin;
    }
  | { readonly kind: "api-key"; readonly apiKey: string; readonly from?: SecretOrigin };

export interface ElasticsearchOptions {
  readonly nodes: readonly string[];
  readonly product: EsProduct;
  readonly versioning: EsVersioning;
  readonly auth?: EsAuth;
  /** Used for the https nodes. */
  readonly tls: TlsOptions;
}

export interface SyncOptions {
  readonly keyspace: string;
  readonly index: string;
  /** Microseconds since the epoch; absent: the checkpoint, or the earliest version (0001-01-01). */
  readonly begin?: bigint;
  /** Microseconds since the epoch; absent: now minus the lag. */
  readonly end?: bigint;
  readonly allowFutureEnd: boolean;
  readonly lagMs: number;
  /** How far before the checkpoint a run reads again: records found out of step there are late. */
  readonly lookbackMs: number;
  /** Empty: every table of the keyspace. */
  readonly tables: readonly string[];
  readonly excludeTables: readonly string[];
  readonly direction: DirectionChoice;
  readonly layout: Layout;
  readonly typeField: string;
  readonly columns: { readonly id: string; readonly timestamp: string; readonly tombstone: string };
  /** Where each column name came from, for the refusal of a name no table has. */
  readonly columnSources: {
    readonly id: OptionSource;
    readonly timestamp: OptionSource;
    readonly tombstone: OptionSource;
  };
  /** Per-table settings from the config file's `tables:` mapping; absent when it has none. */
  readonly tableSettings?: readonly TableSettings[];
  readonly dryRun: boolean;
  readonly createTables: boolean;
  /** Add a column for each document field no column holds, typed from the index mapping. */
  readonly createColumns: boolean;
  /** Index the timestamp column of every synced table that lacks it (SAI), before reading it. */
  readonly createTimestampIndex: boolean;
  /** The state key; absent: derived from the clusters, keyspace, index, tables, direction, layout. */
  readonly name?: string;
  readonly state: StateLocation;
  /** Absent: beside the state, in the same backend. */
  readonly deadLetter?: DeadLetterLocation;
  /** The error budget: the run stops once more records than this have failed. */
  readonly maxErrors: number;
  readonly batchSize: number;
  readonly concurrency: number;
  /** Token-range splits per Cassandra table. */
  readonly splits: number;
  /** Slices of each index read in parallel (of a point in time, or of scrolls when sharded). */
  readonly slices: number;
  /** Absent: the whole run; present: this process's part of it. */
  readonly shard?: Shard;
  readonly leaseTtlMs: number;
  /** Versions later than now plus this are dead-lettered as far in the future. */
  readonly maxFutureMs: number;
  /** How long connecting to a store may take before it counts as unreachable. */
  readonly connectTimeoutMs: number;
  /** How long one operation on the state or dead-letter store may take. */
  readonly stateTimeoutMs: number;
  /** How long an operation that fails transiently is retried, from its first failure. */
  readonly retryWindowMs: number;
  readonly json: boolean;
  /** --quiet: errors only; --verbose: debug lines too. */
  readonly logLevel: "error" | "info" | "debug";
  /** A Pushgateway: each run pushes its metrics there when it ends. */
  readonly pushgateway?: PushgatewayTarget;
  readonly configFile?: string;
  /** Where the options the user set came from, for refusals found after connecting; never logged. */
  readonly sources?: OptionSources;
  readonly cassandra: CassandraOptions;
  readonly elasticsearch: ElasticsearchOptions;
}
