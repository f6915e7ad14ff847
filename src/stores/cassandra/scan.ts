// Reads every record of a table whose version lies in [begin, end): token-range splits in parallel,
// each paged, with the version range applied by the server, or by the scan itself where it reads the
// whole table anyway. A versioned table has one row per version, so each split reduces consecutive
// rows of one id to the newest one in the range.
import type { BadRecord, SyncRecord } from "../../core/record.js";
import type { ScanBatch, TimeRange } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { millisecondBound } from "../../core/version.js";
import { readsBeforeEarliest } from "../../core/micros.js";
import { mergeAsync } from "../../util/merge-async.js";
import { quoteIdentifier as ident } from "../../core/cql-identifier.js";
import { tableRef } from "./cql.js";
import type cassandra from "cassandra-driver";
import { rowToRecord, rowVersion, selectColumns, timeuuidText } from "./row-codec.js";
import { pagedRows, type PageSettings } from "./paged-rows.js";
import { compareTimeuuids, timeuuidLowerBound } from "./timeuuid.js";
import { tokenSplits, type TokenRing, type TokenSplit } from "./token-splits.js";
import { estimatePartitions } from "./size-estimates.js";
import { cell } from "./row-cells.js";
import { RowSizing } from "./row-sizing.js";
import { BATCH_BYTES } from "../../core/batch-bytes.js";

export interface ScanSettings extends PageSettings {
  readonly splits: number;
  readonly ring?: TokenRing;
  readonly concurrency: number;
  readonly shard?: { index: number; total: number };
}

/** The earliest version a timeuuid can carry: 1582-10-15. */
const TIMEUUID_MIN_MICROS = -12_219_292_800_000_000n;
const TIMEUUID_MAX_MICROS = 2n ** 60n / 10n - 12_219_292_800_000_000n - 1n;
const DATE_LIMIT_MS = 8_640_000_000_000_000n;

/**
 * How far behind the future limit a scan's end may lie for the scan to read on past it in one pass:
 * an incremental run's is --lag plus --max-future behind (30 s and 1 h by default); a day more than
 * --max-future's own default allows larger settings of either.
 */
const READ_ON_MAX_MICROS = 25n * 3_600_000_000n;

function clamp(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}

/** Bounds for `tmstmp >= ? AND tmstmp < ?` that select exactly the versions in the range. */
export function versionBounds(plan: TablePlan, range: TimeRange): [unknown, unknown] {
  const begin = scanBegin(range.begin);
  if (plan.timestampType === "timeuuid") {
    return [
      timeuuidLowerBound(clamp(begin, TIMEUUID_MIN_MICROS, TIMEUUID_MAX_MICROS)),
      timeuuidLowerBound(clamp(range.end, TIMEUUID_MIN_MICROS, TIMEUUID_MAX_MICROS)),
    ];
  }
  const ms = (micros: bigint): Date =>
    new Date(Number(clamp(millisecondBound(micros), -DATE_LIMIT_MS, DATE_LIMIT_MS)));
  return [ms(begin), ms(range.end)];
}

/** Where a scan begins: below every version a column holds where the range begins at the earliest. */
function scanBegin(begin: bigint): bigint {
  return readsBeforeEarliest(begin) ? -DATE_LIMIT_MS * 1000n : begin;
}

