// SearchClient over the Elasticsearch client: requests pass through as they are, and a scan pages
// through a point in time in _shard_doc order, the cheapest order that is total within one.
import type { Client, estypes } from "@elastic/elasticsearch";
import type { ScanPage, ScanPageRequest, ScanView, SearchClient } from "./search-client.js";

interface PointInTimeView extends ScanView {
  readonly id: string;
  readonly keepAlive: string;
}

interface PointInTimePosition {
  /** The point in time id the last response gave: it may change between pages. */
  readonly id: string;
  readonly sort: estypes.SortResults;
}

export class ElasticsearchClient implements SearchClient {
  readonly product = "elasticsearch";
  readonly productName = "Elasticsearch";
  readonly indices: SearchClient["indices"];
  readonly #client: Client;

  readonly version: string;
  readonly #maxContentLength: number | undefined;

  /** `nodes` is what the nodes said of themselves when the client connected (nodeFacts). */
  constructor(client: Client, nodes: NodeFacts) {
    this.version = nodes.version;
    this.#maxContentLength = nodes.maxContentLength;
    this.#client = client;
    const indices = client.indices;
    this.indices = {
      exists: (request) => indices.exists(request),
      create: (request) => indices.create(request),
      delete: (request) => indices.delete(request),
      getMapping: (request) => indices.getMapping(request),
      putMapping: (request) => indices.putMapping(request),
      refresh: (request) => indices.refresh(request),
    };
  }

  /** The client underneath, for what only Elasticsearch offers (API keys in tests, say). */
  get raw(): Client {
    return this.#client;
  }

  search<T>(request: estypes.SearchRequest): Promise<estypes.SearchResponse<T>> {
    return this.#client.search<T>(request);
  }

  count(request: estypes.CountRequest): Promise<estypes.CountResponse> {
    return this.#client.count(request);
  }

  mget<T>(request: estypes.MgetRequest): Promise<estypes.MgetResponse<T>> {
    return this.#client.mget<T>(request);
  }

  get<T>(request: estypes.GetRequest): Promise<estypes.GetResponse<T>> {
    return this.#client.get<T>(request);
  }

  exists(request: estypes.ExistsRequest): Promise<boolean> {
    return this.#client.exists(request);
  }

  index(request: estypes.IndexRequest): Promise<estypes.IndexResponse> {
    return this.#client.index(request);
  }

  update(request: estypes.UpdateRequest): Promise<estypes.UpdateResponse> {
    return this.#client.update(request);
  }

  delete(request: estypes.DeleteRequest): Promise<estypes.DeleteResponse> {
    return this.#client.delete(request);
  }

  bulk(request: estypes.BulkRequest, options?: { signal?: AbortSignal }): Promise<estypes.BulkResponse> {
    return this.#client.bulk(request, options);
  }

  maxContentLength(): Promise<number | undefined> {
    return Promise.resolve(this.#maxContentLength);
  }

  async openView(index: string, keepAlive: string): Promise<ScanView> {
    const pit = await this.#client.openPointInTime({ index, keep_alive: keepAlive });
    const view: PointInTimeView = { index, id: pit.id, keepAlive };
    return view;
  }

  async readPage(view: ScanView, request: ScanPageRequest): Promise<ScanPage> {
    const pit = view as PointInTimeView;
    const position = request.after?.position as PointInTimePosition | undefined;
    const id = position?.id ?? pit.id;
    const response = await this.#client.search<Record<string, unknown>>({
      pit: { id, keep_alive: pit.keepAlive },
      ...(request.slice ? { slice: { id: String(request.slice.id), max: request.slice.max } } : {}),
      size: request.size,
      sort: [{ _shard_doc: "asc" }],
      query: request.query,
      track_total_hits: false,
      // Each record's tag, so a run in both directions can skip what its first direction settled.
      seq_no_primary_term: true,
      ...(position ? { search_after: position.sort } : {}),
    });
    const hits = response.hits.hits;
    const sort = hits.at(-1)?.sort;
    const done = hits.length < request.size || sort === undefined;
    const next: PointInTimePosition | undefined = done ? undefined : { id: response.pit_id ?? id, sort };
    return { hits, next: next && { position: next } };
  }

  async closeView(view: ScanView): Promise<void> {
    await this.#client.closePointInTime({ id: (view as PointInTimeView).id }).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

export interface NodeFacts {
  /** The oldest version among the nodes. */
  readonly version: string;
  readonly maxContentLength: number | undefined;
}

/**
 * Versions and request size limits from GET _nodes/http. The root endpoint (GET /) would give the
 * version in one request, but it is a module that minimal distributions leave out.
 */
export async function nodeFacts(client: Client, options: { requestTimeout: number }): Promise<NodeFacts> {
  const info = await client.nodes.info({ metric: "http" }, { maxRetries: 0, ...options });
  const nodes = Object.values(info.nodes);
  const versions = nodes.map((node) => node.version).sort(compareVersions);
  return {
    version: versions[0] ?? "unknown",
    maxContentLength: smallest(nodes.map((node) => node.http?.max_content_length_in_bytes)),
  };
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

/** The smallest positive number of those given, if any. */
export function smallest(values: readonly unknown[]): number | undefined {
  const limits = values.filter((v): v is number => typeof v === "number" && v > 0);
  return limits.length === 0 ? undefined : Math.min(...limits);
}
