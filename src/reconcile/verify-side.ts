// Parity of one table, read from one side: every record of the side in the range is compared with
// what the other side holds for its id. Read-only, a batch at a time, and only the first differing
// ids are kept, so memory stays flat however large the table.
import type { DeadLetterSink } from "./dead-letter.js";
import type { ErrorBudget } from "./error-budget.js";
import type { BadRecord, CurrentRecord, SyncRecord } from "../core/record.js";
import { sameContent } from "./record.js";
import type { RecordStore, TimeRange } from "./record-store.js";
import { placeBatch } from "./range-placement.js";
import { reconcileRecords } from "./sync-table.js";
import type { TablePlan } from "./table-plan.js";
import { formatMicros } from "../core/micros.js";
import { coarser, compareVersions, type VersionPrecision } from "../core/version.js";

export type Side = RecordStore["side"];

/**
 * How the other side's copy differs: it has none (a hard delete, or a record not synced yet), an
 * older or a newer version, the same version with other content (a tie), or one synced cannot read.
 */
export type Difference = "missing" | "older" | "newer" | "tie" | "unreadable";

export interface DifferingRecord {
  readonly id: string;
  readonly difference: Difference;
  readonly version: bigint;
  readonly otherVersion?: bigint;
  /** The record read is a delete: one the other side lacks is a delete it never received or purged. */
  readonly deleted?: true;
  /** The copy on the other side is a delete. */
  readonly otherDeleted?: true;
}

/** The delete marks of a differing record and of its copy, as DifferingRecord keeps them. */
function deleteMarks(
  record: SyncRecord,
  copy?: SyncRecord,
): Pick<DifferingRecord, "deleted" | "otherDeleted"> {
  return {
    ...(record.deleted ? { deleted: true } : {}),
    ...(copy?.deleted === true ? { otherDeleted: true } : {}),
  };
}

/** A record of the side read that cannot be read as a record, as verify lists it. */
export interface BadSample {
  /** The record's id, where it has one. */
  readonly id?: string;
  /** The `_id` of the document it was read from. */
  readonly documentId?: string;
  readonly reason: string;
  /** Its version, where its timestamp could be read. */
  readonly version?: bigint;
}

export interface SideParity {
  readonly table: string;
  /** Where the records were read. */
  readonly side: Side;
  /** Where their copies were looked up. */
  readonly other: Side;
  scanned: number;
  equal: number;
  missing: number;
  older: number;
  newer: number;
  tie: number;
  unreadable: number;
  /**
   * Records without a copy on the other side that a copy there would have expired by now (a Cassandra
   * table's default time to live): what expiry took, not a difference.
   */
  expired: number;
  /**
   * Records of this side that cannot be read as records: a run dead-letters each as it reads it, so
   * one behind the checkpoint waits for a backfill. A difference, since the sides cannot agree on it.
   */
  bad: number;
  /** The first `limit` of them, in the order they were read. */
  readonly badRecords: BadSample[];
  /**
   * Where a backfill must begin to read every one of them again: the earliest version among them,
   * or the range's beginning where one has no version that could be read.
   */
  badSince?: bigint;
  /** With a repair: differing records written to the other side, where this side's copy won. */
  repaired: number;
  /** With a repair: differing records that went to the dead letters instead. */
  repairFailed: number;
  /** The first `limit` differing records, in the order they were read. */
  readonly differing: DifferingRecord[];
  /**
   * Differences whose newer copy is dated before `reach` (VerifySideInput): no incremental run of the
   * configuration reads them. Bad records are counted apart, in `bad`.
   */
  beforeReach: number;
  /** The earliest date among them, where a backfill that copies them must begin. */
  beforeReachSince?: bigint;
  /**
   * Differences newer on the other side, where the configuration copies only from this side: a run
   * keeps the newer copy, and none copies it back. Counted here, not in `beforeReach`.
   */
  notCopied: number;
}

export interface VerifySideInput {
  readonly plan: TablePlan;
  readonly source: RecordStore;
  readonly other: RecordStore;
  readonly range: TimeRange;
  /** How many differing ids are kept for the report. */
  readonly limit: number;
  readonly signal: AbortSignal;
  /** Absent: read only. Present: what differs is written as a run would write it. */
  readonly repair?: RepairSettings;
  /**
   * The earliest version the configuration's next incremental run reads of this table and direction
   * (its checkpoint minus its look-back); absent: that run reads everything.
   */
  readonly reach?: bigint;
  /** Whether the configuration also copies from the other side to this one (--direction both). */
  readonly copiesBack: boolean;
}

