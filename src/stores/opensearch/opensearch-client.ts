// SearchClient over the OpenSearch client: each operation is sent as its REST call (rest-calls.ts) by
// the client's transport, and its errors leave as SearchErrors (opensearch-errors.ts). Mappings name
// the map type as OpenSearch does on the way out and back (mappings.ts); scans page through sliced
// scroll contexts (scan-views.ts).
import type { Client } from "@opensearch-project/opensearch";
import type { FieldMappings } from "../search/mapping.js";
import type { Query } from "../search/query.js";
import { smallest } from "../search/request-size.js";
import type {
  BulkRequest,
  BulkResult,
  CreateIndexRequest,
  DeleteDocumentRequest,
  DocumentRef,
  FetchedDocument,
  GetDocumentsRequest,
  IndexSettings,
  MappingsRequest,
  PutDocumentRequest,
  ScanPage,
  ScanPageRequest,
  ScanView,
  SearchClient,
  SearchRequest,
  SearchResult,
  MappingTraits,
} from "../search/search-client.js";
import {
  closedOf,
  fieldCountsOf,
  indicesByAlias,
  mappingTraits,
  settingsOf,
} from "../search/search-client.js";
import { fromOpenSearch } from "./mappings.js";
import { fromOpenSearchError } from "./opensearch-errors.js";
import { textAnswerFailure } from "../search/search-error.js";
import { restCalls, type RestCall } from "./rest-calls.js";
import { scrollViews, type ViewStrategy } from "./scan-views.js";
import { viewCloseSignal } from "../search/view-close.js";
import { closedWithin } from "../search/client-close.js";
import {
  composableTemplates,
  legacyTemplates,
  pipelineFound,
  templateShape,
  type IndexTemplates,
  type TemplateShape,
} from "../search/index-templates.js";

interface NodesInfo {
  readonly nodes: Readonly<
    Record<string, { readonly http?: { readonly max_content_length_in_bytes?: number } }>
  >;
}

export class OpenSearchClient implements SearchClient {
  readonly product = "opensearch";
  readonly productName = "OpenSearch";
  readonly #client: Client;
  readonly #views: ViewStrategy;
  /** What ends each request at once, for the client stoppedBy made. */
  readonly #signal: AbortSignal | undefined;

  constructor(client: Client, signal?: AbortSignal) {
    this.#client = client;
    this.#signal = signal;
    this.#views = scrollViews((call) => this.#send(call));
  }

