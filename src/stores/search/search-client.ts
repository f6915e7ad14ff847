// The search side as synced uses it, whatever answers there: Elasticsearch 8 or 9 through its own
// client, or OpenSearch 2 or 3 through the OpenSearch client (stores/opensearch/). Requests, responses
// and errors keep the Elasticsearch client's shapes and classes, so the record store, the state store
// and the dead letters are written once; an adapter translates what its product does differently.
import type { estypes } from "@elastic/elasticsearch";

export type SearchProduct = "elasticsearch" | "opensearch";

/** A consistent view of one index that slices page through: a point in time, or scroll contexts. */
export interface ScanView {
  readonly index: string;
  /**
   * Whether a page that continues a slice (`after` set) may be asked for again when its answer was
   * lost (a timeout, a broken connection) after the cluster may have read it. True where the request
   * names the page's position, so asking again answers the same hits: a point in time with
   * search_after. False where reading moves the view on, so asking again answers the page after and
   * the lost one is never seen: a scroll. A slice's first page may always be asked for again.
   */
  readonly repeatableContinuations: boolean;
}

export interface ScanPageRequest {
  readonly query: estypes.QueryDslQueryContainer;
  readonly size: number;
  /** This slice of `max`; undefined reads the whole view as one. */
  readonly slice?: { readonly id: number; readonly max: number };
  /** Where the previous page of this slice ended; undefined for the first page. */
  readonly after?: ScanCursor;
}

/** Opaque to callers: what the next page of a slice needs. */
export interface ScanCursor {
  readonly position: unknown;
}

export interface ScanPage {
  readonly hits: readonly estypes.SearchHit<Record<string, unknown>>[];
  /** Undefined when this slice is read to its end. */
  readonly next: ScanCursor | undefined;
}

/** Per-request options the adapters honour. */
export interface RequestOptions {
  readonly maxRetries?: number;
  readonly requestTimeout?: number;
  readonly signal?: AbortSignal;
}

export interface SearchClient {
  readonly product: SearchProduct;
  /** The product's name for messages: "Elasticsearch" or "OpenSearch". */
  readonly productName: "Elasticsearch" | "OpenSearch";

  search<T = unknown>(request: estypes.SearchRequest): Promise<estypes.SearchResponse<T>>;
  count(request: estypes.CountRequest): Promise<estypes.CountResponse>;
  mget<T = unknown>(request: estypes.MgetRequest): Promise<estypes.MgetResponse<T>>;
  get<T = unknown>(request: estypes.GetRequest): Promise<estypes.GetResponse<T>>;
  exists(request: estypes.ExistsRequest): Promise<boolean>;
  index(request: estypes.IndexRequest): Promise<estypes.IndexResponse>;
  update(request: estypes.UpdateRequest): Promise<estypes.UpdateResponse>;
  delete(request: estypes.DeleteRequest): Promise<estypes.DeleteResponse>;
  bulk(request: estypes.BulkRequest, options?: RequestOptions): Promise<estypes.BulkResponse>;

  readonly indices: {
    exists(request: estypes.IndicesExistsRequest): Promise<boolean>;
    create(request: estypes.IndicesCreateRequest): Promise<estypes.IndicesCreateResponse>;
    delete(request: estypes.IndicesDeleteRequest): Promise<estypes.IndicesDeleteResponse>;
    getMapping(request: estypes.IndicesGetMappingRequest): Promise<estypes.IndicesGetMappingResponse>;
    putMapping(request: estypes.IndicesPutMappingRequest): Promise<estypes.IndicesPutMappingResponse>;
    refresh(request: estypes.IndicesRefreshRequest): Promise<estypes.IndicesRefreshResponse>;
  };

  /** The smallest http.max_content_length of the nodes, when they report one. */
  maxContentLength(): Promise<number | undefined>;

  /** Opens a consistent view of an index, kept alive `keepAlive` (such as "5m") between pages. */
  openView(index: string, keepAlive: string): Promise<ScanView>;
  /** One page of one slice of the view. Fails with a SearchError of kind view-lost when the view is gone. */
  readPage(view: ScanView, request: ScanPageRequest): Promise<ScanPage>;
  /** Frees what the view holds on the cluster; never fails. */
  closeView(view: ScanView): Promise<void>;

  close(): Promise<void>;
}
