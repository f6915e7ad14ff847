// Reconciles one table in one direction over one range: read what changed on the source, read what
// the target holds for those ids, decide, and write only the winners. Pure orchestration: all I/O is
// behind RecordStore and DeadLetterSink.
//
// Batches overlap: while one batch is being written, the next is fetched and decided, up to
// `batchesInFlight` at once, so neither store waits for the other. The scan is read only as fast as
// batches finish, which bounds memory by that number of batches.
import { CircuitOpenError } from "./run-errors.js";
import type { DeadLetter, DeadLetterSink } from "./dead-letter.js";
import { versionToWrite, writesAboveTie, type Decision } from "./decide.js";
import { decideOverDrops } from "./dropped-values.js";
import type { ErrorBudget } from "./error-budget.js";
import type { BadRecord, CurrentRecord, SyncRecord } from "../core/record.js";
import type { PlannedWrite, RecordStore, TimeRange, WriteOutcome } from "./record-store.js";
import { sameContent } from "./record.js";
import { placeBatch } from "./range-placement.js";
import { otherDirection, type Direction } from "../core/direction.js";
import { emptyStats, type TableStats } from "./stats.js";
import type { TablePlan } from "./table-plan.js";
import { coarser, compareVersions, type VersionPrecision } from "../core/version.js";
import { idSpellings } from "../core/table-key.js";
import type { SettledRecords } from "./settled-records.js";
import { keepsVersions, newestOfSource } from "./newest-of-source.js";

export interface SyncTableInput {
  readonly plan: TablePlan;
  /**
   * The plan the source is read with, when it differs: a dry run with --create-columns reads each
   * document as the columns it would create hold it, as the run after them would.
   */
  readonly sourcePlan?: TablePlan;
  readonly direction: Direction;
  readonly source: RecordStore;
  readonly target: RecordStore;
  readonly range: TimeRange;
  readonly dryRun: boolean;
  readonly deadLetters: DeadLetterSink;
  readonly budget: ErrorBudget;
  readonly signal: AbortSignal;
  /** How often a record that keeps meeting concurrent writes is read and decided again. */
  readonly conflictRounds?: number;
  /** Batches fetched, decided or written at once (default 3). */
  readonly batchesInFlight?: number;
  /** The first direction of a run in both: remembers each record it leaves equal on both sides. */
  readonly recordSettled?: SettledRecords;
  /** The second direction: skips each record the first one settled, if its copy is unchanged since. */
  readonly skipSettled?: SettledRecords;
  /**
   * Given the table's statistics as it starts, which the engine then keeps counting: a run that fails
   * part way still reports what this table did until then.
   */
  readonly onStart?: (stats: Readonly<TableStats>) => void;
  /** After each batch; `expected`: about how many records the scan reads, when the source can tell. */
  readonly onBatch?: (stats: Readonly<TableStats>, expected: number | undefined) => void;
  /** Told of each decision on a record read from the source (synced plan shows a sample). */
  readonly onDecision?: (decided: DecidedRecord) => void;
  /**
   * The checkpoint the run continues from, when it reads a look-back window before it: a record
   * dated before it that the target lacks (or holds older) arrived after the run that passed it.
   */
  readonly lateBefore?: bigint;
  /** Told of each late arrival. */
  readonly onLate?: (late: LateRecord) => void;
  /** Told of each document field that no column holds, for every document holding it. */
  readonly onUnmappedField?: (field: string) => void;
  /**
   * The range ends behind now (an -e given, a repair): a versioned table may hold rows past its end
   * that no incremental run reads, so a record is written as its newest row (newest-of-source.ts).
   */
  readonly endsBehind?: boolean;
}

/** A record the look-back window found out of step: dated before the checkpoint a run had passed. */
export interface LateRecord {
  readonly table: string;
  readonly direction: Direction;
  readonly id: string;
  readonly version: bigint;
  /** How far before the checkpoint it missed it is dated, in microseconds. */
  readonly lateByMicros: bigint;
}

/** One record's decision, with both sides' copies: what `synced plan` shows. */
export interface DecidedRecord {
  readonly table: string;
  readonly direction: Direction;
  readonly record: SyncRecord;
  readonly current: CurrentRecord | undefined;
  readonly decision: Decision;
}