export async function* scanTable(
  settings: ScanSettings,
  plan: TablePlan,
  range: TimeRange,
): AsyncGenerator<ScanBatch> {
  const partition = plan.key.partition.map((c) => ident(c.name)).join(", ");
  const ts = ident(plan.names.timestamp);
  // A latest table may hold rows with no tmstmp at all, which no version range selects and CQL cannot
  // ask for. A run that looks for them (one reading up to now, on a table without a timestamp index,
  // or from the epoch) reads every row once, with no server-side filter, and applies the range
  // itself: one pass over the table, where a filtered scan plus a sweep for untimed rows took two.
  const wholeTable =
    plan.shape === "latest" &&
    range.futureLimit !== undefined &&
    (plan.timestampIndexed !== true || range.begin <= 0n);
  // With a future limit the scan also looks for records dated far ahead. An incremental run's end lies
  // within --lag and --max-future of that limit, and it reads on past its end in one pass. A backfill's
  // end lies far behind: reading on would read every version since, so it reads its range, and apart
  // from the limit on, in a second pass over the splits.
  const readOn = range.futureLimit !== undefined && range.futureLimit - range.end <= READ_ON_MAX_MICROS;
  const select =
    `SELECT ${selectColumns(plan).map(ident).join(", ")} FROM ${tableRef(plan.keyspace, plan.table)} ` +
    `WHERE token(${partition}) > ? AND token(${partition}) <= ?`;
  const [lower, upper] = versionBounds(plan, range);
  const passes: { query: string; bounds: unknown[] }[] = wholeTable
    ? [{ query: select, bounds: [] }]
    : readOn
      ? [{ query: `${select} AND ${ts} >= ? ALLOW FILTERING`, bounds: [lower] }]
      : [{ query: `${select} AND ${ts} >= ? AND ${ts} < ? ALLOW FILTERING`, bounds: [lower, upper] }];
  if (!wholeTable && !readOn && range.futureLimit !== undefined) {
    const [ahead] = versionBounds(plan, { begin: range.futureLimit, end: range.futureLimit });
    passes.push({ query: `${select} AND ${ts} >= ? ALLOW FILTERING`, bounds: [ahead] });
  }
  const splits = tokenSplits(settings.splits, settings.shard, settings.ring);
  // An empty table would cost a query per split and pass, a few milliseconds each, in every run of a
  // keyspace with many tables; one read of a single key tells it first. A row written after it is a
  // write the scan could as well have missed, as it misses one behind a split it has read.
  if (splits.length * passes.length > 1 && !(await holdsRows(settings, plan, partition))) return;
  const sizing = new RowSizing(settings.batchSize, plan.rowBytes);
  const sized = { ...settings, pageRows: () => sizing.pageRows() };
  const sources = passes.flatMap(({ query, bounds }) =>
    splits.map((split) => () => scanSplit(sized, sizing, plan, query, split, bounds, range, wholeTable)),
  );
  let records: SyncRecord[] = [];
  let bad: BadRecord[] = [];
  // A whole-table read counts every row it reads, so the run can tell how much of it lay outside
  // the range (reconcile/read-ratio.ts); a filtered read gets only what the server selected.
  let read = 0;
  // The bytes of the rows batched, as the pages' sizing tells them: large rows make a batch of fewer.
  let bytes = 0;
  const batch = (): ScanBatch => (wholeTable ? { records, bad, read } : { records, bad });
  for await (const page of mergeAsync(sources, settings.concurrency)) {
    read += page.read;
    const itemBytes = page.items.length === 0 ? 0 : page.bytes / page.items.length;
    for (const item of page.items) {
      if ("kind" in item) bad.push(item);
      else records.push(item);
      bytes += itemBytes;
      if (records.length + bad.length >= settings.batchSize || bytes >= BATCH_BYTES) {
        yield batch();
        records = [];
        bad = [];
        read = 0;
        bytes = 0;
      }
    }
  }
  if (records.length + bad.length > 0 || (wholeTable && read > 0)) yield batch();
  // Without a timestamp index the server read every row of the splits to select the range, and says
  // not how many: Cassandra's own estimate of the table stands for it (read-ratio.ts), where it has one.
  if (!wholeTable && plan.timestampIndexed !== true) {
    const partitions = await estimatePartitions(settings.client, plan.keyspace, plan.table).catch(
      () => undefined,
    );
    if (partitions !== undefined) {
      const share = Math.round(partitions / (settings.shard?.total ?? 1));
      yield { records: [], bad: [], read: share, readEstimated: true };
    }
  }
}

