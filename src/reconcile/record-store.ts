// The boundary between the engine and a store. The engine calls exactly these methods; each store
// adapter (Cassandra, Elasticsearch) implements them and hides its driver.
import type { BadRecord, CurrentRecord, RecordTag, SyncRecord } from "../core/record.js";
import type { TableSize } from "./batch-budget.js";
import type { TablePlan } from "./table-plan.js";
import type { VersionPrecision } from "../core/version.js";

/** A half-open range `[begin, end)` of versions, in microseconds since the epoch. */
export interface TimeRange {
  readonly begin: bigint;
  readonly end: bigint;
  /**
   * Versions at or past this lie too far in the future to trust (a wrong clock, a unit mix-up): they
   * would win every comparison until then. When set, a scan reads past `end` to find them, and they
   * are dead-lettered instead of being left unseen.
   */
  readonly futureLimit?: bigint;
}

export interface ScanBatch {
  readonly records: readonly SyncRecord[];
  readonly bad: readonly BadRecord[];
  /**
   * Rows the store read to make this batch, where it reads rows before the range and drops them
   * itself (a whole-table read); absent where its query selects the range. See read-ratio.ts.
   */
  readonly read?: number;
  /**
   * `read` is the store's estimate of what its server read, not a count: the server filtered every
   * row of the table for the range, and told no one how many it read.
   */
  readonly readEstimated?: boolean;
  /**
   * Records the store left out of `records` because `settled` (see `scan`) holds each with the tag
   * its copy still carries: counted as read and unchanged, never decided again.
   */
  readonly settled?: number;
}

/**
 * What the first direction of a run in both left equal on both sides: each id with the tag the second
 * side's copy carried then (settled-records.ts).
 */
export interface SettledView {
  readonly size: number;
  has(id: string, tag: RecordTag): boolean;
}

export interface PlannedWrite {
  readonly record: SyncRecord;
  /** What the target held when it was read; absent when the target had no such record. */
  readonly current: CurrentRecord | undefined;
  /** The version to store, decided by the engine (versionToWrite); the store writes it as given. */
  readonly version: bigint;
  /**
   * A tie's winner in a table of a row per version, written at the version it tied with
   * (writesAboveTie): the store makes it a row that sorts above every other row of that version, so
   * it is the newest, or, where it cannot, one unit of its precision above.
   */
  readonly aboveTie?: true;
}

export type WriteOutcome =
  /** `tag`: the written copy's tag, where the store keeps one (see SyncRecord.tag). */
  | { readonly status: "written"; readonly tag?: RecordTag }
  /**
   * Someone else wrote the record between our read and our write; read again and decide again.
   * `sentAgain`: the request was sent again after an answer that never came or did not say whether it
   * applied (a broken connection, a timeout), so the record met may be this write's own first sending.
   */
  | { readonly status: "conflict"; readonly sentAgain?: boolean }
  /** The store refused this record for a reason that retrying cannot fix. */
  | { readonly status: "rejected"; readonly reason: string };

export interface RecordStore {
  /** Which side it is; the same name whatever product holds the search side (JSON, metric labels). */
  readonly side: "cassandra" | "elasticsearch";
  /** What the user reads in messages: Cassandra, Elasticsearch or OpenSearch. */
  readonly name: string;
  versionPrecision(plan: TablePlan): VersionPrecision;
  /**
   * Every record with a version in the range, newest version per id, in bounded batches. With a
   * future limit, the scan reads on past the end and also yields the records it finds there (a
   * versioned table: each such version); the engine places them (range-placement.ts).
   *
   * With `settled`, a store that keeps tags may leave out the records it holds unchanged since, and
   * count them in `ScanBatch.settled`: it need not read their contents at all. One that does not may
   * ignore it; the engine leaves them out as well.
   */
  scan(plan: TablePlan, range: TimeRange, settled?: SettledView): AsyncIterable<ScanBatch>;
  /** The current (newest) version of each id the store holds, whatever its version. */
  fetchCurrent(plan: TablePlan, ids: readonly string[]): Promise<Map<string, CurrentRecord | BadRecord>>;
  /** Writes each record only where it still wins; outcomes are in the order of `writes`. */
  write(plan: TablePlan, writes: readonly PlannedWrite[]): Promise<WriteOutcome[]>;
  /**
   * Why `write` would refuse this write without sending it (`rejected`), undefined where it would send
   * it: a dry run, which sends nothing, reports these as the letters the run would put. Absent: the
   * store refuses nothing before sending.
   */
  refusal?(plan: TablePlan, write: PlannedWrite): string | undefined;
  /**
   * True when the store holds no record of the plan's type now, and a write planned as absent can
   * only create: one that meets a record written meanwhile answers `conflict` rather than overwrite it.
   * The engine then skips reading the target before the first write. Absent: always read first.
   */
  emptyForCreates?(plan: TablePlan): Promise<boolean>;
  /**
   * About how many records a scan of the range will read, for a progress display; undefined when the
   * store cannot tell cheaply. Never relied on for anything else.
   */
  estimate?(plan: TablePlan, range: TimeRange): Promise<number | undefined>;
  /**
   * The mean size of the table's records in bytes and how many there are, by the store's own
   * statistics, for the batch size (batch-budget.ts); undefined when it has none yet.
   */
  tableSize?(plan: TablePlan): Promise<TableSize | undefined>;
  /**
   * True when a record of this version, written here now, would already have expired (a Cassandra
   * table's default_time_to_live counts from the write): the engine writes it not, so that a copy of
   * a row that expired does not come back. Absent: nothing expires.
   */
  expired?(plan: TablePlan, version: bigint): boolean;
  /**
   * Of these document `_id`s of the plan's index, those a document holds now (a realtime read): a
   * replay asks whether a document read under an `_id` its key does not give is still there. Absent:
   * a store of rows, which has no such ids.
   */
  documentsHeld?(plan: TablePlan, documentIds: readonly string[]): Promise<ReadonlySet<string>>;
}
