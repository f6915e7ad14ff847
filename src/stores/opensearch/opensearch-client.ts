// SearchClient over the OpenSearch client. synced's requests are written in the Elasticsearch client's
// flat form (body fields beside the URL parameters); here each is split into its REST call, sent by
// the OpenSearch client's transport (its connection pool, login, TLS and serializer), and its errors
// are turned into SearchErrors (opensearch-errors.ts).
import type { estypes } from "@elastic/elasticsearch";
import type { Client } from "@opensearch-project/opensearch";
import type {
  RequestOptions,
  ScanPage,
  ScanPageRequest,
  ScanView,
  SearchClient,
} from "../search/search-client.js";
import { smallest } from "../search/request-size.js";
import { forOpenSearch } from "./mappings.js";
import { fromOpenSearchError } from "./opensearch-errors.js";
import { scrollViews, type ViewStrategy } from "./scan-views.js";

type Parameters = Record<string, unknown>;

export interface RestCall {
  readonly method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  readonly path: string;
  readonly querystring?: Parameters;
  readonly body?: Parameters;
  readonly bulkBody?: readonly unknown[];
}

/** Splits a flat request: `query` names its URL parameters, and every other field is the body. */
export function splitRequest(
  request: object,
  query: readonly string[],
  path: readonly string[] = [],
): { readonly querystring: Parameters; readonly body?: Parameters } {
  const querystring: Parameters = {};
  const body: Parameters = {};
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || path.includes(key)) continue;
    if (query.includes(key)) querystring[key] = value;
    else body[key] = value;
  }
  return Object.keys(body).length === 0 ? { querystring } : { querystring, body };
}

/** Every field but those in the path, as URL parameters: requests that carry no body. */
export function urlParameters(request: object, path: readonly string[]): Parameters {
  return splitRequest(request, [], path).body ?? {};
}

/** One path segment: an index name, a list of them, or a document id. */
export function segment(value: unknown): string {
  const parts = Array.isArray(value) ? value.map(String) : [String(value)];
  // Wildcards stay readable; everything else an id may hold is escaped.
  return parts.map((part) => encodeURIComponent(part).replace(/%2A/g, "*")).join(",");
}

const WILDCARDS = ["expand_wildcards", "allow_no_indices", "ignore_unavailable"];
const WRITE = ["refresh", "routing", "timeout", "wait_for_active_shards"];
const CONDITIONS = ["if_seq_no", "if_primary_term", "version", "version_type"];

function withMappings(call: RestCall): RestCall {
  const body = forOpenSearch(call.body);
  return body === undefined ? call : { ...call, body };
}

/** Every request of the SearchClient interface as its REST call. */
export const restCalls = {
  search: (r: estypes.SearchRequest): RestCall => ({
    method: "POST",
    path: r.index === undefined ? "/_search" : `/${segment(r.index)}/_search`,
    ...splitRequest(r, ["scroll", "routing", "preference", ...WILDCARDS], ["index"]),
  }),
  count: (r: estypes.CountRequest): RestCall => ({
    method: "POST",
    path: `/${segment(r.index)}/_count`,
    ...splitRequest(r, ["routing", "preference", ...WILDCARDS], ["index"]),
  }),
  mget: (r: estypes.MgetRequest): RestCall => ({
    method: "POST",
    path: `/${segment(r.index)}/_mget`,
    ...splitRequest(r, ["routing", "preference", "realtime", "refresh"], ["index"]),
  }),
  get: (r: estypes.GetRequest): RestCall => ({
    method: "GET",
    path: `/${segment(r.index)}/_doc/${segment(r.id)}`,
    querystring: urlParameters(r, ["index", "id"]),
  }),
  exists: (r: estypes.ExistsRequest): RestCall => ({
    method: "HEAD",
    path: `/${segment(r.index)}/_doc/${segment(r.id)}`,
    querystring: urlParameters(r, ["index", "id"]),
  }),
  index: (r: estypes.IndexRequest): RestCall => {
    const { document, ...rest } = r;
    return {
      method: r.id === undefined ? "POST" : "PUT",
      path: `/${segment(r.index)}/_doc${r.id === undefined ? "" : `/${segment(r.id)}`}`,
      querystring: urlParameters(rest, ["index", "id"]),
      body: document as Parameters,
    };
  },
  update: (r: estypes.UpdateRequest): RestCall => ({
    method: "POST",
    path: `/${segment(r.index)}/_update/${segment(r.id)}`,
    ...splitRequest(r, [...WRITE, ...CONDITIONS, "retry_on_conflict"], ["index", "id"]),
  }),
  delete: (r: estypes.DeleteRequest): RestCall => ({
    method: "DELETE",
    path: `/${segment(r.index)}/_doc/${segment(r.id)}`,
    querystring: urlParameters(r, ["index", "id"]),
  }),
  bulk: (r: estypes.BulkRequest): RestCall => {
    const { operations, ...rest } = r;
    return {
      method: "POST",
      path: r.index === undefined ? "/_bulk" : `/${segment(r.index)}/_bulk`,
      querystring: urlParameters(rest, ["index"]),
      bulkBody: operations ?? [],
    };
  },
  indicesExists: (r: estypes.IndicesExistsRequest): RestCall => ({
    method: "HEAD",
    path: `/${segment(r.index)}`,
    querystring: urlParameters(r, ["index"]),
  }),
  indicesCreate: (r: estypes.IndicesCreateRequest): RestCall =>
    withMappings({
      method: "PUT",
      path: `/${segment(r.index)}`,
      ...splitRequest(r, ["timeout", "wait_for_active_shards"], ["index"]),
    }),
  indicesDelete: (r: estypes.IndicesDeleteRequest): RestCall => ({
    method: "DELETE",
    path: `/${segment(r.index)}`,
    querystring: urlParameters(r, ["index"]),
  }),
  getMapping: (r: estypes.IndicesGetMappingRequest): RestCall => ({
    method: "GET",
    path: r.index === undefined ? "/_mapping" : `/${segment(r.index)}/_mapping`,
    querystring: urlParameters(r, ["index"]),
  }),
  putMapping: (r: estypes.IndicesPutMappingRequest): RestCall =>
    withMappings({
      method: "PUT",
      path: `/${segment(r.index)}/_mapping`,
      ...splitRequest(r, ["timeout", "write_index_only", ...WILDCARDS], ["index"]),
    }),
  refresh: (r: estypes.IndicesRefreshRequest): RestCall => ({
    method: "POST",
    path: r.index === undefined ? "/_refresh" : `/${segment(r.index)}/_refresh`,
    querystring: urlParameters(r, ["index"]),
  }),
};

