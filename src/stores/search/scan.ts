// Reads every document of a type whose version lies in [begin, end): a consistent view of the index
// (a point in time, or scroll contexts on OpenSearch) keeps it stable while pages are read, and
// slices let several requests page in parallel. A page is asked for again after a transient failure
// only where the view says that is safe; elsewhere the read starts over in a new view.
import type { BadRecord, SyncRecord } from "../../core/record.js";
import type { ScanBatch, TimeRange } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { mergeAsync } from "../../util/merge-async.js";
import { hitToRecord } from "./document-codec.js";
import type { ScanCursor, ScanPage, ScanView, SearchClient } from "./search-client.js";
import type { Query } from "./query.js";
import { rangeQuery } from "./range-query.js";
import { isTransientSearchError, isViewLost } from "./transient-errors.js";

export interface EsScanSettings {
  readonly client: SearchClient;
  readonly slices: number;
  readonly batchSize: number;
  readonly keepAlive: string;
  readonly shard?: { index: number; total: number };
  /** Runs one request again while it fails transiently (see util/retry.ts). */
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
  /** Told when a scan starts over in a new view, and why (see ScanRestartCause). */
  readonly onRestart?: (index: string, cause: ScanRestartCause) => void;
}

/**
 * Why a scan starts over: its view (point in time or scroll) is gone from the cluster, or the answer
 * to a page that cannot be asked for again was lost (`error`, transient).
 */
export type ScanRestartCause =
  { readonly kind: "view lost" } | { readonly kind: "page lost"; readonly error: unknown };

/** How often one scan starts over in a new view, before the run gives up. */
export const POINT_IN_TIME_RESTARTS = 5;

/** A page that cannot be asked for again failed transiently: the cluster may have read it. */
class PageLost extends Error {
  constructor(readonly error: unknown) {
    super("a page that cannot be asked for again failed; its answer may be lost", { cause: error });
  }
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
    // Shards open their views at different times: only a split by document shares the index out.
    const split = settings.shard === undefined ? "by-view" : "by-document";
    const view = await settings.retry(() =>
      settings.client.openView(plan.es.index, settings.keepAlive, split),
    );
    try {
      const sources = mine.map((slice) => () => scanSlice(settings, plan, query, view, slice, total));
      for await (const batch of mergeAsync(sources, settings.slices)) yield batch;
      return;
    } catch (error) {
      // A restart of the node that held the view loses it, and a lost answer to a scroll page leaves
      // the scroll past a page never seen. Positions in one view mean nothing in another, so the scan
      // starts over: what it reads again is equal on both sides by now and is not written again (a
      // record of a batch still being written may be written once more, unchanged).
      const cause: ScanRestartCause | undefined =
        error instanceof PageLost
          ? { kind: "page lost", error: error.error }
          : isViewLost(error)
            ? { kind: "view lost" }
            : undefined;
      if (cause === undefined || restarts >= POINT_IN_TIME_RESTARTS) {
        throw error instanceof PageLost ? error.error : error;
      }
      settings.onRestart?.(plan.es.index, cause);
    } finally {
      await settings.client.closeView(view);
    }
  }
}

async function* scanSlice(
  settings: EsScanSettings,
  plan: TablePlan,
  query: Query,
  view: ScanView,
  slice: number,
  total: number,
): AsyncGenerator<ScanBatch> {
  let after: ScanCursor | undefined;
  for (;;) {
    const from = after;
    const read = (): Promise<ScanPage> =>
      settings.client.readPage(view, {
        query,
        size: settings.batchSize,
        ...(total > 1 ? { slice: { id: slice, max: total } } : {}),
        ...(from === undefined ? {} : { after: from }),
      });
    const page =
      from === undefined || view.repeatableContinuations ? await settings.retry(read) : await readOnce(read);
    const hits = page.hits;
    if (hits.length === 0) return;
    const records: SyncRecord[] = [];
    const bad: BadRecord[] = [];
    for (const hit of hits) {
      const read = hitToRecord(plan, hit);
      if ("kind" in read) bad.push(read);
      else records.push(read);
    }
    yield { records, bad };
    if (page.next === undefined) return;
    after = page.next;
  }
}

/** A page read that is not repeated: a transient failure means its answer may be lost. */
async function readOnce(read: () => Promise<ScanPage>): Promise<ScanPage> {
  try {
    return await read();
  } catch (error) {
    throw isTransientSearchError(error) ? new PageLost(error) : error;
  }
}
