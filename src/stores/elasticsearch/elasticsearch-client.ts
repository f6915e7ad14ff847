// SearchClient over the Elasticsearch client: requests pass through as they are, and a scan pages
// through a point in time in _shard_doc order, the cheapest order that is total within one.
import type { Client, estypes } from "@elastic/elasticsearch";
import type { ScanPage, ScanPageRequest, ScanView, SearchClient } from "../search/search-client.js";
import { smallest } from "../search/request-size.js";
import { fromElasticsearchError } from "./elasticsearch-errors.js";

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

  constructor(client: Client) {
    this.#client = client;
    const indices = client.indices;
    this.indices = {
      exists: (request) => edge(indices.exists(request)),
      create: (request) => edge(indices.create(request)),
      delete: (request) => edge(indices.delete(request)),
      getMapping: (request) => edge(indices.getMapping(request)),
      putMapping: (request) => edge(indices.putMapping(request)),
      refresh: (request) => edge(indices.refresh(request)),
    };
  }

  /** The client underneath, for what only Elasticsearch offers (API keys in tests, say). */
  get raw(): Client {
    return this.#client;
  }

  search<T>(request: estypes.SearchRequest): Promise<estypes.SearchResponse<T>> {
    return edge(this.#client.search<T>(request));
  }

  count(request: estypes.CountRequest): Promise<estypes.CountResponse> {
    return edge(this.#client.count(request));
  }

  mget<T>(request: estypes.MgetRequest): Promise<estypes.MgetResponse<T>> {
    return edge(this.#client.mget<T>(request));
  }

  get<T>(request: estypes.GetRequest): Promise<estypes.GetResponse<T>> {
    return edge(this.#client.get<T>(request));
  }

  exists(request: estypes.ExistsRequest): Promise<boolean> {
    return edge(this.#client.exists(request));
  }

  index(request: estypes.IndexRequest): Promise<estypes.IndexResponse> {
    return edge(this.#client.index(request));
  }

  update(request: estypes.UpdateRequest): Promise<estypes.UpdateResponse> {
    return edge(this.#client.update(request));
  }

  delete(request: estypes.DeleteRequest): Promise<estypes.DeleteResponse> {
    return edge(this.#client.delete(request));
  }

  bulk(request: estypes.BulkRequest, options?: { signal?: AbortSignal }): Promise<estypes.BulkResponse> {
    return edge(this.#client.bulk(request, options));
  }

  async maxContentLength(): Promise<number | undefined> {
    const info = await edge(this.#client.nodes.info({ metric: "http" }));
    return smallest(Object.values(info.nodes).map((node) => node.http?.max_content_length_in_bytes));
  }

  async openView(index: string, keepAlive: string): Promise<ScanView> {
    const pit = await edge(this.#client.openPointInTime({ index, keep_alive: keepAlive }));
    // A page is addressed by its search_after position in the point in time: asked again, it is the same.
    const view: PointInTimeView = { index, id: pit.id, keepAlive, repeatableContinuations: true };
    return view;
  }

  async readPage(view: ScanView, request: ScanPageRequest): Promise<ScanPage> {
    const pit = view as PointInTimeView;
    const position = request.after?.position as PointInTimePosition | undefined;
    const id = position?.id ?? pit.id;
    const response = await edge(
      this.#client.search<Record<string, unknown>>({
        pit: { id, keep_alive: pit.keepAlive },
        ...(request.slice ? { slice: { id: String(request.slice.id), max: request.slice.max } } : {}),
        size: request.size,
        sort: [{ _shard_doc: "asc" }],
        query: request.query,
        track_total_hits: false,
        // Each record's tag, so a run in both directions can skip what its first direction settled.
        seq_no_primary_term: true,
        ...(position ? { search_after: position.sort } : {}),
      }),
    );
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

/** The request's answer, or its failure as a SearchError. */
async function edge<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw fromElasticsearchError(error);
  }
}