export class OpenSearchClient implements SearchClient {
  readonly product = "opensearch";
  readonly productName = "OpenSearch";
  readonly indices: SearchClient["indices"];
  readonly #client: Client;
  readonly #views: ViewStrategy;

  constructor(client: Client) {
    this.#client = client;
    this.#views = scrollViews((call) => this.#send(call));
    this.indices = {
      exists: (r) => this.#exists(restCalls.indicesExists(r)),
      create: (r) => this.#send(restCalls.indicesCreate(r)),
      delete: (r) => this.#send(restCalls.indicesDelete(r)),
      getMapping: (r) => this.#send(restCalls.getMapping(r)),
      putMapping: (r) => this.#send(restCalls.putMapping(r)),
      refresh: (r) => this.#send(restCalls.refresh(r)),
    };
  }

  /** Sends one REST call; the response body, or the error as a SearchError. */
  async #send<T>(call: RestCall, options: RequestOptions = {}): Promise<T> {
    const { signal, ...transportOptions } = options;
    const request = this.#client.transport.request(
      {
        method: call.method,
        path: call.path,
        ...(call.querystring ? { querystring: call.querystring } : {}),
        ...(call.body ? { body: call.body } : {}),
        ...(call.bulkBody ? { bulkBody: [...call.bulkBody] as Record<string, unknown>[] } : {}),
      },
      transportOptions,
    );
    const abort = (): void => {
      request.abort();
    };
    signal?.addEventListener("abort", abort, { once: true });
    try {
      const response = await request;
      return response.body as T;
    } catch (error) {
      throw fromOpenSearchError(error);
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /** The transport answers a HEAD request with true, or false on a 404, instead of an error. */
  #exists(call: RestCall): Promise<boolean> {
    return this.#send<boolean>(call);
  }

  search<T>(request: estypes.SearchRequest): Promise<estypes.SearchResponse<T>> {
    return this.#send(restCalls.search(request));
  }

  count(request: estypes.CountRequest): Promise<estypes.CountResponse> {
    return this.#send(restCalls.count(request));
  }

  mget<T>(request: estypes.MgetRequest): Promise<estypes.MgetResponse<T>> {
    return this.#send(restCalls.mget(request));
  }

  get<T>(request: estypes.GetRequest): Promise<estypes.GetResponse<T>> {
    return this.#send(restCalls.get(request));
  }

  exists(request: estypes.ExistsRequest): Promise<boolean> {
    return this.#exists(restCalls.exists(request));
  }

  index(request: estypes.IndexRequest): Promise<estypes.IndexResponse> {
    return this.#send(restCalls.index(request));
  }

  update(request: estypes.UpdateRequest): Promise<estypes.UpdateResponse> {
    return this.#send(restCalls.update(request));
  }

  delete(request: estypes.DeleteRequest): Promise<estypes.DeleteResponse> {
    return this.#send(restCalls.delete(request));
  }

  bulk(request: estypes.BulkRequest, options?: RequestOptions): Promise<estypes.BulkResponse> {
    return this.#send(restCalls.bulk(request), options);
  }

  async maxContentLength(): Promise<number | undefined> {
    const info = await this.#send<estypes.NodesInfoResponseBase>({ method: "GET", path: "/_nodes/http" });
    return smallest(Object.values(info.nodes).map((node) => node.http?.max_content_length_in_bytes));
  }

  openView(index: string, keepAlive: string): Promise<ScanView> {
    return this.#views.open(index, keepAlive);
  }

  readPage(view: ScanView, request: ScanPageRequest): Promise<ScanPage> {
    return this.#views.read(view, request);
  }

  closeView(view: ScanView): Promise<void> {
    return this.#views.close(view).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}
