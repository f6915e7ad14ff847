// How a scan pages through an OpenSearch index: sliced scroll contexts. Each slice keeps its own
// consistent view, and each document lies in exactly one slice. A point in time with search_after
// needs a sort that is total within it: OpenSearch has none before 3.3 (_doc repeats across shards,
// so pages would skip documents, and _id costs heap for every id of the index), and on 3.6 one such
// read in the tests missed a document, for a reason not found. Scrolls have missed none, on 2.x or
// 3.x, so they serve every version. A node restart loses the contexts, which the scan handles as a
// lost view. A scroll cannot be asked for the same page twice, so a continuation whose answer was
// lost is not repeated: the view says so, and the scan starts over in a new one.
import type { ScanPage, ScanPageRequest, ScanView, SearchHit } from "../search/search-client.js";
import type { RestCall } from "./rest-calls.js";

export interface ViewStrategy {
  open(index: string, keepAlive: string): Promise<ScanView>;
  read(view: ScanView, request: ScanPageRequest): Promise<ScanPage>;
  close(view: ScanView): Promise<void>;
}

type Send = <T>(call: RestCall) => Promise<T>;

interface ScrollAnswer {
  readonly _scroll_id?: string;
  readonly hits: { readonly hits: readonly SearchHit[] };
}

// Each record's tag, so a run in both directions can skip what its first direction settled.
const TAGS = { seq_no_primary_term: true };

function slice(request: ScanPageRequest): Record<string, unknown> {
  return request.slice ? { slice: { id: request.slice.id, max: request.slice.max } } : {};
}

class ScrollView implements ScanView {
  // A continuation moves the scroll on the cluster: asked again after its answer was lost, it
  // answers the page after. A first page only opens a context, and one whose answer was lost
  // expires unused after keepAlive.
  readonly repeatableContinuations = false;
  /** The newest scroll id of each slice, all freed at close. */
  readonly contexts = new Map<number, string>();

  constructor(
    readonly index: string,
    readonly keepAlive: string,
  ) {}
}

class ScrollPosition {
  constructor(readonly scrollId: string) {}
}

/** The view as this client opened it; another client's view is a bug in the caller. */
function scroll(view: ScanView): ScrollView {
  if (view instanceof ScrollView) return view;
  throw new TypeError(`the view of ${view.index} was not opened by the OpenSearch client`);
}

function position(after: object | undefined): ScrollPosition | undefined {
  if (after === undefined || after instanceof ScrollPosition) return after;
  throw new TypeError("the position of a scan page was not given by the OpenSearch client");
}

export function scrollViews(send: Send): ViewStrategy {
  return {
    open(index, keepAlive) {
      return Promise.resolve(new ScrollView(index, keepAlive));
    },
    async read(view, request) {
      const { index, keepAlive, contexts } = scroll(view);
      const from = position(request.after);
      const response =
        from === undefined
          ? await send<ScrollAnswer>({
              method: "POST",
              path: `/${encodeURIComponent(index)}/_search`,
              querystring: { scroll: keepAlive },
              // A scroll counts its hits on the first page only; it refuses track_total_hits: false.
              body: {
                ...slice(request),
                size: request.size,
                sort: ["_doc"],
                query: request.query,
                ...TAGS,
                ...(request.withoutSource === true ? { _source: false } : {}),
              },
            })
          : await send<ScrollAnswer>({
              method: "POST",
              path: "/_search/scroll",
              body: { scroll: keepAlive, scroll_id: from.scrollId },
            });
      const next = response._scroll_id;
      if (next !== undefined) contexts.set(request.slice?.id ?? 0, next);
      const hits = response.hits.hits;
      // A scroll page may hold fewer hits than asked before its end; only an empty one ends it.
      return { hits, next: hits.length === 0 || next === undefined ? undefined : new ScrollPosition(next) };
    },
    async close(view) {
      const ids = [...scroll(view).contexts.values()];
      if (ids.length > 0) await send({ method: "DELETE", path: "/_search/scroll", body: { scroll_id: ids } });
    },
  };
}