export async function syncTable(input: SyncTableInput): Promise<TableStats> {
  const started = performance.now();
  const stats = emptyStats(input.plan.table, input.direction);
  input.onStart?.(stats);
  const precision = coarser(
    input.source.versionPrecision(input.plan),
    input.target.versionPrecision(input.plan),
  );
  // A target that holds nothing of this type yet, and refuses to create what appears meanwhile, need
  // not be read before the first write: a record that does exist answers as a conflict, and is read
  // and decided then.
  const targetEmpty = (await input.target.emptyForCreates?.(input.plan)) === true;
  const limit = Math.max(1, input.batchesInFlight ?? 3);
  // Only for the progress display: asked beside the scan, never waited for, and its failure ignored.
  let expected: number | undefined;
  if (input.onBatch && input.source.estimate) {
    input.source.estimate(input.sourcePlan ?? input.plan, input.range).then(
      (n) => {
        expected = n;
      },
      () => undefined,
    );
  }
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    const scan = input.source.scan(input.sourcePlan ?? input.plan, input.range, input.skipSettled);
    for await (const scanned of scan) {
      const batch = placeBatch(scanned, input.range);
      input.signal.throwIfAborted();
      if (failure) break;
      stats.scanned += batch.records.length + batch.bad.length + (scanned.settled ?? 0);
      stats.unchanged += scanned.settled ?? 0;
      if (scanned.read !== undefined) stats.read = (stats.read ?? 0) + scanned.read;
      if (scanned.readEstimated === true) stats.readEstimated = true;
      const work = (async () => {
        try {
          for (const bad of batch.bad) {
            countUnmapped(input, stats, bad);
            await deadLetter(input, stats, bad.id, bad.reason, bad.raw);
          }
          await reconcileBatch(input, stats, precision, unsettled(input, stats, batch.records), targetEmpty);
        } finally {
          // Also when the error budget ran out: the letters counted so far are stored.
          await input.deadLetters.flush();
        }
        input.onBatch?.(stats, expected);
      })().catch((error: unknown) => {
        failure ??= { error };
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
  } finally {
    // A scan that failed still lets the batches in flight finish: their writes are not abandoned.
    await Promise.all(inFlight);
    stats.deadLettered -= unstored(input);
    stats.durationMs = performance.now() - started;
  }
  return stats;
}

/**
 * Reconciles the given records as one batch of a scan would be (a replay of dead letters): each is
 * decided against the target and written where it wins; what fails goes to `input.deadLetters`.
 */
export async function reconcileRecords(
  input: SyncTableInput,
  records: readonly SyncRecord[],
  /** The target holds nothing of the table (a dry run's index yet to be made): it is not read. */
  targetEmpty = false,
): Promise<TableStats> {
  const stats = emptyStats(input.plan.table, input.direction);
  const precision = coarser(
    input.source.versionPrecision(input.plan),
    input.target.versionPrecision(input.plan),
  );
  try {
    await reconcileBatch(input, stats, precision, records, targetEmpty);
  } finally {
    try {
      await input.deadLetters.flush();
    } finally {
      stats.deadLettered -= unstored(input);
    }
  }
  return stats;
}

/** The letters counted as put that the dead-letter store failed to take: the count is of those stored. */
function unstored(input: SyncTableInput): number {
  return input.deadLetters.takeUnstored?.(input.plan.table, input.direction) ?? 0;
}

/**
 * The precision the target stores a row's version in, where it keeps a row per version of a record (a
 * versioned Cassandra table: microseconds in a timeuuid, milliseconds in a timestamp); undefined for a
 * target of one copy per record.
 */
function rowPrecision(input: SyncTableInput): VersionPrecision | undefined {
  if (input.target.side !== "cassandra" || input.plan.shape !== "versioned") return undefined;
  return input.target.versionPrecision(input.plan);
}

/**
 * A record written from before the checkpoint a run had passed arrived late. Counted as it is written,
 * once (a record is written once, after any conflicts): one the target refuses waits as a dead letter,
 * and is counted as that by every run that meets it again.
 */
function lateIfSo(input: SyncTableInput, stats: TableStats, write: PlannedWrite): void {
  const { record, current } = write;
  const checkpoint = input.lateBefore;
  if (checkpoint === undefined || record.version >= checkpoint) return;
  // A target that held this content already lacked nothing: only the version moves. So does a tie's
  // winner written into a versioned table one unit above the row it tied with (a table of milliseconds,
  // or a second tie won at one version), which the next run copies back into the index; counted, it
  // would read as a record that arrived late.
  if (current !== undefined && sameContent(record, current)) return;
  // A record whose letter waits was met by the run that passed it, which could not write it
  // (concurrent writes kept winning the race, the target refused it): it did not come late.
  const ids = (): string[] => documentIds(input, record.id);
  if (input.deadLetters.waits?.(input.plan.table, input.direction, record.id, ids) === true) return;
  stats.late++;
  input.onLate?.({
    table: input.plan.table,
    direction: input.direction,
    id: record.id,
    version: record.version,
    lateByMicros: checkpoint - record.version,
  });
}

/**
 * The ids of late records written to Cassandra where it held no row, that it still shows none of: the
 * row was removed by a CQL DELETE made after the record's version, whose tombstone hides any write
 * older than it. Such a copy lands unseen, and every run whose look-back window reaches the record
 * wrote it again and counted it late; read back, it is what the target holds newer. Only these
 * records are read again: a late record is rare, and one absent on a first load is not late.
 */
async function landedUnderDeletes(
  input: SyncTableInput,
  writes: readonly PlannedWrite[],
  outcomes: readonly { readonly status: string }[],
): Promise<Set<string>> {
  const checkpoint = input.lateBefore;
  if (input.direction !== "to-cassandra" || checkpoint === undefined) return new Set();
  const ids = writes
    .filter(
      (w, i) => outcomes[i]?.status === "written" && w.current === undefined && w.record.version < checkpoint,
    )
    .map((w) => w.record.id);
  if (ids.length === 0) return new Set();
  const current = await input.target.fetchCurrent(input.plan, ids);
  return new Set(ids.filter((id) => current.get(id) === undefined));
}

async function reconcileBatch(
  input: SyncTableInput,
  stats: TableStats,
  precision: VersionPrecision,
  records: readonly SyncRecord[],
  targetEmpty: boolean,
): Promise<void> {
  let pending = unexpired(input, stats, records);
  const rounds = input.conflictRounds ?? 3;
  for (let round = 0; pending.length > 0; round++) {
    input.signal.throwIfAborted();
    const current =
      targetEmpty && round === 0
        ? new Map<string, CurrentRecord | BadRecord>()
        : await input.target.fetchCurrent(
            input.plan,
            pending.map((r) => r.id),
          );
    if (round === 0 && input.endsBehind === true && keepsVersions(input)) {
      // The same ids: what the target holds of each stands.
      pending = await newestOfSource(
        { ...input, plan: input.sourcePlan ?? input.plan },
        pending,
        current,
        precision,
      );
    }
    const writes: PlannedWrite[] = [];
    for (const record of pending) {
      const held = current.get(record.id);
      if (isBad(held)) {
        countUnmapped(input, stats, held);
        await deadLetter(
          input,
          stats,
          record.id,
          `the ${input.target.name} record is unreadable: ${held.reason}`,
          {
            source: record,
            target: held.raw,
          },
        );
        continue;
      }
      const { decision, record: written } = decideOverDrops(
        input.plan,
        input.direction,
        record,
        held,
        precision,
      );
      input.onDecision?.({
        table: input.plan.table,
        direction: input.direction,
        record: written,
        current: held,
        decision,
      });
      if (decision.action === "write") {
        const record = written;
        const precision = rowPrecision(input);
        if (writesAboveTie(record, held, precision)) {
          writes.push({ record, current: held, version: record.version, aboveTie: true });
        } else {
          writes.push({ record, current: held, version: versionToWrite(record, held, precision) });
        }
      } else if (decision.reason === "unchanged") {
        stats.unchanged++;
        if (held?.tag !== undefined) input.recordSettled?.add(record.id, held.tag);
        settleLetters(input, record.id, "both");
      } else {
        if (decision.reason === "target-newer") stats.targetNewer++;
        else stats.tieLost++;
        settleLetters(input, record.id, "this");
      }
    }
    if (input.dryRun) {
      // What the store would refuse unsent is what the run would dead-letter.
      for (const write of writes) {
        const refusal = input.target.refusal?.(input.plan, write);
        if (refusal === undefined) {
          stats.written++;
          lateIfSo(input, stats, write);
          // A dry run's sink settles only in memory, so later records are counted as the run would.
          settleLetters(input, write.record.id, "both");
        } else await deadLetter(input, stats, write.record.id, refusal, write.record);
      }
      return;
    }
    const outcomes = await input.target.write(input.plan, writes);
    const conflicted: SyncRecord[] = [];
    const landed = await landedUnderDeletes(input, writes, outcomes);
    const own = await ownFirstSendings(input, writes, outcomes, precision);
    for (const [i, write] of writes.entries()) {
      const outcome = outcomes[i];
      if (outcome === undefined) throw new Error(`the ${input.target.name} store returned too few outcomes`);
      const ownCopy = own.get(write);
      if (outcome.status === "written" && landed.has(write.record.id)) {
        // The row's delete is newer than the record: the target holds the newer version.
        stats.targetNewer++;
        settleLetters(input, write.record.id, "this");
      } else if (outcome.status === "written" || ownCopy !== undefined) {
        stats.written++;
        lateIfSo(input, stats, write);
        const tag = outcome.status === "written" ? outcome.tag : ownCopy?.tag;
        if (tag !== undefined) input.recordSettled?.add(write.record.id, tag);
        settleLetters(input, write.record.id, "both");
      } else if (outcome.status === "rejected") {
        await deadLetter(input, stats, write.record.id, outcome.reason, write.record);
      } else {
        stats.conflicts++;
        conflicted.push(write.record);
      }
    }
    if (round + 1 >= rounds && conflicted.length > 0) {
      for (const record of conflicted) {
        await deadLetter(
          input,
          stats,
          record.id,
          `concurrent writes to this record in ${input.target.name} kept winning the race ${rounds} times; rerun to retry`,
          record,
        );
      }
      return;
    }
    pending = conflicted;
  }
}

/**
 * The writes answered as conflicts by a request sent again whose first sending landed: read again, the
 * target holds what each sent, in content and version, so each was written. Only requests sent again
 * are read: a write sent once that meets an equal record met a copy this run did not write (a rerun
 * creating into an index whose count does not see what the last run wrote yet), and that is a conflict.
 */
async function ownFirstSendings(
  input: SyncTableInput,
  writes: readonly PlannedWrite[],
  outcomes: readonly WriteOutcome[],
  precision: VersionPrecision,
): Promise<Map<PlannedWrite, CurrentRecord>> {
  const own = new Map<PlannedWrite, CurrentRecord>();
  const sentAgain = writes.filter((_, i) => {
    const outcome = outcomes[i];
    return outcome?.status === "conflict" && outcome.sentAgain === true;
  });
  if (sentAgain.length === 0) return own;
  const current = await input.target.fetchCurrent(
    input.plan,
    sentAgain.map((w) => w.record.id),
  );
  for (const write of sentAgain) {
    const held = current.get(write.record.id);
    if (
      held !== undefined &&
      !isBad(held) &&
      sameContent(write.record, held) &&
      compareVersions(write.version, held.version, precision) === 0
    ) {
      own.set(write, held);
    }
  }
  return own;
}

/**
 * The records the target would keep: where its records expire (a Cassandra table's default time to
 * live), one that would have expired there already is not written, so that a copy of a row that
 * expired does not bring it back.
 */
function unexpired(
  input: SyncTableInput,
  stats: TableStats,
  records: readonly SyncRecord[],
): readonly SyncRecord[] {
  const { target, plan } = input;
  // Most tables' rows do not expire, and most batches hold no such record: they pass without a copy.
  if (target.expired === undefined || !records.some((r) => target.expired?.(plan, r.version) === true))
    return records;
  const left: SyncRecord[] = [];
  for (const record of records) {
    if (!target.expired(plan, record.version)) {
      left.push(record);
      continue;
    }
    stats.expired++;
    const decision = { action: "skip", reason: "expired" } as const;
    input.onDecision?.({
      table: plan.table,
      direction: input.direction,
      record,
      current: undefined,
      decision,
    });
  }
  return left;
}

/** The records still to compare: those the first direction of this run did not already settle. */
function unsettled(
  input: SyncTableInput,
  stats: TableStats,
  records: readonly SyncRecord[],
): readonly SyncRecord[] {
  const settled = input.skipSettled;
  if (settled === undefined || settled.size === 0) return records;
  const left = records.filter((r) => r.tag === undefined || !settled.has(r.id, r.tag));
  stats.unchanged += records.length - left.length;
  return left;
}

/**
 * A record this run reconciled leaves its waiting letter nothing to do. One now equal on both sides
 * (written, or found so) leaves none in either direction; one the target holds newer, or wins the tie
 * of, settles this direction's only: the target's copy may still have to go the other way.
 */
function settleLetters(input: SyncTableInput, id: string, directions: "this" | "both"): void {
  const sink = input.deadLetters;
  if (sink.settle === undefined) return;
  const ids = (): string[] => documentIds(input, id);
  sink.settle(input.plan.table, input.direction, id, ids);
  if (directions === "both") sink.settle(input.plan.table, otherDirection(input.direction), id, ids);
}

/** The `_id`s a lookup finds the record's document under: its UUIDs in either case. */
function documentIds(input: SyncTableInput, id: string): string[] {
  return idSpellings(input.plan.key, id).map((spelled) => `${input.plan.es.idPrefix}${spelled}`);
}

function countUnmapped(input: SyncTableInput, stats: TableStats, bad: BadRecord): void {
  for (const field of bad.unmappedFields ?? []) {
    stats.unmappedFields[field] = (stats.unmappedFields[field] ?? 0) + 1;
    input.onUnmappedField?.(field);
  }
}

function isBad(value: CurrentRecord | BadRecord | undefined): value is BadRecord {
  return value !== undefined && "kind" in value;
}

async function deadLetter(
  input: SyncTableInput,
  stats: TableStats,
  id: string | undefined,
  reason: string,
  record: unknown,
): Promise<void> {
  const letter: DeadLetter = {
    table: input.plan.table,
    direction: input.direction,
    from: input.source.side,
    id,
    reason,
    record,
  };
  await input.deadLetters.put(letter);
  stats.deadLettered++;
  if (!input.budget.spend()) {
    throw new CircuitOpenError(input.budget.limit, input.plan.table, input.direction);
  }
}
