// What the tests arrange and inspect the search side with, as other applications would: any request
// of the REST API, in the Elasticsearch client's flat form, against whichever product answers. On
// Elasticsearch these are its client's own calls; on OpenSearch each is sent as its REST call
// (opensearch-rest.ts). It shares the connection of synced's own client, which the code under test is
// given (`client`).
import type { Client as ElasticsearchRaw, estypes } from "@elastic/elasticsearch";
import type { Client as OpenSearchRaw } from "@opensearch-project/opensearch";
import { ElasticsearchClient } from "../../src/stores/elasticsearch/elasticsearch-client.js";
import { OpenSearchClient } from "../../src/stores/opensearch/opensearch-client.js";
import type { SearchClient, SearchProduct } from "../../src/stores/search/search-client.js";
import { restCalls, type RestCall } from "./opensearch-rest.js";

export interface SearchFixture {
  readonly product: SearchProduct;
  readonly productName: "Elasticsearch" | "OpenSearch";
  /** synced's own client, over the same connection. */
  readonly client: SearchClient;

  search<T = unknown>(request: estypes.SearchRequest): Promise<estypes.SearchResponse<T>>;
  count(request: estypes.CountRequest): Promise<estypes.CountResponse>;
  mget<T = unknown>(request: estypes.MgetRequest): Promise<estypes.MgetResponse<T>>;
  get<T = unknown>(request: estypes.GetRequest): Promise<estypes.GetResponse<T>>;
  exists(request: estypes.ExistsRequest): Promise<boolean>;
  index(request: estypes.IndexRequest): Promise<estypes.IndexResponse>;
  update(request: estypes.UpdateRequest): Promise<estypes.UpdateResponse>;
  delete(request: estypes.DeleteRequest): Promise<estypes.DeleteResponse>;
  bulk(request: estypes.BulkRequest): Promise<estypes.BulkResponse>;
  readonly indices: {
    exists(request: estypes.IndicesExistsRequest): Promise<boolean>;
    create(request: estypes.IndicesCreateRequest): Promise<estypes.IndicesCreateResponse>;
    delete(request: estypes.IndicesDeleteRequest): Promise<estypes.IndicesDeleteResponse>;
    getMapping(request: estypes.IndicesGetMappingRequest): Promise<estypes.IndicesGetMappingResponse>;
    putMapping(request: estypes.IndicesPutMappingRequest): Promise<estypes.IndicesPutMappingResponse>;
    putSettings(request: estypes.IndicesPutSettingsRequest): Promise<estypes.IndicesPutSettingsResponse>;
    refresh(request: estypes.IndicesRefreshRequest): Promise<estypes.IndicesRefreshResponse>;
    close(request: estypes.IndicesCloseRequest): Promise<estypes.IndicesCloseResponse>;
    /** Opens a closed index and waits for its primary shards. */
    open(request: { index: string }): Promise<unknown>;
    putAlias(request: { index: string; name: string }): Promise<unknown>;
    /** An index template that makes every index matching `pattern` a data stream's only. */
    putDataStreamTemplate(request: { name: string; pattern: string }): Promise<unknown>;
    deleteIndexTemplate(request: { name: string }): Promise<unknown>;
    /** A composable index template giving every index matching `pattern` these mappings and settings. */
    putIndexTemplate(request: TemplateRequest): Promise<unknown>;
    /** A legacy index template (`_template`), as clusters upgraded from 6.x and 7.x still keep. */
    putLegacyTemplate(request: TemplateRequest): Promise<unknown>;
    deleteLegacyTemplate(request: { name: string }): Promise<unknown>;
  };
  /** Closes synced's client, and with it the connection. */
  close(): Promise<void>;
}

/** What a test's index template gives every new index matching `pattern`. */
export interface TemplateRequest {
  readonly name: string;
  readonly pattern: string;
  readonly mappings?: object;
  readonly settings?: object;
}

/** The fixture over synced's client `client`, of either product. */
export function searchFixture(client: SearchClient): SearchFixture {
  if (client instanceof ElasticsearchClient) return elasticsearchFixture(client, client.raw);
  if (client instanceof OpenSearchClient) return openSearchFixture(client, client.raw);
  throw new Error(`no test fixture for a ${client.productName} client of this kind`);
}

