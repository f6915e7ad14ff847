// Reads every document of a type whose version lies in [begin, end): a consistent view of the index
// (a point in time, or scroll contexts on OpenSearch) keeps it stable while pages are read, and
// slices let several requests page in parallel.
import type { estypes } from "@elastic/elasticsearch";
import type { BadRecord, SyncRecord } from "../../reconcile/record.js";
import { placeInRange, type ScanBatch, type TimeRange } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { millisecondBound } from "../../reconcile/version.js";
import { mergeAsync } from "../../util/merge-async.js";
import { hitToRecord } from "./document-codec.js";
import { DATE_NANOS_MAX, DATE_NANOS_MIN, formatEsTimestamp } from "./timestamps.js";
import type { ScanCursor, ScanView, SearchClient } from "./search-client.js";
import { isPointInTimeLost } from "./transient-errors.js";

export interface EsScanSettings {
  readonly client: SearchClient;
  readonly slices: number;
  readonly batchSize: number;
  readonly keepAlive: string;
  readonly shard?: { index: number; total: number };
  /** Runs one request again while it fails transiently (see util/retry.ts). */
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
  /** Told when a scan starts over because its point in time was lost. */
  readonly onRestart?: (index: string) => void;
}

/** How often one scan starts over after losing its point in time, before the run gives up. */
export const POINT_IN_TIME_RESTARTS = 5;

function versionRange(plan: TablePlan, range: TimeRange): estypes.QueryDslQueryContainer {
  const field = plan.names.timestamp;
  if (plan.es.timestampPrecision === "millisecond") {
    return {
      range: {
        [field]: {
          gte: millisecondBound(range.begin).toString(),
          ...(range.futureLimit === undefined ? { lt: millisecondBound(range.end).toString() } : {}),
          format: "epoch_millis",
        },
      },
    };
  }
  const clamp = (v: bigint): bigint =>
    v < DATE_NANOS_MIN ? DATE_NANOS_MIN : v > DATE_NANOS_MAX ? DATE_NANOS_MAX : v;
  return {
    range: {
      [field]: {
        gte: formatEsTimestamp(clamp(range.begin), "microsecond"),
        ...(range.futureLimit === undefined
          ? { lt: formatEsTimestamp(clamp(range.end), "microsecond") }
          : {}),
        format: "strict_date_optional_time_nanos",
      },
    },
  };
}

/**
 * The documents in the range and, when looking for bad records (a future limit is set), those with
 * no usable timestamp at all: no range ever selects them, so they would otherwise go unseen.
 */
export function rangeQuery(plan: TablePlan, range: TimeRange): estypes.QueryDslQueryContainer {
  const inRange = versionRange(plan, range);
  const selected: estypes.QueryDslQueryContainer =
    range.futureLimit === undefined
      ? inRange
      : {
          bool: {
            should: [inRange, { bool: { must_not: { exists: { field: plan.names.timestamp } } } }],
            minimum_should_match: 1,
          },
        };
  const filters = [selected];
  const type = plan.es.typeFilter;
  if (type) filters.push({ term: { [type.queryField]: type.value } });
  return { bool: { filter: filters } };
}

export async function* scanIndex(
  settings: EsScanSettings,
  plan: TablePlan,
  range: TimeRange,
): AsyncGenerator<ScanBatch> {
  // With a future limit the query reads on past the end, to find documents dated far ahead.
  const query = rangeQuery(plan, range);
  const total = settings.shard ? settings.slices * settings.shard.total : settings.slices;
  const mine = Array.from({ length: total }, (_, i) => i).filter(
    (i) => settings.shard === undefined || i % settings.shard.total === settings.shard.index,
  );
  for (let restarts = 0; ; restarts++) {
    const view = await settings.retry(() => settings.client.openView(plan.es.index, settings.keepAlive));
    try {
      const sources = mine.map((slice) => () => scanSlice(settings, plan, query, range, view, slice, total));
      for await (const batch of mergeAsync(sources, settings.slices)) yield batch;
      return;
    } catch (error) {
      // A restart of the node that held the view loses it. Positions in one view mean nothing in
      // another, so the scan starts over: what it reads again is equal on both sides by now and is not
      // written twice.
      if (!isPointInTimeLost(error) || restarts >= POINT_IN_TIME_RESTARTS) throw error;
      settings.onRestart?.(plan.es.index);
    } finally {
      await settings.client.closeView(view);
    }
  }
}

async function* scanSlice(
  settings: EsScanSettings,
  plan: TablePlan,
  query: estypes.QueryDslQueryContainer,
  range: TimeRange,
  view: ScanView,
  slice: number,
  total: number,
): AsyncGenerator<ScanBatch> {
  let after: ScanCursor | undefined;
  for (;;) {
    const from = after;
    const page = await settings.retry(() =>
      settings.client.readPage(view, {
        query,
        size: settings.batchSize,
        ...(total > 1 ? { slice: { id: slice, max: total } } : {}),
        ...(from === undefined ? {} : { after: from }),
      }),
    );
    const hits = page.hits;
    if (hits.length === 0) return;
    const records: SyncRecord[] = [];
    const bad: BadRecord[] = [];
    for (const hit of hits) {
      const read = hitToRecord(plan, hit);
      const item = "kind" in read ? read : placeInRange(read, range);
      if (item === undefined) continue;
      if ("kind" in item) bad.push(item);
      else records.push(item);
    }
    yield { records, bad };
    if (page.next === undefined) return;
    after = page.next;
  }
}