/** Whether the table holds any row at all, by a read of one partition key over the whole ring. */
async function holdsRows(settings: ScanSettings, plan: TablePlan, partition: string): Promise<boolean> {
  const query = `SELECT ${partition} FROM ${tableRef(plan.keyspace, plan.table)} LIMIT 1`;
  const options = { prepare: true, consistency: settings.consistency, isIdempotent: true };
  const result = await settings.retry(() => settings.client.execute(query, [], options));
  return result.rows.length > 0;
}

/** What one page of a split gave: the records and bad rows to pass on, and the rows it read. */
interface SplitPage {
  readonly items: (SyncRecord | BadRecord)[];
  readonly read: number;
  /** About how many bytes the rows read took (row-sizing.ts). */
  readonly bytes: number;
}

async function* scanSplit(
  settings: ScanSettings,
  sizing: RowSizing,
  plan: TablePlan,
  query: string,
  split: TokenSplit,
  bounds: unknown[],
  range: TimeRange,
  unfiltered: boolean,
): AsyncGenerator<SplitPage> {
  let held: SyncRecord | undefined;
  /** The timestamp cell of the held record's row, to order rows of one version. */
  let heldStamp: unknown;
  const take = (rows: readonly cassandra.types.Row[]): SplitPage => {
    const out: (SyncRecord | BadRecord)[] = [];
    const bytes = sizing.observe(rows);
    for (const row of rows) {
      // Rows the server did not filter: those before the range are skipped before being decoded.
      if (unfiltered && before(plan, row, scanBegin(range.begin))) continue;
      const item = rowToRecord(plan, row);
      // The newest version below the end is the record in the range. Versions past the end are read
      // only to find those dated far in the future; they go to the engine as they are.
      if ("kind" in item || plan.shape === "latest" || item.version >= range.end) {
        out.push(item);
      } else if (held?.id !== item.id) {
        if (held !== undefined) out.push(held);
        held = item;
        heldStamp = cell(row, plan.names.timestamp);
      } else if (item.version > held.version || newerOfVersion(plan, row, item, held, heldStamp)) {
        held = item;
        heldStamp = cell(row, plan.names.timestamp);
      }
    }
    // Rows skipped before the range take no room in a batch.
    return {
      items: out,
      read: rows.length,
      bytes: rows.length === 0 ? 0 : (bytes * out.length) / rows.length,
    };
  };
  for await (const page of pagedRows(settings, query, [split.start, split.end, ...bounds], take)) {
    // A page of rows all before the range is passed on too, for its count.
    if (page.items.length > 0 || page.read > 0) yield page;
  }
  if (held !== undefined) yield { items: [held], read: 0, bytes: 0 };
}

/**
 * Whether `row` is a later row of the held record's microsecond, in timeuuid order: the newest row, as
 * a read of the record (ORDER BY ... DESC LIMIT 1) finds it, whatever the table's clustering order. A
 * tie's winner is written so (`topTimeuuid`), above the row it beat.
 */
function newerOfVersion(
  plan: TablePlan,
  row: cassandra.types.Row,
  item: SyncRecord,
  held: SyncRecord,
  heldStamp: unknown,
): boolean {
  if (plan.timestampType !== "timeuuid" || item.version !== held.version) return false;
  const stamp = timeuuidText(cell(row, plan.names.timestamp));
  const heldText = timeuuidText(heldStamp);
  if (stamp === undefined || heldText === undefined) return false;
  return compareTimeuuids(stamp, heldText) > 0;
}

/** A row whose version lies before `begin`; an untimed row is not, so it reaches the dead letters. */
function before(plan: TablePlan, row: cassandra.types.Row, begin: bigint): boolean {
  const version = rowVersion(plan, cell(row, plan.names.timestamp));
  return version !== undefined && version < begin;
}