function elasticsearchFixture(client: SearchClient, raw: ElasticsearchRaw): SearchFixture {
  return {
    product: client.product,
    productName: client.productName,
    client,
    search: (request) => raw.search(request),
    count: (request) => raw.count(request),
    mget: (request) => raw.mget(request),
    get: (request) => raw.get(request),
    exists: (request) => raw.exists(request),
    index: (request) => raw.index(request),
    update: (request) => raw.update(request),
    delete: (request) => raw.delete(request),
    bulk: (request) => raw.bulk(request),
    indices: {
      exists: (request) => raw.indices.exists(request),
      create: (request) => raw.indices.create(request),
      delete: (request) => raw.indices.delete(request),
      getMapping: (request) => raw.indices.getMapping(request),
      putMapping: (request) => raw.indices.putMapping(request),
      putSettings: (request) => raw.indices.putSettings(request),
      refresh: (request) => raw.indices.refresh(request),
      close: (request) => raw.indices.close(request),
      open: ({ index }) => raw.indices.open({ index, wait_for_active_shards: 1 }),
      putAlias: (request) => raw.indices.putAlias(request),
      putDataStreamTemplate: ({ name, pattern }) =>
        raw.indices.putIndexTemplate({ name, index_patterns: [pattern], priority: 500, data_stream: {} }),
      deleteIndexTemplate: ({ name }) => raw.indices.deleteIndexTemplate({ name }),
      putIndexTemplate: ({ name, pattern, mappings, settings }) =>
        raw.indices.putIndexTemplate({
          name,
          index_patterns: [pattern],
          priority: 500,
          template: { ...(mappings && { mappings }), ...(settings && { settings }) },
        }),
      putLegacyTemplate: ({ name, pattern, mappings, settings }) =>
        raw.indices.putTemplate({
          name,
          index_patterns: [pattern],
          ...(mappings && { mappings }),
          ...(settings && { settings }),
        }),
      deleteLegacyTemplate: ({ name }) => raw.indices.deleteTemplate({ name }),
    },
    close: () => client.close(),
  };
}

function openSearchFixture(client: SearchClient, raw: OpenSearchRaw): SearchFixture {
  const send = async <T>(call: RestCall): Promise<T> => {
    const response = await raw.transport.request({
      method: call.method,
      path: call.path,
      ...(call.querystring ? { querystring: call.querystring } : {}),
      ...(call.body ? { body: call.body } : {}),
      ...(call.bulkBody ? { bulkBody: [...call.bulkBody] as Record<string, unknown>[] } : {}),
    });
    return response.body as T;
  };
  return {
    product: client.product,
    productName: client.productName,
    client,
    search: (request) => send(restCalls.search(request)),
    count: (request) => send(restCalls.count(request)),
    mget: (request) => send(restCalls.mget(request)),
    get: (request) => send(restCalls.get(request)),
    // The transport answers a HEAD request with true, or false on a 404, instead of an error.
    exists: (request) => send(restCalls.exists(request)),
    index: (request) => send(restCalls.index(request)),
    update: (request) => send(restCalls.update(request)),
    delete: (request) => send(restCalls.delete(request)),
    bulk: (request) => send(restCalls.bulk(request)),
    indices: {
      exists: (request) => send(restCalls.indicesExists(request)),
      create: (request) => send(restCalls.indicesCreate(request)),
      delete: (request) => send(restCalls.indicesDelete(request)),
      getMapping: (request) => send(restCalls.getMapping(request)),
      putMapping: (request) => send(restCalls.putMapping(request)),
      putSettings: (request) => send(restCalls.putSettings(request)),
      refresh: (request) => send(restCalls.refresh(request)),
      close: (request) => send(restCalls.close(request)),
      open: ({ index }) =>
        send({ method: "POST", path: `/${encodeURIComponent(index)}/_open?wait_for_active_shards=1` }),
      putAlias: ({ index, name }) =>
        send({ method: "PUT", path: `/${encodeURIComponent(index)}/_alias/${encodeURIComponent(name)}` }),
      putDataStreamTemplate: ({ name, pattern }) =>
        send({
          method: "PUT",
          path: `/_index_template/${encodeURIComponent(name)}`,
          body: { index_patterns: [pattern], priority: 500, data_stream: {} },
        }),
      deleteIndexTemplate: ({ name }) =>
        send({ method: "DELETE", path: `/_index_template/${encodeURIComponent(name)}` }),
      putIndexTemplate: ({ name, pattern, mappings, settings }) =>
        send({
          method: "PUT",
          path: `/_index_template/${encodeURIComponent(name)}`,
          body: {
            index_patterns: [pattern],
            priority: 500,
            template: { ...(mappings && { mappings }), ...(settings && { settings }) },
          },
        }),
      putLegacyTemplate: ({ name, pattern, mappings, settings }) =>
        send({
          method: "PUT",
          path: `/_template/${encodeURIComponent(name)}`,
          body: { index_patterns: [pattern], ...(mappings && { mappings }), ...(settings && { settings }) },
        }),
      deleteLegacyTemplate: ({ name }) =>
        send({ method: "DELETE", path: `/_template/${encodeURIComponent(name)}` }),
    },
    close: () => client.close(),
  };
}
