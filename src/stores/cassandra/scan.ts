// Reads every record of a table whose version lies in [begin, end): token-range splits in parallel,
// each paged, with the version range applied by the server. A versioned table has one row per
// version, so each split reduces consecutive rows of one id to the newest one in the range.
import type cassandra from "cassandra-driver";
import type { BadRecord, SyncRecord } from "../../reconcile/record.js";
import { placeInRange, type ScanBatch, type TimeRange } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { millisecondBound } from "../../reconcile/version.js";
import { mergeAsync } from "../../util/merge-async.js";
import { ident, tableRef } from "./cql.js";
import { rowToRecord } from "./row-codec.js";
import { timeuuidLowerBound } from "./timeuuid.js";
import { tokenSplits, type TokenSplit } from "./token-splits.js";

export interface ScanSettings {
  readonly client: cassandra.Client;
  readonly consistency: number;
  readonly splits: number;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly shard?: { index: number; total: number };
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
}

/** The earliest version a timeuuid can carry: 1582-10-15. */
const TIMEUUID_MIN_MICROS = -12_219_292_800_000_000n;
const TIMEUUID_MAX_MICROS = 2n ** 60n / 10n - 12_219_292_800_000_000n - 1n;
const DATE_LIMIT_MS = 8_640_000_000_000_000n;

function clamp(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}

/** Bounds for `tmstmp >= ? AND tmstmp < ?` that select exactly the versions in the range. */
export function versionBounds(plan: TablePlan, range: TimeRange): [unknown, unknown] {
  if (plan.timestampType === "timeuuid") {
    return [
      timeuuidLowerBound(clamp(range.begin, TIMEUUID_MIN_MICROS, TIMEUUID_MAX_MICROS)),
      timeuuidLowerBound(clamp(range.end, TIMEUUID_MIN_MICROS, TIMEUUID_MAX_MICROS)),
    ];
  }
  const ms = (micros: bigint): Date =>
    new Date(Number(clamp(millisecondBound(micros), -DATE_LIMIT_MS, DATE_LIMIT_MS)));
  return [ms(range.begin), ms(range.end)];
}

export function selectColumns(plan: TablePlan): string[] {
  const names = [plan.names.id, plan.names.timestamp];
  if (plan.hasTombstone) names.push(plan.names.tombstone);
  return [...names, ...plan.contentColumns.map((c) => c.name)];
}

export async function* scanTable(
  settings: ScanSettings,
  plan: TablePlan,
  range: TimeRange,
): AsyncGenerator<ScanBatch> {
  const id = ident(plan.names.id);
  const ts = ident(plan.names.timestamp);
  // With a future limit the scan reads on past the end, to find records dated far ahead.
  const upperBound = range.futureLimit === undefined ? ` AND ${ts} < ?` : "";
  const query =
    `SELECT ${selectColumns(plan).map(ident).join(", ")} FROM ${tableRef(plan.keyspace, plan.table)} ` +
    `WHERE token(${id}) > ? AND token(${id}) <= ? AND ${ts} >= ?${upperBound} ALLOW FILTERING`;
  const [lower, upper] = versionBounds(plan, range);
  const bounds = range.futureLimit === undefined ? [lower, upper] : [lower];
  const sources = tokenSplits(settings.splits, settings.shard).map(
    (split) => () => scanSplit(settings, plan, query, split, bounds, range),
  );
  let records: SyncRecord[] = [];
  let bad: BadRecord[] = [];
  for await (const page of mergeAsync(sources, settings.concurrency)) {
    for (const item of page) {
      if ("kind" in item) bad.push(item);
      else records.push(item);
    }
    if (records.length + bad.length >= settings.batchSize) {
      yield { records, bad };
      records = [];
      bad = [];
    }
  }
  if (records.length + bad.length > 0) yield { records, bad };
}

async function* scanSplit(
  settings: ScanSettings,
  plan: TablePlan,
  query: string,
  split: TokenSplit,
  bounds: unknown[],
  range: TimeRange,
): AsyncGenerator<(SyncRecord | BadRecord)[]> {
  const params = [split.start, split.end, ...bounds];
  let pageState: string | undefined;
  let held: SyncRecord | undefined;
  do {
    const options: cassandra.QueryOptions = {
      prepare: true,
      fetchSize: settings.batchSize,
      consistency: settings.consistency,
      isIdempotent: true,
      ...(pageState === undefined ? {} : { pageState }),
    };
    const result = await settings.retry(() => settings.client.execute(query, params, options));
    const out: (SyncRecord | BadRecord)[] = [];
    for (const row of result.rows) {
      const read = rowToRecord(plan, row);
      const item = "kind" in read ? read : placeInRange(read, range);
      if (item === undefined) continue;
      if ("kind" in item) {
        out.push(item);
      } else if (plan.shape === "latest") {
        out.push(item);
      } else if (held?.id !== item.id) {
        if (held !== undefined) out.push(held);
        held = item;
      } else if (item.version > held.version) {
        held = item;
      }
    }
    // The driver types say string, but the last page has none.
    const next = result.pageState as string | null | undefined;
    pageState = next ?? undefined;
    if (out.length > 0) yield out;
  } while (pageState !== undefined);
  if (held !== undefined) yield [held];
}
