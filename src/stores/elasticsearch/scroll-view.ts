// Sliced scroll contexts on Elasticsearch, for the scans whose slices must split the index the same
// way in every view: a scroll slices by a hash of each document's _id, where a point in time slices
// by position in its own reader, and positions move as the index grows. A scroll cannot be asked for
// the same page twice, so its continuations are not repeatable and a lost answer starts the scan over.
import type { Client, estypes } from "@elastic/elasticsearch";
import type { ScanPage, ScanPageRequest, ScanView } from "../search/search-client.js";

export class ScrollView implements ScanView {
  readonly repeatableContinuations = false;
  /** The newest scroll id of each slice, all freed at close. */
  readonly contexts = new Map<number, string>();

  constructor(
    readonly index: string,
    readonly keepAlive: string,
  ) {}
}

export class ScrollPosition {
  constructor(readonly scrollId: string) {}
}

/** One page of one slice; the caller turns the client's errors into SearchErrors. */
export async function readScrollPage(
  client: Client,
  view: ScrollView,
  request: ScanPageRequest,
  from: ScrollPosition | undefined,
  query: estypes.QueryDslQueryContainer,
  options: { readonly signal?: AbortSignal },
): Promise<ScanPage> {
  const response =
    from === undefined
      ? await client.search<Record<string, unknown>>(
          {
            index: view.index,
            scroll: view.keepAlive,
            ...(request.slice ? { slice: { id: String(request.slice.id), max: request.slice.max } } : {}),
            size: request.size,
            sort: ["_doc"],
            query,
            // Each record's tag, so a run in both directions can skip what its first direction settled.
            seq_no_primary_term: true,
            ...(request.withoutSource === true ? { _source: false } : {}),
          },
          options,
        )
      : await client.scroll<Record<string, unknown>>(
          { scroll_id: from.scrollId, scroll: view.keepAlive },
          options,
        );
  const next = response._scroll_id;
  if (next !== undefined) view.contexts.set(request.slice?.id ?? 0, next);
  const hits = response.hits.hits;
  // A scroll page may hold fewer hits than asked before its end; only an empty one ends it.
  return { hits, next: hits.length === 0 || next === undefined ? undefined : new ScrollPosition(next) };
}

/** Frees the view's scroll contexts. */
export async function clearScrolls(
  client: Client,
  view: ScrollView,
  options: { readonly signal?: AbortSignal },
): Promise<void> {
  const ids = [...view.contexts.values()];
  if (ids.length > 0) await client.clearScroll({ scroll_id: ids }, options);
}
