// Reads every document of a type whose version lies in [begin, end): a consistent view of the index
// (a point in time, or scroll contexts on OpenSearch) keeps it stable while pages are read, and
// slices let several requests page in parallel. A page is asked for again after a transient failure
// only where the view says that is safe; elsewhere the read starts over in a new view.
import type { BadRecord, SyncRecord } from "../../core/record.js";
import type { ScanBatch, SettledView, TimeRange } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { mergeAsync } from "../../util/merge-async.js";
import { documentTag, hitToRecord, uuidFromDocumentId } from "./document-codec.js";
import type {
  FetchedDocument,
  RoutedId,
  ScanCursor,
  ScanPage,
  ScanView,
  SearchClient,
  SearchHit,
} from "./search-client.js";
import { isSearchError, SearchError } from "./search-error.js";
import { IndexGoneError, readingIndex, stillExists } from "./index-gone.js";
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
 * Why a scan starts over: its view (point in time or scroll) is gone from the cluster, the answer to
 * a page that cannot be asked for again was lost (`error`, transient), or the index refused the page
 * size of a scroll, whose pages keep the size of its first, once an administrator lowered
 * `index.max_result_window` to `window` during the read.
 */
export type ScanRestartCause =
  | { readonly kind: "view lost" }
  | { readonly kind: "page lost"; readonly error: unknown }
  | { readonly kind: "window lowered"; readonly window: number };

/**
 * Documents a page asks for: four batches, passed on to the engine a batch at a time. A page request
 * costs the cluster about as much whatever its size, so larger pages cut its share of a read by
 * half (BENCHMARKS.md); within the default `index.max_result_window`, which a page may not pass.
 */
export function pageSize(batchSize: number): number {
  return Math.min(batchSize * 4, 10_000);
}

/** How often one scan starts over in a new view, before the run gives up. */
export const POINT_IN_TIME_RESTARTS = 5;

/** A page that cannot be asked for again failed transiently: the cluster may have read it. */
class PageLost extends Error {
  constructor(readonly error: unknown) {
    super("a page that cannot be asked for again failed; its answer may be lost", { cause: error });
  }
}

/** A scroll page refused for its size: the scroll cannot ask for smaller pages, a new one can. */
class WindowLowered extends Error {
  constructor(
    readonly window: number,
    readonly error: unknown,
  ) {
    super(`the index now allows pages of at most ${window} documents`, { cause: error });
  }
}

/**
 * `settled`: read each page without sources, leave out the documents it holds with their tag, and
 * fetch the others whole by id (see `settledPage`). Only for tables keyed by one uuid, whose `_id`
 * names the record.
 */
export async function* scanIndex(
  settings: EsScanSettings,
  plan: TablePlan,
  range: TimeRange,
  settled?: SettledView,
): AsyncGenerator<ScanBatch> {
  // With a future limit the query reads on past the end, to find documents dated far ahead.
  const query = rangeQuery(plan, range);
  const total = settings.shard ? settings.slices * settings.shard.total : settings.slices;
  const mine = Array.from({ length: total }, (_, i) => i).filter(
    (i) => settings.shard === undefined || i % settings.shard.total === settings.shard.index,
  );
  let size = pageSize(settings.batchSize);
  for (let restarts = 0; ; restarts++) {
    // Shards open their views at different times: only a split by document shares the index out.
    const split = settings.shard === undefined ? "by-view" : "by-document";
    const view = await settings.retry(() =>
      readingIndex(settings.client, plan, () =>
        settings.client.openView(plan.es.index, settings.keepAlive, split),
      ),
    );
    try {
      const sources = mine.map(
        (slice) => () => scanSlice(settings, plan, query, view, { slice, total, settled, size }),
      );
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
          : error instanceof WindowLowered
            ? { kind: "window lowered", window: error.window }
            : isViewLost(error)
              ? { kind: "view lost" }
              : undefined;
      if (cause === undefined || restarts >= POINT_IN_TIME_RESTARTS) {
        throw error instanceof PageLost || error instanceof WindowLowered ? error.error : error;
      }
      if (cause.kind === "window lowered") size = cause.window;
      settings.onRestart?.(plan.es.index, cause);
    } finally {
      await settings.client.closeView(view);
    }
  }
}

interface SliceOf {
  readonly slice: number;
  readonly total: number;
  readonly settled: SettledView | undefined;
  /** Documents a page asks for, unless the index allows fewer. */
  readonly size: number;
}