  stoppedBy(signal: AbortSignal): SearchClient {
    return new OpenSearchClient(this.#client, signal);
  }

  /** The client underneath, for what only tests do (arranging data as other applications). */
  get raw(): Client {
    return this.#client;
  }

  /** Sends one REST call; the response body, or the error as a SearchError. */
  async #send<T>(call: RestCall): Promise<T> {
    const request = this.#client.transport.request({
      method: call.method,
      path: call.path,
      ...(call.querystring ? { querystring: call.querystring } : {}),
      ...(call.body ? { body: call.body as Record<string, unknown> } : {}),
      // The transport only reads the lines; synced's stay as they are.
      ...(call.bulkBody ? { bulkBody: call.bulkBody as Record<string, unknown>[] } : {}),
    });
    // This client takes no signal: its request is aborted by hand.
    const abort = (): void => {
      request.abort();
    };
    const signal = this.#signal;
    if (signal?.aborted === true) abort();
    else signal?.addEventListener("abort", abort, { once: true });
    try {
      const response = await request;
      // Every call synced makes is answered in JSON (a HEAD with a boolean); text is someone else's.
      if (typeof response.body === "string") {
        throw textAnswerFailure(response.statusCode ?? 0, response.body, undefined);
      }
      return response.body as T;
    } catch (error) {
      // Given up by the signal: the stop it is (an InterruptedError), not a store's failure.
      if (signal?.aborted === true && signal.reason instanceof Error) throw signal.reason;
      throw fromOpenSearchError(error);
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  // Every split is by document: a scroll slices the index by a hash of each document's _id.
  openView(index: string, keepAlive: string): Promise<ScanView> {
    return this.#views.open(index, keepAlive);
  }

  readPage(view: ScanView, request: ScanPageRequest): Promise<ScanPage> {
    return this.#views.read(view, request);
  }

  closeView(view: ScanView): Promise<void> {
    const closing = new OpenSearchClient(this.#client, viewCloseSignal());
    return closing.#views.close(view).catch(() => undefined);
  }

  getDocument(ref: DocumentRef): Promise<FetchedDocument> {
    return this.#send(restCalls.getDocument(ref));
  }

  async getDocuments(request: GetDocumentsRequest): Promise<readonly FetchedDocument[]> {
    const response = await this.#send<{ docs: readonly FetchedDocument[] }>(restCalls.getDocuments(request));
    return response.docs;
  }

  async putDocument(request: PutDocumentRequest): Promise<void> {
    await this.#send(restCalls.putDocument(request));
  }

  async deleteDocument(request: DeleteDocumentRequest): Promise<void> {
    await this.#send(restCalls.deleteDocument(request));
  }

  bulk(request: BulkRequest): Promise<BulkResult> {
    return this.#send(restCalls.bulk(request));
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const response = await this.#send<{
      hits: { hits: SearchResult["hits"] };
      aggregations?: SearchResult["aggregations"];
    }>(restCalls.search(request));
    return { hits: response.hits.hits, aggregations: response.aggregations };
  }

  async count(request: { index: string; query?: Query }): Promise<number> {
    return (await this.#send<{ count: number }>(restCalls.count(request))).count;
  }

  /** The transport answers a HEAD request with true, or false on a 404, instead of an error. */
  indexExists(index: string): Promise<boolean> {
    return this.#send<boolean>(restCalls.indexExists(index));
  }

  async createIndex(request: CreateIndexRequest): Promise<void> {
    await this.#send(restCalls.createIndex(request));
  }

  async deleteIndex(index: string): Promise<void> {
    await this.#send(restCalls.deleteIndex(index));
  }

  async liftBlocks(index: string, settings: readonly string[]): Promise<void> {
    await this.#send(restCalls.liftBlocks(index, settings));
  }

  async indexTemplates(): Promise<IndexTemplates> {
    const [composable, legacy] = await Promise.all([
      this.#send<unknown>(restCalls.composableTemplates()),
      this.#send<unknown>(restCalls.legacyTemplates()),
    ]);
    return { composable: composableTemplates(composable), legacy: legacyTemplates(legacy) };
  }

  async templateShape(index: string): Promise<TemplateShape> {
    const [simulated, legacy] = await Promise.all([
      this.#send<unknown>(restCalls.simulateIndex(index)),
      this.#send<unknown>(restCalls.legacyTemplates()),
    ]);
    return templateShape(index, simulated, legacy);
  }

  async pipelineExists(id: string): Promise<boolean> {
    return pipelineFound(this.#send<unknown>(restCalls.pipeline(id)));
  }

  async readMappings(request: MappingsRequest): Promise<Readonly<Record<string, FieldMappings>>> {
    const response = await this.#send<Record<string, { mappings: { properties?: FieldMappings } }>>(
      restCalls.readMappings(request),
    );
    return Object.fromEntries(
      Object.entries(response).map(([index, { mappings }]) => [
        index,
        fromOpenSearch(mappings.properties ?? {}),
      ]),
    );
  }

  async readAliases(pattern: string): Promise<Readonly<Record<string, readonly string[]>>> {
    return indicesByAlias(
      await this.#send<Record<string, { aliases?: Record<string, unknown> }>>(restCalls.readAliases(pattern)),
    );
  }

  async closedIndices(names: string): Promise<readonly string[]> {
    return closedOf(await this.#send<Parameters<typeof closedOf>[0]>(restCalls.closedIndices(names)));
  }

  async readSettings(index: string, names: readonly string[]): Promise<IndexSettings> {
    return settingsOf(
      await this.#send<Parameters<typeof settingsOf>[0]>(restCalls.readSettings(index, names)),
      names,
    );
  }

  async fieldCounts(index: string): Promise<Readonly<Record<string, number | undefined>>> {
    return fieldCountsOf(
      await this.#send<Parameters<typeof fieldCountsOf>[0]>(restCalls.readMappings({ index })),
    );
  }

  async mappingTraits(pattern: string): Promise<MappingTraits> {
    return mappingTraits(
      await this.#send<Parameters<typeof mappingTraits>[0]>(restCalls.mappingTraits(pattern)),
    );
  }

  async addFields(request: { index: string; properties: FieldMappings }): Promise<void> {
    await this.#send(restCalls.addFields(request));
  }

  async storeSize(index: string): Promise<{ readonly bytes: number; readonly documents: number }> {
    const stats = await this.#send<StoreStats>(restCalls.storeStats(index));
    const primaries = stats._all?.primaries;
    return { bytes: primaries?.store?.size_in_bytes ?? 0, documents: primaries?.docs?.count ?? 0 };
  }

  async maxContentLength(): Promise<number | undefined> {
    const info = await this.#send<NodesInfo>(restCalls.nodesHttp());
    return smallest(Object.values(info.nodes).map((node) => node.http?.max_content_length_in_bytes));
  }

  close(): Promise<void> {
    return closedWithin(this.#client.close());
  }
}

/** The part of an index's statistics storeSize reads. */
interface StoreStats {
  readonly _all?: {
    readonly primaries?: {
      readonly store?: { readonly size_in_bytes?: number };
      readonly docs?: { readonly count?: number };
    };
  };
}