export interface RepairSettings {
  /**
   * Also copy records the other side lacks. Off by default: over an old range, a record on one side
   * only is as likely a hard delete on the other as one never copied.
   */
  readonly copyMissing: boolean;
  readonly deadLetters: DeadLetterSink;
  readonly budget: ErrorBudget;
}

export function differences(parity: SideParity): number {
  return parity.missing + parity.older + parity.newer + parity.tie + parity.unreadable + parity.bad;
}

export async function verifySide(input: VerifySideInput): Promise<SideParity> {
  const parity: SideParity = {
    table: input.plan.table,
    side: input.source.side,
    other: input.other.side,
    scanned: 0,
    equal: 0,
    missing: 0,
    older: 0,
    newer: 0,
    tie: 0,
    unreadable: 0,
    expired: 0,
    bad: 0,
    badRecords: [],
    repaired: 0,
    repairFailed: 0,
    differing: [],
    beforeReach: 0,
    notCopied: 0,
  };
  const precision = coarser(
    input.source.versionPrecision(input.plan),
    input.other.versionPrecision(input.plan),
  );
  const differ = (record: DifferingRecord): void => {
    parity[record.difference]++;
    if (parity.differing.length < input.limit) parity.differing.push(record);
    if (record.difference === "newer" && !input.copiesBack) parity.notCopied++;
    else beyondReach(parity, record, input.reach);
  };
  for await (const scanned of input.source.scan(input.plan, input.range)) {
    const batch = placeBatch(scanned, input.range);
    input.signal.throwIfAborted();
    parity.scanned += batch.records.length + batch.bad.length;
    for (const bad of batch.bad) countBad(parity, bad, input);
    if (batch.records.length === 0) continue;
    const copies = await input.other.fetchCurrent(
      input.plan,
      batch.records.map((r) => r.id),
    );
    const toRepair: SyncRecord[] = [];
    /** Records whose copy on the other side is newer, with that copy: see sourceHoldsCopy. */
    const newer: [SyncRecord, CurrentRecord][] = [];
    for (const record of batch.records) {
      const copy = copies.get(record.id);
      const version = record.version;
      const cannot = copy === undefined ? cannotHold(input, record) : undefined;
      if (copy === undefined && input.other.expired?.(input.plan, version) === true) parity.expired++;
      else if (cannot !== undefined) countBad(parity, cannot, input);
      else if (copy === undefined) {
        differ({ id: record.id, difference: "missing", version, ...deleteMarks(record) });
        if (input.repair?.copyMissing === true) toRepair.push(record);
      } else if ("kind" in copy)
        differ({ id: record.id, difference: "unreadable", version, ...deleteMarks(record) });
      else {
        const order = compareVersions(record.version, copy.version, precision);
        if (order === 0 && sameContent(record, copy)) parity.equal++;
        else {
          // Equal only at the coarser precision is no tie: the finer copy dated later within the unit
          // is the later write, as a run decides it (decide.ts).
          const exact = order === 0 ? compareVersions(record.version, copy.version, "microsecond") : order;
          const difference = exact > 0 ? "older" : exact < 0 ? "newer" : "tie";
          if (difference === "newer") newer.push([record, copy]);
          else {
            differ({
              id: record.id,
              difference,
              version,
              otherVersion: copy.version,
              ...deleteMarks(record, copy),
            });
            toRepair.push(record);
          }
        }
      }
    }
    // A newer copy on the other side is the other side's to write back, in its own pass; unless this
    // side holds it too, and the differing version was only the newest within the range.
    const held = await sourceHoldsCopy(input, precision, newer);
    for (const [record, copy] of newer) {
      const beyond = pastFutureLimit(input, record, copy);
      if (held.has(record.id)) parity.equal++;
      else if (beyond !== undefined) countBad(parity, beyond, input);
      else
        differ({
          id: record.id,
          difference: "newer",
          version: record.version,
          otherVersion: copy.version,
          ...deleteMarks(record, copy),
        });
    }
    if (input.repair !== undefined && toRepair.length > 0)
      await repair(input, input.repair, parity, toRepair);
  }
  return parity;
}

/**
 * The ids, among records whose copy on the other side is newer, of those whose own side holds that
 * same copy now. A versioned table's scan gives the newest version within the range: a record changed
 * since, and synced, has a newer row after the range's end, the one the other side holds. Counted as
 * a difference, verify over an older range listed every record changed since, and exited 7, while both
 * sides agreed. A copy written on this side after the scan read it (the job running beside) is the
 * same case. Read only for these records, which are few where the two sides agree.
 */
