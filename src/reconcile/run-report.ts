// What one run did, for the summary table, the JSON output and the run history.
import type { RunOutcome } from "../state/state-store.js";
import type { WouldDeadLetter } from "./dead-letter.js";
import type { TableStats } from "./stats.js";

export interface SkippedType {
  readonly name: string;
  readonly reason: string;
}

/** A field mapped in a table's existing index for a column added to the table since. */
export interface AddedField {
  readonly table: string;
  readonly index: string;
  readonly field: string;
  /** Its field type, as synced maps the column's CQL type. */
  readonly type: string;
}

/** A column added to a table for a document field (--create-columns). */
export interface CreatedColumn {
  readonly table: string;
  readonly column: string;
  /** Its CQL type, derived from the field's mapping. */
  readonly type: string;
}

/** A document field no column holds, for which --create-columns made none, and why. */
export interface ColumnNotCreated {
  readonly table: string;
  readonly field: string;
  readonly reason: string;
}

export interface RunReport {
  readonly runId: string;
  readonly key: string;
  readonly begin: bigint;
  readonly end: bigint;
  readonly beginFrom: "option" | "checkpoint" | "earliest";
  /** Where the look-back window before the checkpoint began, when the run read one. */
  readonly lookbackFrom?: bigint;
  readonly dryRun: boolean;
  readonly outcome: RunOutcome;
  readonly tables: readonly TableStats[];
  readonly skipped: readonly SkippedType[];
  /**
   * Tables not synced because a column no longer fits its field in the index, its field is a name no
   * document may hold, or the index cannot hold the table; the run failed.
   */
  readonly refused: readonly SkippedType[];
  readonly addedFields: readonly AddedField[];
  readonly createdColumns: readonly CreatedColumn[];
  readonly columnsNotCreated: readonly ColumnNotCreated[];
  readonly createdIndices: readonly string[];
  /** Indices made ahead by hand with their settings only, given the tables' mappings (PlanEntry.madeAhead). */
  readonly mappedIndices: readonly string[];
  /** Storage-attached indexes created on Cassandra timestamp columns. */
  readonly timestampIndexes: readonly string[];
  readonly createdTables: readonly string[];
  readonly checkpointBefore: bigint | undefined;
  readonly checkpointAfter: bigint | undefined;
  /** Why the checkpoint stayed where it was after a run that did not fail. */
  readonly checkpointUnmoved?: string;
  readonly deadLettered: number;
  /** Letters of earlier runs whose records this run reconciled, and removed. */
  readonly lettersSettled: number;
  readonly deadLetterLocation: string;
  /** A dry run's sample of the letters it would have put (it stores none). */
  readonly wouldDeadLetter?: readonly WouldDeadLetter[];
  readonly durationMs: number;
  /** What the user should know of how the run went, one line each: a read far larger than its range. */
  readonly notices: readonly string[];
  readonly error?: Error;
  /**
   * The lease the state store did not take back as the run ended: it stays held until it runs out, and
   * the operator has to know why the next run elsewhere waits. A stop by a signal says so in its error.
   */
  readonly leaseLeft?: { readonly expiresAt: Date; readonly reason: string; readonly ranOut: boolean };
}

export function totals(tables: readonly TableStats[]): Record<string, number> {
  const sum = (pick: (s: TableStats) => number): number => tables.reduce((n, s) => n + pick(s), 0);
  return {
    scanned: sum((s) => s.scanned),
    written: sum((s) => s.written),
    unchanged: sum((s) => s.unchanged),
    targetNewer: sum((s) => s.targetNewer),
    tieLost: sum((s) => s.tieLost),
    expired: sum((s) => s.expired),
    conflicts: sum((s) => s.conflicts),
    deadLettered: sum((s) => s.deadLettered),
    late: sum((s) => s.late),
  };
}
