// Each operation of the SearchClient as the REST call OpenSearch takes: the path, the URL parameters
// and the body. The OpenSearch client's transport sends them (its connection pool, login, TLS and
// serializer); documents and bulk lines go in as they came.
import { conditionParameters } from "../search/conditions.js";
import type { FieldMappings } from "../search/mapping.js";
import type { Query } from "../search/query.js";
import {
  BULK_RESULT_FIELDS,
  MAPPING_TRAITS_PATH,
  type BulkRequest,
  type CreateIndexRequest,
  type DeleteDocumentRequest,
  type DocumentRef,
  type GetDocumentsRequest,
  type MappingsRequest,
  type PutDocumentRequest,
  type SearchRequest,
} from "../search/search-client.js";
import { toOpenSearch } from "./mappings.js";

type Parameters = Record<string, unknown>;

export interface RestCall {
  readonly method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  readonly path: string;
  readonly querystring?: Parameters;
  readonly body?: Readonly<Parameters>;
  readonly bulkBody?: readonly unknown[] | string;
}

/** One path segment: an index name or pattern, or a document id. */
export function segment(value: string): string {
  // Wildcards stay readable; everything else an id may hold is escaped.
  return encodeURIComponent(value).replace(/%2A/g, "*");
}

const refresh = (request: { readonly refresh?: boolean }): Parameters =>
  request.refresh === undefined ? {} : { refresh: request.refresh };

const document = (ref: DocumentRef): string => `/${segment(ref.index)}/_doc/${segment(ref.id)}`;

export const restCalls = {
  getDocument: (ref: DocumentRef): RestCall => ({ method: "GET", path: document(ref) }),
  getDocuments: ({ index, ids }: GetDocumentsRequest): RestCall => ({
    method: "POST",
    path: `/${segment(index)}/_mget`,
    // Ids alone go as they are; a routed document is named with its routing value, or mget would
    // look on the shard its id picks.
    body: ids.every((id) => typeof id === "string")
      ? { ids }
      : {
          docs: ids.map((id) => (typeof id === "string" ? { _id: id } : { _id: id.id, routing: id.routing })),
        },
  }),
  putDocument: (request: PutDocumentRequest): RestCall => ({
    method: "PUT",
    path: document(request),
    querystring: { ...conditionParameters(request.condition), ...refresh(request) },
    body: request.document,
  }),
  deleteDocument: (request: DeleteDocumentRequest): RestCall => ({
    method: "DELETE",
    path: document(request),
    querystring: { ...conditionParameters(request.condition), ...refresh(request) },
  }),
  bulk: (request: BulkRequest): RestCall => ({
    method: "POST",
    path: "/_bulk",
    querystring: { filter_path: BULK_RESULT_FIELDS, ...refresh(request) },
    bulkBody: request.lines,
  }),
  search: (request: SearchRequest): RestCall => {
    const { index, ...body } = request;
    return { method: "POST", path: `/${segment(index)}/_search`, body };
  },
  count: (request: { readonly index: string; readonly query?: Query }): RestCall => ({
    method: "POST",
    path: `/${segment(request.index)}/_count`,
    ...(request.query === undefined ? {} : { body: { query: request.query } }),
  }),
  indexExists: (index: string): RestCall => ({ method: "HEAD", path: `/${segment(index)}` }),
  createIndex: (request: CreateIndexRequest): RestCall => {
    const { shards, replicas, aliases, mappings } = request;
    const settings = {
      ...(shards === undefined ? {} : { number_of_shards: shards }),
      ...(replicas === undefined ? {} : { number_of_replicas: replicas }),
    };
    return {
      method: "PUT",
      path: `/${segment(request.index)}`,
      body: {
        ...(shards === undefined && replicas === undefined ? {} : { settings }),
        mappings: { ...mappings, properties: toOpenSearch(mappings.properties) },
        ...(aliases === undefined
          ? {}
          : { aliases: Object.fromEntries(aliases.map((alias) => [alias, {}])) }),
      },
    };
  },
  deleteIndex: (index: string): RestCall => ({ method: "DELETE", path: `/${segment(index)}` }),
  liftBlocks: (index: string, settings: readonly string[]): RestCall => ({
    method: "PUT",
    path: `/${segment(index)}/_settings`,
    body: Object.fromEntries(settings.map((name) => [name, null])),
  }),
  composableTemplates: (): RestCall => ({ method: "GET", path: "/_index_template" }),
  legacyTemplates: (): RestCall => ({ method: "GET", path: "/_template" }),
  simulateIndex: (index: string): RestCall => ({
    method: "POST",
    path: `/_index_template/_simulate_index/${segment(index)}`,
  }),
  pipeline: (id: string): RestCall => ({ method: "GET", path: `/_ingest/pipeline/${segment(id)}` }),
  readMappings: (request: MappingsRequest): RestCall => ({
    method: "GET",
    path: `/${segment(request.index)}/_mapping`,
    ...(request.pattern === true
      ? { querystring: { expand_wildcards: "open", allow_no_indices: true } }
      : {}),
  }),
  closedIndices: (names: string): RestCall => ({
    method: "GET",
    path: `/_resolve/index/${segment(names)}`,
    querystring: { expand_wildcards: "all" },
  }),
  readSettings: (index: string, names: readonly string[]): RestCall => ({
    method: "GET",
    path: `/${segment(index)}/_settings/${names.map(segment).join(",")}`,
    querystring: { flat_settings: true },
  }),
  mappingTraits: (pattern: string): RestCall => ({
    method: "GET",
    path: `/${segment(pattern)}/_mapping`,
    querystring: { expand_wildcards: "open", allow_no_indices: true, filter_path: MAPPING_TRAITS_PATH },
  }),
  readAliases: (pattern: string): RestCall => ({
    method: "GET",
    path: `/_alias/${segment(pattern)}`,
    querystring: { expand_wildcards: "open" },
  }),
  addFields: (request: { readonly index: string; readonly properties: FieldMappings }): RestCall => ({
    method: "PUT",
    path: `/${segment(request.index)}/_mapping`,
    body: { properties: toOpenSearch(request.properties) },
  }),
  nodesHttp: (): RestCall => ({ method: "GET", path: "/_nodes/http" }),
  storeStats: (index: string): RestCall => ({ method: "GET", path: `/${segment(index)}/_stats/docs,store` }),
};
