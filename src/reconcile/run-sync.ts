// One run of one configuration: take the lease, resolve the range from the checkpoint, plan the
// tables, reconcile each in each direction, and move the checkpoint only when every table finished.
// Every store, the schema and the state arrive as interfaces, so this file holds the order of things
// and nothing else.
import { refuseTooManySlices } from "./scroll-slices.js";
import { refreshNotice } from "./refresh-notice.js";
import { directionsOf, type Direction, type DirectionChoice } from "../core/direction.js";
import { formatMicros, microsFromMillis, millisFromMicros, MIN_MICROS } from "../core/micros.js";
import { refuse, refusingTable } from "./table-refusals.js";
import { COLUMNS_UNRECORDED, wholeReason } from "./whole-reads.js";
import { caughtUpReason, resolveRange, type ResolvedRange } from "./range.js";
import { nextCheckpoint, whyUnmoved } from "../state/checkpoint-rule.js";
import { scanRangeOf } from "./range-placement.js";
import type { Checkpoint, RunOutcome, StateStore } from "../state/state-store.js";
import {
  carriedStart,
  partitionItem,
  shardStart,
  type OtherSharding,
  type Partition,
} from "./shard-partition.js";
import type { DeadLetterSink } from "./dead-letter.js";
import { ErrorBudget } from "./error-budget.js";
import { indexExistsBefore, type PlanEntry, type PlanSettings } from "./plan-tables.js";
import { coverageOf, coverItem, recordsColumnChoice, type Coverage } from "./coverage.js";
import { planSchema, refuseNothingSyncable, type SchemaReader } from "./schema-plan.js";
import { sizedPlan } from "./batch-budget.js";
import type { RecordStore, TimeRange } from "./record-store.js";
import { totals, type RunReport, type SkippedType } from "./run-report.js";
import { readFarMore, readNotice, readPerInRange } from "./read-ratio.js";
import type { TableStats } from "./stats.js";
import { SettledRecords } from "./settled-records.js";
import { syncTable, type DecidedRecord, type LateRecord } from "./sync-table.js";
import { withLeaseEnd } from "./with-lease.js";
import type { Column, TablePlan, TypeFilter } from "./table-plan.js";
import { IndexReplacedError, InterruptedError, TablesRefusedError } from "./run-errors.js";
import {
  createColumns,
  createTables,
  mapNewFields,
  skipUncreatableTables,
  noSchemaChanges,
  unmappedFieldLog,
  withColumns,
  type SchemaChanges,
} from "./schema-changes.js";