async function* scanSlice(
  settings: EsScanSettings,
  plan: TablePlan,
  query: Query,
  view: ScanView,
  { slice, total, settled, size: pageLimit }: SliceOf,
): AsyncGenerator<ScanBatch> {
  let after: ScanCursor | undefined;
  let size = pageLimit;
  for (;;) {
    const from = after;
    const read = (): Promise<ScanPage> =>
      readingIndex(settings.client, plan, () =>
        settings.client.readPage(view, {
          query,
          size,
          ...(total > 1 ? { slice: { id: slice, max: total } } : {}),
          ...(from === undefined ? {} : { after: from }),
          ...(settled === undefined ? {} : { withoutSource: true }),
        }),
      );
    let page: ScanPage;
    try {
      page =
        from === undefined || view.repeatableContinuations
          ? await settings.retry(read)
          : await readOnce(read);
    } catch (error) {
      // An index whose administrator lowered index.max_result_window refuses the page size, at the
      // first page or, lowered during the read, at the next: both products check it at every page. A
      // refused page changed nothing (a refused first page of a scroll opens no context), so a first
      // page, or any page of a point in time, is asked again within the limit; a scroll's pages keep
      // the size of its first, so the read starts over in a new one.
      const window = resultWindowOf(error);
      if (window === undefined || window >= size) throw error;
      if (from !== undefined && !view.repeatableContinuations) throw new WindowLowered(window, error);
      size = window;
      continue;
    }
    const hits = page.hits;
    if (hits.length === 0) return;
    for (let at = 0; at < hits.length; at += settings.batchSize) {
      const part = hits.slice(at, at + settings.batchSize);
      yield settled === undefined ? wholePage(plan, part) : await settledPage(settings, plan, part, settled);
    }
    if (page.next === undefined) return;
    after = page.next;
  }
}

function resultWindowOf(error: unknown): number | undefined {
  return isSearchError(error, "refused") && error.answer.status !== undefined
    ? error.answer.resultWindow
    : undefined;
}

function wholePage(plan: TablePlan, hits: readonly SearchHit[]): ScanBatch {
  const records: SyncRecord[] = [];
  const bad: BadRecord[] = [];
  for (const hit of hits) {
    const read = hitToRecord(plan, hit);
    if ("kind" in read) bad.push(read);
    else records.push(read);
  }
  return { records, bad };
}

/**
 * A page read without sources: the documents `settled` holds with the tag they still carry are
 * counted and left out, and the others are fetched whole by id. The fetch is realtime where the page
 * is a view of the past, so a document written since is read as it is now: as a later read of it
 * would, and the engine places it in the range again. One deleted since is read as absent.
 */
async function settledPage(
  settings: EsScanSettings,
  plan: TablePlan,
  hits: readonly SearchHit[],
  settled: SettledView,
): Promise<ScanBatch> {
  const unsettled: (string | RoutedId)[] = [];
  let skipped = 0;
  for (const hit of hits) {
    const id = hit._id === undefined ? undefined : uuidFromDocumentId(plan, hit._id);
    const tagged = hit._seq_no !== undefined && hit._primary_term !== undefined;
    if (id !== undefined && tagged && settled.has(id, documentTag(hit._primary_term, hit._seq_no))) {
      skipped++;
    } else if (hit._id !== undefined) {
      unsettled.push(hit._routing === undefined ? hit._id : { id: hit._id, routing: hit._routing });
    }
  }
  const documents =
    unsettled.length === 0 ? [] : await settings.retry(() => fetchWhole(settings.client, plan, unsettled));
  const whole = wholePage(
    plan,
    documents.filter((document) => document.found === true),
  );
  return { ...whole, settled: skipped };
}

/**
 * The documents named, each found or not. One that failed alone (its shard was not ready) says
 * neither; here, unlike a lookup before a write, reading it as absent would lose the record from the
 * run, so the fetch fails as transient and is asked again, unless the index is gone (deleted, or
 * closed, which fails every lookup alone).
 */
async function fetchWhole(
  client: SearchClient,
  plan: TablePlan,
  ids: readonly (string | RoutedId)[],
): Promise<readonly FetchedDocument[]> {
  const documents = await client.getDocuments({ index: plan.es.index, ids });
  const failed = documents.find((document) => document.found === undefined);
  if (failed !== undefined) {
    // A closed index fails each lookup alone, and would be asked again for the whole retry window.
    if (failed.error?.type === "index_closed_exception")
      throw new IndexGoneError(plan, "closed", client.productName, "read");
    if (!(await stillExists(client, plan.es.index)))
      throw new IndexGoneError(plan, "deleted", client.productName, "read");
    throw new SearchError(
      "transient",
      `the fetch of document ${failed._id} from index ${plan.es.index} failed on its shard`,
      { timedOut: false },
      { cause: failed },
    );
  }
  return documents;
}

/** A page read that is not repeated: a transient failure means its answer may be lost. */
async function readOnce(read: () => Promise<ScanPage>): Promise<ScanPage> {
  try {
    return await read();
  } catch (error) {
    throw isTransientSearchError(error) ? new PageLost(error) : error;
  }
}
