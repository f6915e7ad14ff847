// How a scan pages through an OpenSearch index. A point in time with search_after needs a sort that is
// total within it; OpenSearch has one (_shard_doc) only from 3.3. Before that, _doc repeats across
// shards, so pages would skip documents, and _id costs heap for every id of the index. Those versions
// read through sliced scroll contexts instead: each slice keeps its own consistent view, and each
// document lies in exactly one slice. Both lose their view in a node restart, which the scan handles.
import type { estypes } from "@elastic/elasticsearch";
import type { ScanPage, ScanPageRequest, ScanView } from "../elasticsearch/search-client.js";
import type { RestCall } from "./opensearch-client.js";

export interface ViewStrategy {
  open(index: string, keepAlive: string): Promise<ScanView>;
  read(view: ScanView, request: ScanPageRequest): Promise<ScanPage>;
  close(view: ScanView): Promise<void>;
}

type Send = <T>(call: RestCall) => Promise<T>;

type Hits = estypes.SearchResponse<Record<string, unknown>>;

/** The first OpenSearch version with _shard_doc. */
const SHARD_DOC_SINCE = "3.3.0";

export function hasShardDoc(version: string): boolean {
  return compareVersions(version, SHARD_DOC_SINCE) >= 0;
}

/** Orders "8.19.21" before "9.3.2" and "2.9.0" before "2.19.6". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(".").map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function scanViews(version: string, send: Send): ViewStrategy {
  return hasShardDoc(version) ? pointInTimeViews(send) : scrollViews(send);
}

// Each record's tag, so a run in both directions can skip what its first direction settled.
const TAGS = { seq_no_primary_term: true };

function slice(request: ScanPageRequest): Record<string, unknown> {
  return request.slice ? { slice: { id: request.slice.id, max: request.slice.max } } : {};
}

interface PitView extends ScanView {
  readonly id: string;
  readonly keepAlive: string;
}

function pointInTimeViews(send: Send): ViewStrategy {
  return {
    async open(index, keepAlive) {
      const pit = await send<{ pit_id: string }>({
        method: "POST",
        path: `/${encodeURIComponent(index)}/_search/point_in_time`,
        querystring: { keep_alive: keepAlive },
      });
      const view: PitView = { index, id: pit.pit_id, keepAlive };
      return view;
    },
    async read(view, request) {
      const { id, keepAlive } = view as PitView;
      const after = request.after?.position as estypes.SortResults | undefined;
      const response = await send<Hits>({
        method: "POST",
        path: "/_search",
        body: {
          pit: { id, keep_alive: keepAlive },
          ...slice(request),
          size: request.size,
          sort: [{ _shard_doc: "asc" }],
          query: request.query,
          track_total_hits: false,
          ...TAGS,
          ...(after ? { search_after: after } : {}),
        },
      });
      const hits = response.hits.hits;
      const sort = hits.at(-1)?.sort;
      const done = hits.length < request.size || sort === undefined;
      return { hits, next: done ? undefined : { position: sort } };
    },
    async close(view) {
      await send({
        method: "DELETE",
        path: "/_search/point_in_time",
        body: { pit_id: [(view as PitView).id] },
      });
    },
  };
}

interface ScrollView extends ScanView {
  readonly keepAlive: string;
  /** The newest scroll id of each slice, all freed at close. */
  readonly contexts: Map<number, string>;
}

function scrollViews(send: Send): ViewStrategy {
  return {
    open(index, keepAlive) {
      const view: ScrollView = { index, keepAlive, contexts: new Map() };
      return Promise.resolve(view);
    },
    async read(view, request) {
      const { index, keepAlive, contexts } = view as ScrollView;
      const scrollId = request.after?.position as string | undefined;
      const response =
        scrollId === undefined
          ? await send<Hits>({
              method: "POST",
              path: `/${encodeURIComponent(index)}/_search`,
              querystring: { scroll: keepAlive },
              // A scroll counts its hits on the first page only; it refuses track_total_hits: false.
              body: { ...slice(request), size: request.size, sort: ["_doc"], query: request.query, ...TAGS },
            })
          : await send<Hits>({
              method: "POST",
              path: "/_search/scroll",
              body: { scroll: keepAlive, scroll_id: scrollId },
            });
      const next = response._scroll_id;
      if (next !== undefined) contexts.set(request.slice?.id ?? 0, next);
      const hits = response.hits.hits;
      // A scroll page may hold fewer hits than asked before its end; only an empty one ends it.
      return { hits, next: hits.length === 0 || next === undefined ? undefined : { position: next } };
    },
    async close(view) {
      const ids = [...(view as ScrollView).contexts.values()];
      if (ids.length > 0) await send({ method: "DELETE", path: "/_search/scroll", body: { scroll_id: ids } });
    },
  };
}