export interface SchemaGateway extends SchemaReader {
  /**
   * Creates the type's index (or its fields in the shared index), to write documents to; returns the
   * index name. Throws a TableIndexRefusedError where a template gave the new index what synced cannot
   * live with: a mapping, or a block of every write.
   */
  createIndex(plan: TablePlan): Promise<string>;
  /**
   * What a dry run checks in place of creating the index and writing to it: throws the
   * TableIndexRefusedError a run would meet there (a template's mapping for the index it creates, an
   * ingest pipeline that does not exist where a run or a replay `writes`); returns what it could not
   * check, as notices.
   */
  plannedWrites?(plan: TablePlan, createsIndex: boolean, writes: false | "run" | "replay"): Promise<string[]>;
  /** Creates a Cassandra table from the type's mapping (only with --create-tables). */
  createTable(name: string, index: string, typeFilter?: TypeFilter): Promise<void>;
  /**
   * Why createTable could not make a table from the index's mapping (a field no CQL type on this
   * cluster holds, an id no key can be), or undefined where it could: what a dry run says, and what
   * a run skips before it creates anything. Cassandra may still refuse the statement itself.
   */
  tableRefusal(name: string, index: string, typeFilter?: TypeFilter): Promise<string | undefined>;
  /**
   * Indexes the table's timestamp column and returns once the index answers queries (only with
   * --create-timestamp-index); returns the index's name.
   */
  createTimestampIndex(
    plan: TablePlan,
    signal: AbortSignal,
    log?: (message: string) => void,
  ): Promise<string>;
  /**
   * Returns once the storage-attached indexes on the table's timestamp column answer queries, waiting
   * where one is still being built (Cassandra refuses reads through it until then); returns those it
   * waited for.
   */
  awaitTimestampIndex(
    plan: TablePlan,
    signal: AbortSignal,
    log: (message: string) => void,
  ): Promise<string[]>;
  /**
   * Throws a ConfigError when the server cannot hold a timestamp index (Cassandra before 5.0), so
   * that --create-timestamp-index is refused before the run writes anything.
   */
  checkTimestampIndexSupport(): void;
  /**
   * The `index.max_slices_per_scroll` of each of `indices` that sets one (the smallest of an alias's
   * indices); an index without it allows 1,024.
   */
  scrollSliceLimits(indices: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /**
   * The index.refresh_interval of each of `indices` that sets one, in milliseconds, or "off" for -1;
   * an index that keeps the default (1 s, or a refresh at each search once idle) is left out.
   */
  refreshIntervals(indices: readonly string[]): Promise<ReadonlyMap<string, number | "off">>;
  /**
   * What a dry run checks in place of addFields: the refusal, in the cluster's words, where the fields
   * of `columns` would pass the index's index.mapping.total_fields.limit; undefined where they would
   * not, or the count cannot be trusted.
   */
  fieldLimitRefusal?(plan: TablePlan, columns: readonly Column[]): Promise<string | undefined>;
  /**
   * Maps the fields of `columns` (content columns of the plan) in the table's existing index, each as
   * synced maps its column's type; returns each field with its field type.
   */
  addFields(
    plan: TablePlan,
    columns: readonly Column[],
  ): Promise<readonly { readonly field: string; readonly type: string }[]>;
  /** How many documents of the plan's type hold each of `fields` (only with --create-columns). */
  documentsHolding(plan: TablePlan, fields: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** Adds a column to the plan's table (only with --create-columns). */
  addColumn(plan: TablePlan, column: Column): Promise<void>;
  /**
   * What tells the plan's index from one made again under its name (its uuid, or those of the indices
   * behind its alias); undefined where it does not exist, or the store cannot tell. Read once per run
   * with the index's other settings, unless `fresh`: read now, as after the table's writes.
   */
  indexIdentity?(plan: TablePlan, fresh?: boolean): Promise<string | undefined>;
}

export interface RunSettings {
  readonly runId: string;
  /** The selection, names and layout the plan is made with. */
  readonly plan: PlanSettings;
  readonly key: string;
  readonly holder: string;
  readonly begin?: bigint | undefined;
  readonly end?: bigint | undefined;
  readonly allowFutureEnd: boolean;
  readonly lagMs: number;
  /** How far before the checkpoint the run reads again, to find records that arrived late. */
  readonly lookbackMs?: number;
  readonly direction: DirectionChoice;
  readonly dryRun: boolean;
  readonly createTimestampIndex?: boolean;
  /** Add a column for each document field that no column holds, typed from the index mapping. */
  readonly createColumns?: boolean;
  readonly maxErrors: number;
  readonly leaseTtlMs: number;
  readonly maxFutureMs: number;
  /** A sharded run's partition: what decides which records the shard reads (shard-partition.ts). */
  readonly partition?: Partition;
  /** A sharded run: how many shards there are (--shard i/N), which read an index in slices × N. */
  readonly shards?: number;
  /**
   * --batch-size: a table whose rows the stores estimate large gets fewer per batch (batch-budget.ts).
   * Absent: every table's batch is the stores' own.
   */
  readonly batchSize?: number;
}

export interface RunDependencies {
  readonly cassandra: RecordStore;
  readonly elasticsearch: RecordStore;
  readonly schema: SchemaGateway;
  readonly state: StateStore;
  readonly deadLetters: DeadLetterSink & { readonly location: string };
  readonly signal: AbortSignal;
  readonly now: () => bigint;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** A lease the state store did not take back (with-lease.ts): someone may have to look at it. */
  readonly warn: (message: string, fields?: Record<string, unknown>) => void;
  readonly onProgress?: (stats: Readonly<TableStats>, expected: number | undefined) => void;
  readonly onDecision?: (decided: DecidedRecord) => void;
  readonly onLate?: (late: LateRecord) => void;
  /**
   * The notices this process has given, kept across the runs of `synced watch`, so that each is given
   * once: a table's read notice (read-ratio.ts) by `read:<table>`, the others by their text.
   */
  readonly noticesGiven?: Set<string>;
  /**
   * The other keys of the state for the same keyspace and index, where the key is derived from the
   * options: a first run under a key beside them says so (see siblingNotice).
   */
  readonly siblingKeys?: () => Promise<readonly string[]>;
  /** A sharded run: the checkpoints of the configuration's other shards, undefined where one has none. */
  readonly shardSiblings?: () => Promise<readonly (Checkpoint | undefined)[]>;
  /**
   * The configuration's checkpoints under other shard counts (or without --shard), asked only by a
   * run with no checkpoint of its own: it begins where one of those covered every range.
   */
  readonly otherShardings?: () => Promise<readonly OtherSharding[]>;
}

export async function runSync(settings: RunSettings, deps: RunDependencies): Promise<RunReport> {
  const clock = (): Date => new Date(millisFromMicros(deps.now()));
  const started = clock();
  const { value: held, end } = await withLeaseEnd(
    {
      state: deps.state,
      key: settings.key,
      owner: settings.runId,
      holder: settings.holder,
      ttlMs: settings.leaseTtlMs,
      signal: deps.signal,
      log: deps.log,
      warn: deps.warn,
      now: clock,
      backfill: settings.begin !== undefined,
    },
    // Aborted by SIGINT/SIGTERM through deps.signal, or by losing the lease to another run.
    ({ signal }) => runHeld(settings, deps, signal, started),
  );
  // The stop's message was made when the signal came: only now is it known whether the lease went.
  const stopped =
    held.error instanceof InterruptedError ? { ...held, error: held.error.afterLease(end) } : held;
  const report: RunReport = end.released
    ? stopped
    : { ...stopped, leaseLeft: { expiresAt: end.expiresAt, reason: end.reason, ranOut: end.ranOut } };
  // The history is written once the lease is let go: a failure to write it costs nothing else.
  if (!settings.dryRun)
    await recordRun(deps, report, started, new Date(started.getTime() + report.durationMs));
  return report;
}

/** The run itself, under the lease; a failure after the plan is reported, not thrown. */
/** deps.log, but a process that runs again and again (watch) says each of these lines once. */
function logOnce(deps: RunDependencies): (message: string, fields?: Record<string, unknown>) => void {
  return (message, fields) => {
    if (deps.noticesGiven?.has(message) === true) return;
    deps.noticesGiven?.add(message);
    deps.log(message, fields);
  };
}

async function runHeld(
  settings: RunSettings,
  deps: RunDependencies,
  signal: AbortSignal,
  started: Date,
): Promise<RunReport> {
  // A refusal here (an empty range, an unknown table) is the whole answer: nothing was done yet.
  const prepared = await prepare(settings, deps);
  const { checkpointBefore, coverage, range } = prepared;
  /** What each table and type is to become: undefined until the plan is made. */
  let planned: Planned | undefined;
  const tables: TableStats[] = [];
  const skipped: SkippedType[] = [];
  const refused: SkippedType[] = [];
  const changes: SchemaChanges = noSchemaChanges();
  const onUnmapped = unmappedFieldLog(deps.log, settings.createColumns === true);
  const createdIndices: string[] = [];
  const mappedIndices: string[] = [];
  const timestampIndexes: string[] = [];
  const createdTables: string[] = [];
  /** What a dry run could not check of what a run would write (SchemaGateway.plannedWrites). */
  const plannedNotices: string[] = [];
  let checkpointAfter = checkpointBefore;
  let checkpointUnmoved: string | undefined;
  /** What the checkpoint covers once this run moves it (Checkpoint.covers). */
  const covers: string[] =
    settings.partition === undefined ? [] : [partitionItem(settings.partition, prepared.ring)];
  let outcome: RunOutcome;
  let failure: Error | undefined;
  try {
    const scanRange = scanRangeOf(
      range.lookbackFrom ?? range.begin,
      range.end,
      deps.now() + microsFromMillis(settings.maxFutureMs),
    );
    planned = await planTables(settings, deps, range);
    let entries = await createTables(deps.schema, settings, planned.entries, createdTables, skipped);
    // Filled only in a dry run, which creates no column.
    const plannedColumns = new Map<string, Column[]>();
    if (settings.createColumns === true)
      entries = await createColumns(deps.schema, settings, entries, changes, deps.log, plannedColumns);
    const budget = new ErrorBudget(settings.maxErrors);
    if (entries.some((e) => e.kind === "sync")) await deps.deadLetters.prepare?.(deps.log);
    for (const entry of entries) {
      signal.throwIfAborted();
      if (entry.kind === "skip") skipped.push({ name: entry.name, reason: entry.reason });
      if (entry.kind === "refuse") refuse(refused, entry, deps.log);
      if (entry.kind !== "sync") continue;
      if (entry.createIndex && !settings.dryRun) {
        // In the type-field layout every table's type goes into one index: it is listed once, and not
        // at all where it exists already and only a table's type has no document there yet.
        const index = await refusingTable(
          deps.schema.createIndex(entry.plan),
          entry.plan.table,
          refused,
          deps.log,
        );
        if (index === undefined) continue;
        const made = entry.madeAhead === true ? mappedIndices : createdIndices;
        if (!indexExistsBefore(entry) && !made.includes(index)) made.push(index);
      }
      if (settings.dryRun && deps.schema.plannedWrites !== undefined) {
        const writes = directionsOf(settings.direction).includes("to-es") && "run";
        const unchecked = await refusingTable(
          deps.schema.plannedWrites(entry.plan, !indexExistsBefore(entry), writes),
          entry.plan.table,
          refused,
          deps.log,
        );
        if (unchecked === undefined) continue;
        for (const notice of unchecked) if (!plannedNotices.includes(notice)) plannedNotices.push(notice);
      }
      const unmappable = await mapNewFields(deps.schema, entry, settings.dryRun, changes, deps.log);
      if (unmappable !== undefined) {
        refuse(refused, { name: entry.plan.table, reason: unmappable }, deps.log);
        continue;
      }
      let plan = entry.plan;
      if (settings.createTimestampIndex === true && plan.timestampIndexed !== true && !settings.dryRun) {
        timestampIndexes.push(await deps.schema.createTimestampIndex(plan, signal, deps.log));
        plan = { ...plan, timestampIndexed: true };
      } else if (plan.timestampIndexed === true) {
        // An index that exists may still be building: a run stopped while it built it, or one made by
        // hand. Reading through it now would fail the run, as every run after would until it is built.
        await deps.schema.awaitTimestampIndex(plan, signal, deps.log);
      }
      // An index this run made holds nothing to tell of yet.
      const sizing = indexExistsBefore(entry) ? [deps.cassandra, deps.elasticsearch] : [deps.cassandra];
      if (settings.batchSize !== undefined)
        plan = await sizedPlan(plan, sizing, settings.batchSize, logOnce(deps));
      const sync = { ...entry, plan };
      // Read before the first write: an index made again under its name during the run is not covered.
      const identity = {
        index:
          settings.dryRun && !indexExistsBefore(entry) ? undefined : await deps.schema.indexIdentity?.(plan),
        table: plan.tableId,
        columns: plan.columnChoice,
      };
      const covered = (direction: Direction): Coverage => coverage(plan.table, direction, identity);
      // A table whose index this run creates is new to this configuration (added to the keyspace since
      // its last run, or of a key an earlier version skipped), one the checkpoint does not cover was
      // left out of the runs that moved it (--exclude-tables, or a direction added since), and one
      // whose index or table is not the one they synced (made again under its name) may lack what they
      // copied or hold what they never saw: its records may be dated before the checkpoint, where no
      // incremental run would look, so it is read whole, as a first run would. A table whose type has no
      // document in the type-field layout's index yet is one of these only as its coverage tells: one
      // an earlier run synced there while it was empty is covered like any other. A checkpoint that
      // does not say what it covers cannot tell such a table from a new one, so it is read whole.
      const whole = (direction: Direction): boolean =>
        range.beginFrom === "checkpoint" &&
        (!indexExistsBefore(entry) ||
          (entry.sharedIndexExists === true && !prepared.coverageRecorded) ||
          covered(direction) !== "covered");
      // A range that ends behind the checkpoint: a row past its end that the look-back does not reach
      // is read by no incremental run. Otherwise the next run reads such rows, and a backfill in chunks
      // of a first load pays no second read per record written.
      const endsBehind =
        range.endFrom === "option" && checkpointBefore !== undefined && range.end < checkpointBefore;
      const reading = (direction: Direction): DirectionReading => {
        if (whole(direction)) {
          const why = wholeReason(entry, covered(direction), prepared.coverageRecorded);
          deps.log(`table ${plan.table} (${direction}) ${why}: read from the earliest version`, {
            table: plan.table,
            direction,
          });
        }
        const tableRange = whole(direction) ? { ...scanRange, begin: MIN_MICROS } : scanRange;
        const lateBefore = range.lookbackFrom === undefined || whole(direction) ? undefined : range.begin;
        return {
          range: tableRange,
          ...(lateBefore === undefined ? {} : { lateBefore }),
          ...(endsBehind ? { endsBehind } : {}),
        };
      };
      const onUnmappedField = onUnmapped(plan);
      const synced = await refusingTable(
        syncDirections(
          settings,
          deps,
          signal,
          sync,
          reading,
          budget,
          onUnmappedField,
          (t) => tables.push(t),
          plannedColumns.get(plan.table),
        ),
        plan.table,
        refused,
        deps.log,
      );
      if (synced === undefined) continue;
      // Writes into an index made again during the run succeed (Elasticsearch makes it from the first
      // write that finds none), so only its identity tells that the records written before are gone.
      // Where the run wrote nothing into the index, it lost nothing there, and the next run's coverage
      // still tells the index apart by the identity read before.
      const wroteToIndex = synced.some((stats) => stats.direction === "to-es" && stats.written > 0);
      if (identity.index !== undefined && !settings.dryRun && wroteToIndex) {
        const after = await deps.schema.indexIdentity?.(plan, true);
        if (after !== identity.index)
          throw new IndexReplacedError(plan.table, plan.es.index, deps.elasticsearch.name);
      }
      for (const stats of synced) {
        const fromEarliest = whole(stats.direction) || scanRange.begin <= MIN_MICROS;
        if (fromEarliest || covered(stats.direction) === "covered")
          covers.push(coverItem(plan.table, stats.direction, identity));
      }
    }
    signal.throwIfAborted();
    // The other tables are synced, but the range is not covered for these: the checkpoint stays.
    if (refused.length > 0) {
      checkpointUnmoved = `the range is not covered for ${refused.map((r) => r.name).join(", ")}`;
      throw new TablesRefusedError(refused, tables.length > 0, settings.dryRun);
    }
    outcome = deps.deadLetters.count > 0 ? "partial" : "success";
    if (tables.length === 0) {
      // Every selected table was skipped: the range was not covered, and the tables may be synced
      // once their schema or the options are fixed. Or the run was caught up: it had no range.
      checkpointUnmoved =
        range.caughtUp === true
          ? caughtUpReason(range, deps.now())
          : `no table was ${settings.dryRun ? "read" : "synced"}, so the range is not covered`;
      deps.log(`the checkpoint stays: ${checkpointUnmoved}`, { skipped: skipped.length });
    } else if (settings.dryRun) {
      const why = whyUnmoved(prepared.continueFrom, range.begin, range.checkpointEnd);
      if (why !== undefined) checkpointUnmoved = `a run would keep it too: ${why}`;
    } else {
      const moved = nextCheckpoint(prepared.continueFrom, range.begin, range.checkpointEnd);
      if (range.checkpointEnd < range.end && moved !== prepared.continueFrom)
        deps.log(
          `the checkpoint moves to now minus the lag (${formatMicros(range.checkpointEnd)}), not to the ` +
            `end (${formatMicros(range.end)}): what is dated within the lag may not be visible yet, and ` +
            "would otherwise sit behind it for good",
        );
      // Unmoved, the saved checkpoint stays as it was, even where the run continued from before it.
      checkpointAfter = moved === prepared.continueFrom ? checkpointBefore : moved;
      checkpointUnmoved = whyUnmoved(prepared.continueFrom, range.begin, range.checkpointEnd);
      if (checkpointUnmoved !== undefined) deps.log(`the checkpoint stays: ${checkpointUnmoved}`);
      if (checkpointAfter !== undefined && checkpointAfter !== checkpointBefore) {
        await deps.state.setCheckpoint(settings.key, checkpointAfter, settings.runId, covers.sort());
      }
    }
  } catch (error) {
    // A failure while planning is a refusal, as in prepare, unless a stop gave up the schema's
    // requests (record-stores.ts): the run began, and its stop is reported like any other.
    if (planned === undefined && !deps.signal.aborted) throw error;
    const reason: unknown = signal.aborted ? signal.reason : error;
    failure = reason instanceof Error ? reason : new Error(String(reason));
    outcome = deps.signal.aborted ? "interrupted" : "failed";
    checkpointAfter = checkpointBefore;
  }
  // Once per run, for every table together, whatever the outcome: the reads happened all the same. A
  // process that runs again and again (watch) says it once for each table, not every cycle.
  const far = tables.filter((t) => readFarMore(t) && deps.noticesGiven?.has(`read:${t.table}`) !== true);
  const notice = readNotice(far);
  if (notice !== undefined) deps.log(notice, { tables: far.map(readFigures) });
  const notices = [
    prepared.partitionNotice,
    prepared.columnsNotice,
    planned?.refreshNotice,
    notice,
    ...plannedNotices.map((what) => `the dry run could not ${what}, so a run may refuse a table it did not`),
  ].filter((n) => n !== undefined);
  for (const t of far) deps.noticesGiven?.add(`read:${t.table}`);
  return {
    runId: settings.runId,
    key: settings.key,
    begin: range.begin,
    end: range.end,
    beginFrom: range.beginFrom,
    ...(range.lookbackFrom === undefined ? {} : { lookbackFrom: range.lookbackFrom }),
    dryRun: settings.dryRun,
    outcome,
    tables,
    skipped,
    refused,
    ...changes,
    createdIndices,
    mappedIndices,
    createdTables,
    timestampIndexes,
    checkpointBefore,
    checkpointAfter,
    ...(checkpointUnmoved === undefined ? {} : { checkpointUnmoved }),
    deadLettered: deps.deadLetters.count,
    lettersSettled: deps.deadLetters.settled ?? 0,
    deadLetterLocation: deps.deadLetters.location,
    ...(deps.deadLetters.wouldPut === undefined ? {} : { wouldDeadLetter: deps.deadLetters.wouldPut }),
    durationMs: millisFromMicros(deps.now()) - started.getTime(),
    notices,
    ...(failure ? { error: failure } : {}),
  };
}

/** A table's read, as the log line's fields give it to collectors. */
function readFigures(stats: TableStats): Record<string, unknown> {
  return {
    table: stats.table,
    direction: stats.direction,
    read: stats.read,
    ...(stats.readEstimated === true ? { readEstimated: true } : {}),
    inRange: stats.scanned,
    readPerInRange: readPerInRange(stats) ?? null,
  };
}

/**
 * One table in each direction the run takes; the finished ones are returned. `onStart` is given each
 * direction's statistics as it starts, so that a run that fails reports what it did until then.
 */
async function syncDirections(
  settings: RunSettings,
  deps: RunDependencies,
  signal: AbortSignal,
  entry: Extract<PlanEntry, { kind: "sync" }>,
  reading: (direction: Direction) => DirectionReading,
  budget: ErrorBudget,
  onUnmappedField: (field: string) => void,
  onStart: (stats: TableStats) => void,
  plannedColumns: readonly Column[] | undefined,
): Promise<TableStats[]> {
  const tables: TableStats[] = [];
  // In a run in both directions, the second skips what the first left equal on both sides.
  const settled = settings.direction === "both" ? new SettledRecords() : undefined;
  for (const [step, direction] of directionsOf(settings.direction).entries()) {
    // A dry run cannot read an index it has not created; there is nothing in it to copy back.
    if (!indexExistsBefore(entry) && settings.dryRun && direction === "to-cassandra") continue;
    const [source, target] =
      direction === "to-es" ? [deps.cassandra, deps.elasticsearch] : [deps.elasticsearch, deps.cassandra];
    const { range, lateBefore, endsBehind } = reading(direction);
    tables.push(
      await syncTable({
        plan: entry.plan,
        ...(direction === "to-cassandra" && plannedColumns !== undefined
          ? { sourcePlan: withColumns(entry.plan, plannedColumns) }
          : {}),
        direction,
        source,
        target,
        range,
        dryRun: settings.dryRun,
        deadLetters: deps.deadLetters,
        budget,
        signal,
        ...(settled === undefined ? {} : step === 0 ? { recordSettled: settled } : { skipSettled: settled }),
        ...(deps.onProgress ? { onBatch: deps.onProgress } : {}),
        ...(deps.onDecision ? { onDecision: deps.onDecision } : {}),
        ...(lateBefore === undefined ? {} : { lateBefore }),
        ...(endsBehind === true ? { endsBehind } : {}),
        ...(deps.onLate ? { onLate: deps.onLate } : {}),
        onUnmappedField,
        onStart,
      }),
    );
  }
  return tables;
}

/** The range one direction of one table is read over, and where its late records begin. */
interface DirectionReading {
  readonly range: TimeRange;
  readonly lateBefore?: bigint;
  /** The range ends at an -e given, behind now: see SyncTableInput.endsBehind. */
  readonly endsBehind?: boolean;
}

interface Prepared {
  /** The checkpoint saved under the key. */
  readonly checkpointBefore: bigint | undefined;
  /**
   * Where the run continues from: the checkpoint, or for a shard whose partition changed, where every
   * range was covered (undefined: the earliest version).
   */
  readonly continueFrom: bigint | undefined;
  /** A sharded run: how far every range is known covered, recorded with its checkpoint. */
  readonly ring?: bigint | undefined;
  readonly partitionNotice?: string | undefined;
  /** The checkpoint does not record the columns' settings (COLUMNS_UNRECORDED). */
  readonly columnsNotice?: string;
  /** How the checkpoint covers a table and direction, synced between two sides (coverage.ts). */
  readonly coverage: ReturnType<typeof coverageOf>;
  /** Whether the checkpoint lists what it covers: one an earlier version or state set saved does not. */
  readonly coverageRecorded: boolean;
  readonly range: ResolvedRange;
}

interface Planned {
  readonly entries: readonly PlanEntry[];
  /** An index read that refreshes less often than --lag covers (refresh-notice.ts). */
  readonly refreshNotice?: string;
}

/**
 * What the state decides before anything is written: the checkpoint and the range. Read only; a
 * ConfigError here means the run was refused and nothing was done.
 */
async function prepare(settings: RunSettings, deps: RunDependencies): Promise<Prepared> {
  // Found out here, not at the first table's index: earlier tables would have been synced by then.
  if (settings.createTimestampIndex === true) deps.schema.checkTimestampIndexSupport();
  const saved = await deps.state.getCheckpoint(settings.key);
  const start = await startOf(settings, deps, saved);
  const checkpoint = start.checkpoint;
  if (start.notice !== undefined) deps.log(start.notice, { key: settings.key });
  if (saved === undefined && settings.begin === undefined) await siblingNotice(settings.key, deps);
  const coverage = coverageOf(checkpoint);
  const range = resolveRange({
    begin: settings.begin,
    end: settings.end,
    checkpoint: checkpoint?.position,
    lagMs: settings.lagMs,
    lookbackMs: settings.lookbackMs,
    now: deps.now(),
    allowFutureEnd: settings.allowFutureEnd,
  });
  deps.log(`range [${formatMicros(range.begin)}, ${formatMicros(range.end)})`, {
    beginFrom: range.beginFrom,
    ...(range.lookbackFrom === undefined ? {} : { lookbackFrom: formatMicros(range.lookbackFrom) }),
  });
  // The first run that moves the checkpoint records them; until then a setting changed in the same
  // deploy goes unseen. A process that runs again and again (watch) says it once.
  const columnsNotice =
    range.beginFrom === "checkpoint" &&
    checkpoint !== undefined &&
    !recordsColumnChoice(checkpoint) &&
    deps.noticesGiven?.has(COLUMNS_UNRECORDED) !== true
      ? COLUMNS_UNRECORDED
      : undefined;
  if (columnsNotice !== undefined) {
    deps.noticesGiven?.add(columnsNotice);
    deps.log(columnsNotice, { key: settings.key });
  }
  return {
    checkpointBefore: saved?.position,
    continueFrom: checkpoint?.position,
    ring: start.ring,
    partitionNotice: start.notice,
    ...(columnsNotice === undefined ? {} : { columnsNotice }),
    coverage,
    coverageRecorded: checkpoint?.covers !== undefined,
    range,
  };
}

/**
 * What the schemas decide before anything is written: what each table and type is to become. Read
 * only; a ConfigError here means the run was refused and nothing was done.
 */
async function planTables(
  settings: RunSettings,
  deps: RunDependencies,
  range: ResolvedRange,
): Promise<Planned> {
  // Caught up: nothing is in range, so no table is planned or read, and the checkpoint stays.
  const planned = range.caughtUp === true ? [] : await planSchema(deps.schema, settings.plan, logOnce(deps));
  // Before the refusal below: a selection of tables --create-tables cannot make copies nothing either.
  const entries = await skipUncreatableTables(deps.schema, planned);
  refuseNothingSyncable(entries, "run");
  if (settings.partition !== undefined && settings.shards !== undefined && settings.direction !== "to-es")
    await refuseTooManySlices(deps.schema, entries, settings.partition.slices, settings.shards);
  // Only a range that ends --lag before now can pass what an index has not made searchable yet.
  const refresh =
    range.endFrom === "now-minus-lag" && settings.direction !== "to-es"
      ? await refreshNotice(deps.schema, entries, {
          lagMs: settings.lagMs,
          lookbackMs: settings.lookbackMs ?? 0,
        })
      : undefined;
  // A process that runs again and again (watch) says it once.
  const refreshSaid = refresh !== undefined && deps.noticesGiven?.has(refresh) === true;
  if (refresh !== undefined && !refreshSaid) {
    deps.noticesGiven?.add(refresh);
    deps.log(refresh);
  }
  return { entries, ...(refresh === undefined || refreshSaid ? {} : { refreshNotice: refresh }) };
}

/** The checkpoint a run continues from: its own, unless a sharded run's partition changed since. */
async function startOf(
  settings: RunSettings,
  deps: RunDependencies,
  saved: Checkpoint | undefined,
): Promise<{ checkpoint: Checkpoint | undefined; ring?: bigint | undefined; notice?: string }> {
  const start =
    settings.partition === undefined || deps.shardSiblings === undefined
      ? { checkpoint: saved }
      : shardStart(saved, await deps.shardSiblings(), settings.partition);
  if (start.checkpoint !== undefined || settings.begin !== undefined || deps.otherShardings === undefined)
    return start;
  return carriedStart(settings.key, await deps.otherShardings()) ?? start;
}

/**
 * The key is made from the options as spelled, so a contact point given with its port, a node by name
 * or a --tables in other case starts a configuration of its own, which reads everything again, under a
 * lease of its own. A first run beside keys of the same keyspace and index says so.
 */
async function siblingNotice(key: string, deps: RunDependencies): Promise<void> {
  const siblings = (await deps.siblingKeys?.()) ?? [];
  if (siblings.length === 0) return;
  deps.log(
    `no checkpoint under this configuration's key ${key}, but the state holds ${siblings.join(", ")} ` +
      "for the same keyspace and index. The key is made from the options as given (contact points, " +
      "nodes, --tables, --direction, --layout): if only their spelling changed, this run reads every " +
      "table from the earliest version, and runs of either spelling do not exclude each other. Give " +
      "--name to keep one key (synced state set can place its checkpoint).",
    { key, siblings },
  );
}

async function recordRun(
  deps: RunDependencies,
  report: RunReport,
  started: Date,
  finished: Date,
): Promise<void> {
  await deps.state
    .appendRun({
      runId: report.runId,
      key: report.key,
      begin: report.begin,
      end: report.end,
      startedAt: started,
      finishedAt: finished,
      durationMs: report.durationMs,
      outcome: report.outcome,
      ...(report.checkpointBefore === undefined ? {} : { checkpointBefore: report.checkpointBefore }),
      ...(report.checkpointAfter === undefined ? {} : { checkpointAfter: report.checkpointAfter }),
      counts: totals(report.tables),
      ...(report.error ? { message: report.error.message } : {}),
    })
    .catch((error: unknown) => {
      deps.log("could not save the run history", { error: String(error) });
    });
}