async function sourceHoldsCopy(
  input: VerifySideInput,
  precision: VersionPrecision,
  newer: readonly [SyncRecord, CurrentRecord][],
): Promise<Set<string>> {
  const held = new Set<string>();
  if (newer.length === 0) return held;
  const own = await input.source.fetchCurrent(
    input.plan,
    newer.map(([record]) => record.id),
  );
  for (const [record, copy] of newer) {
    const current = own.get(record.id);
    if (current === undefined || "kind" in current) continue;
    if (compareVersions(current.version, copy.version, precision) === 0 && sameContent(current, copy))
      held.add(record.id);
  }
  return held;
}

/**
 * A record the other side would refuse to hold (a version before 1970 in a date_nanos field): no run
 * or repair copies it, so it is a record only a person settles, with the reason a run's letter gives.
 */
function cannotHold(input: VerifySideInput, record: SyncRecord): BadRecord | undefined {
  const reason = input.other.refusal?.(input.plan, { record, current: undefined, version: record.version });
  if (reason === undefined) return undefined;
  return { kind: "bad", id: record.id, reason, raw: record, version: record.version };
}

/** A record verify counts as bad, which may be one every run meets whatever its own date. */
type CountedBad = BadRecord & {
  /** Every run meets it (its copy is dated past the future limit): no backfill is asked for. */
  readonly metByEveryRun?: true;
};

/**
 * A record whose copy on the other side is dated past the future limit: no run makes the two agree,
 * since every run that reads that side dead-letters the copy as far in the future, and none writes
 * this record over the newer copy. Counted as a "newer" difference, verify said the next run makes
 * the sides agree. It keeps its own date, as every bad record listed does; no backfill is asked for,
 * since every run meets that copy.
 */
function pastFutureLimit(
  input: VerifySideInput,
  record: SyncRecord,
  copy: CurrentRecord,
): CountedBad | undefined {
  const limit = input.range.futureLimit;
  if (limit === undefined || copy.version < limit) return undefined;
  const other = input.other.name.toLowerCase();
  return {
    kind: "bad",
    id: record.id,
    reason:
      `its copy on ${other} is dated past --max-future (after ${formatMicros(limit)}): a run reading ` +
      `${other} dead-letters that copy, and none writes this record over it; correct that copy's timestamp`,
    raw: record,
    version: record.version,
    metByEveryRun: true,
  };
}

/** Counts a difference no incremental run reads: a run reads the newer copy only where it is dated in its range. */
function beyondReach(parity: SideParity, record: DifferingRecord, reach: bigint | undefined): void {
  const other = record.otherVersion ?? record.version;
  const dated = other > record.version ? other : record.version;
  if (reach === undefined || dated >= reach) return;
  parity.beforeReach++;
  if (parity.beforeReachSince === undefined || dated < parity.beforeReachSince)
    parity.beforeReachSince = dated;
}

/** Counts a record that is no record, keeps it while fewer than `limit` are kept, and dates it. */
function countBad(parity: SideParity, bad: CountedBad, input: VerifySideInput): void {
  parity.bad++;
  if (parity.badRecords.length < input.limit) {
    parity.badRecords.push({
      ...(bad.id === undefined ? {} : { id: bad.id }),
      ...(bad.documentId === undefined ? {} : { documentId: bad.documentId }),
      reason: bad.reason,
      ...(bad.version === undefined ? {} : { version: bad.version }),
    });
  }
  // Undated, dated past the range's end (beyond the future limit), or with such a copy, it is met by
  // every run: no backfill is needed to read it again.
  if (bad.undated === true || bad.metByEveryRun === true) return;
  if (bad.version !== undefined && bad.version >= input.range.end) return;
  // The scan found it in the range, so a backfill from the range's beginning meets it again.
  const since = bad.version ?? input.range.begin;
  if (parity.badSince === undefined || since < parity.badSince) parity.badSince = since;
}

/**
 * Writes the records as a run would: each decided again against what the other side holds now (a
 * tie goes to the side the rule picks, a copy changed meanwhile is respected) and written
 * conditionally, so a repair is safe beside the scheduled job and beside applications.
 */
async function repair(
  input: VerifySideInput,
  settings: RepairSettings,
  parity: SideParity,
  records: readonly SyncRecord[],
): Promise<void> {
  const stats = await reconcileRecords(
    {
      plan: input.plan,
      direction: input.source.side === "cassandra" ? "to-es" : "to-cassandra",
      source: input.source,
      target: input.other,
      range: input.range,
      // Over a range, the newest row of a versioned table may lie past it: a repair writes that one.
      endsBehind: true,
      dryRun: false,
      deadLetters: settings.deadLetters,
      budget: settings.budget,
      signal: input.signal,
    },
    records,
  );
  parity.repaired += stats.written;
  parity.repairFailed += stats.deadLettered;
}
