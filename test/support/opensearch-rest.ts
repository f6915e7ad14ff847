// The requests tests arrange data with, in the Elasticsearch client's flat form (body fields beside
// the URL parameters), as the REST calls OpenSearch takes: the same requests against either product.
import type { estypes } from "@elastic/elasticsearch";
import type { FieldMappings } from "../../src/stores/search/mapping.js";
import { toOpenSearch } from "../../src/stores/opensearch/mappings.js";

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

/** An index creation or mapping update body, with the map type named as OpenSearch names it. */
function withMappings(call: RestCall): RestCall {
  const body = call.body;
  if (body === undefined) return call;
  const out: Parameters = { ...body };
  const properties = body["properties"] as FieldMappings | undefined;
  if (properties !== undefined) out["properties"] = toOpenSearch(properties);
  const mappings = body["mappings"] as { properties?: FieldMappings } | undefined;
  if (mappings?.properties !== undefined) {
    out["mappings"] = { ...mappings, properties: toOpenSearch(mappings.properties) };
  }
  return { ...call, body: out };
}

/** Every request of the fixture as its REST call. */
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
  putSettings: (r: estypes.IndicesPutSettingsRequest): RestCall => ({
    method: "PUT",
    path: `/${segment(r.index ?? "_all")}/_settings`,
    ...(r.settings === undefined ? {} : { body: r.settings }),
  }),
  close: (r: estypes.IndicesCloseRequest): RestCall => ({
    method: "POST",
    path: `/${segment(String(r.index))}/_close`,
  }),
  refresh: (r: estypes.IndicesRefreshRequest): RestCall => ({
    method: "POST",
    path: r.index === undefined ? "/_refresh" : `/${segment(r.index)}/_refresh`,
    querystring: urlParameters(r, ["index"]),
  }),
};
