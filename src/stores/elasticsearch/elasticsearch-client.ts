// SearchClient over the Elasticsearch client. Each operation is one call of the client, whose
// requests take synced's queries, documents and bulk lines as they are (the same JSON), and whose
// errors leave as SearchErrors (elasticsearch-errors.ts). A scan pages through a point in time in
// _shard_doc order, the cheapest order that is total within one, unless its slices must split the
// index by document (scroll-view.ts).
import type { Client, estypes } from "@elastic/elasticsearch";
import { conditionParameters } from "../search/conditions.js";
import type { FieldMappings } from "../search/mapping.js";
import type { Query } from "../search/query.js";
import { smallest } from "../search/request-size.js";
import { withSourceRuntimeFields } from "../search/runtime-fields.js";
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
  SliceSplit,
} from "../search/search-client.js";
import {
  BULK_RESULT_FIELDS,
  closedOf,
  indicesByAlias,
  MAPPING_TRAITS_PATH,
  fieldCountsOf,
  mappingTraits,
  settingsOf,
} from "../search/search-client.js";
import { fromElasticsearchError } from "./elasticsearch-errors.js";
import { viewCloseSignal } from "../search/view-close.js";
import { closedWithin } from "../search/client-close.js";
import { clearScrolls, readScrollPage, ScrollPosition, ScrollView } from "./scroll-view.js";
import {
  composableTemplates,
  legacyTemplates,
  pipelineFound,
  templateShape,
  type IndexTemplates,
  type TemplateShape,
} from "../search/index-templates.js";

class PointInTimeView implements ScanView {
  // A page is addressed by its search_after position in the point in time: asked again, it is the same.
  readonly repeatableContinuations = true;

  constructor(
    readonly index: string,
    readonly id: string,
    readonly keepAlive: string,
  ) {}
}

class PointInTimePosition {
  constructor(
    /** The point in time id the last response gave: it may change between pages. */
    readonly id: string,
    readonly sort: estypes.SortResults,
  ) {}
}

/** The view as this client opened it; another client's view is a bug in the caller. */
function ownView(view: ScanView): PointInTimeView | ScrollView {
  if (view instanceof PointInTimeView || view instanceof ScrollView) return view;
  throw new TypeError(`the view of ${view.index} was not opened by the Elasticsearch client`);
}

/** A position this client gave for a view of that kind. */
function position<P>(after: object | undefined, kind: new (...args: never[]) => P): P | undefined {
  if (after === undefined || after instanceof kind) return after;
  throw new TypeError("the position of a scan page was not given by the Elasticsearch client");
}

// synced's queries and mappings are the JSON the client's types describe, typed more narrowly.
const asQuery = (query: Query): estypes.QueryDslQueryContainer => query as estypes.QueryDslQueryContainer;
const asProperties = (properties: FieldMappings): Record<string, estypes.MappingProperty> =>
  properties as Record<string, estypes.MappingProperty>;

export class ElasticsearchClient implements SearchClient {
  readonly product = "elasticsearch";
  readonly productName = "Elasticsearch";
  readonly #client: Client;
  /** Each request's options: the signal that ends it, for the client stoppedBy made. */
  readonly #options: { readonly signal?: AbortSignal };

  constructor(client: Client, signal?: AbortSignal) {
    this.#client = client;
    this.#options = signal === undefined ? {} : { signal };
  }

  stoppedBy(signal: AbortSignal): SearchClient {
    return new ElasticsearchClient(this.#client, signal);
  }

  #edge<T>(request: Promise<T>): Promise<T> {
    return edge(request, this.#options.signal);
  }

  /** The client underneath, for what only tests do (API keys, arranging data as other applications). */
  get raw(): Client {
    return this.#client;
  }

  async openView(index: string, keepAlive: string, split: SliceSplit): Promise<ScanView> {
    // A scroll's contexts are opened by the first page of each slice.
    if (split === "by-document") return new ScrollView(index, keepAlive);
    const pit = await this.#edge(
      this.#client.openPointInTime({ index, keep_alive: keepAlive }, this.#options),
    );
    return new PointInTimeView(index, pit.id, keepAlive);
  }

  async readPage(view: ScanView, request: ScanPageRequest): Promise<ScanPage> {
    const own = ownView(view);
    if (own instanceof ScrollView) {
      const from = position(request.after, ScrollPosition);
      return this.#edge(
        readScrollPage(this.#client, own, request, from, asQuery(request.query), this.#options),
      );
    }
    const pit = own;
    const from = position(request.after, PointInTimePosition);
    const id = from?.id ?? pit.id;
    const response = await this.#edge(
      this.#client.search<Record<string, unknown>>(
        {
          pit: { id, keep_alive: pit.keepAlive },
          ...(request.slice ? { slice: { id: String(request.slice.id), max: request.slice.max } } : {}),
          size: request.size,
          sort: [{ _shard_doc: "asc" }],
          query: asQuery(request.query),
          track_total_hits: false,
          // Each record's tag, so a run in both directions can skip what its first direction settled.
          seq_no_primary_term: true,
          ...(request.withoutSource === true ? { _source: false } : {}),
          ...(from ? { search_after: from.sort } : {}),
        },
        this.#options,
      ),
    );
    const hits = response.hits.hits;
    const sort = hits.at(-1)?.sort;
    const done = hits.length < request.size || sort === undefined;
    return { hits, next: done ? undefined : new PointInTimePosition(response.pit_id ?? id, sort) };
  }

  async closeView(view: ScanView): Promise<void> {
    const own = ownView(view);
    const options = { signal: viewCloseSignal() };
    const closed =
      own instanceof ScrollView
        ? clearScrolls(this.#client, own, options)
        : this.#client.closePointInTime({ id: own.id }, options);
    await closed.catch(() => undefined);
  }

  async getDocument({ index, id }: DocumentRef): Promise<FetchedDocument> {
    return this.#edge(this.#client.get<Record<string, unknown>>({ index, id }, this.#options));
  }

  async getDocuments({ index, ids }: GetDocumentsRequest): Promise<readonly FetchedDocument[]> {
    // Ids alone go as they are; a routed document is named with its routing value, or mget would look
    // on the shard its id picks.
    const named = ids.every((id) => typeof id === "string")
      ? { ids: ids as string[] }
      : {
          docs: ids.map((id) => (typeof id === "string" ? { _id: id } : { _id: id.id, routing: id.routing })),
        };
    const response = await this.#edge(
      this.#client.mget<Record<string, unknown>>({ index, ...named }, this.#options),
    );
    // A document that failed alone answers its _id with an error and no `found`: it reads as absent.
    return response.docs;
  }

  async putDocument(request: PutDocumentRequest): Promise<void> {
    await this.#edge(
      this.#client.index(
        {
          index: request.index,
          id: request.id,
          document: request.document,
          ...conditionParameters(request.condition),
          ...(request.refresh === undefined ? {} : { refresh: request.refresh }),
        },
        this.#options,
      ),
    );
  }

  async deleteDocument(request: DeleteDocumentRequest): Promise<void> {
    await this.#edge(
      this.#client.delete(
        {
          index: request.index,
          id: request.id,
          ...conditionParameters(request.condition),
          ...(request.refresh === undefined ? {} : { refresh: request.refresh }),
        },
        this.#options,
      ),
    );
  }

  bulk(request: BulkRequest): Promise<BulkResult> {
    return this.#edge(
      this.#client.bulk(
        {
          // Documents already in JSON text are sent as they are; objects are serialized by the client.
          operations: request.lines as estypes.BulkRequest["operations"],
          filter_path: BULK_RESULT_FIELDS,
          ...(request.refresh === undefined ? {} : { refresh: request.refresh }),
        },
        this.#options,
      ),
    );
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const { query, sort, search_after, aggs, ...rest } = request;
    const response = await this.#edge(
      this.#client.search<Record<string, unknown>>(
        {
          ...rest,
          ...(query === undefined ? {} : { query: asQuery(query) }),
          ...(sort === undefined ? {} : { sort: sort as estypes.Sort }),
          ...(search_after === undefined ? {} : { search_after: [...search_after] }),
          ...(aggs === undefined
            ? {}
            : { aggs: aggs as Record<string, estypes.AggregationsAggregationContainer> }),
        },
        this.#options,
      ),
    );
    return { hits: response.hits.hits, aggregations: response.aggregations };
  }

  async count(request: { index: string; query?: Query }): Promise<number> {
    const query = request.query;
    const response = await this.#edge(
      this.#client.count(
        { index: request.index, ...(query === undefined ? {} : { query: asQuery(query) }) },
        this.#options,
      ),
    );
    return response.count;
  }

  indexExists(index: string): Promise<boolean> {
    return this.#edge(this.#client.indices.exists({ index }, this.#options));
  }

  async createIndex(request: CreateIndexRequest): Promise<void> {
    const { shards, replicas, aliases, mappings } = request;
    const settings = {
      ...(shards === undefined ? {} : { number_of_shards: shards }),
      ...(replicas === undefined ? {} : { number_of_replicas: replicas }),
    };
    await this.#edge(
      this.#client.indices.create(
        {
          index: request.index,
          mappings: { ...mappings, properties: asProperties(mappings.properties) },
          ...(shards === undefined && replicas === undefined ? {} : { settings }),
          ...(aliases === undefined
            ? {}
            : { aliases: Object.fromEntries(aliases.map((alias) => [alias, {}])) }),
        },
        this.#options,
      ),
    );
  }

  async deleteIndex(index: string): Promise<void> {
    await this.#edge(this.#client.indices.delete({ index }, this.#options));
  }

  async liftBlocks(index: string, settings: readonly string[]): Promise<void> {
    const lifted = Object.fromEntries(settings.map((name) => [name, null]));
    await this.#edge(this.#client.indices.putSettings({ index, settings: lifted }, this.#options));
  }

  async indexTemplates(): Promise<IndexTemplates> {
    const [composable, legacy] = await Promise.all([
      this.#edge(this.#client.indices.getIndexTemplate({}, this.#options)),
      this.#edge(this.#client.indices.getTemplate({}, this.#options)),
    ]);
    return { composable: composableTemplates(composable), legacy: legacyTemplates(legacy) };
  }

  async templateShape(index: string): Promise<TemplateShape> {
    const [simulated, legacy] = await Promise.all([
      this.#edge(this.#client.indices.simulateIndexTemplate({ name: index }, this.#options)),
      this.#edge(this.#client.indices.getTemplate({}, this.#options)),
    ]);
    return templateShape(index, simulated, legacy);
  }

  async pipelineExists(id: string): Promise<boolean> {
    return pipelineFound(this.#edge(this.#client.ingest.getPipeline({ id }, this.#options)));
  }

  async readMappings(request: MappingsRequest): Promise<Readonly<Record<string, FieldMappings>>> {
    const response = await this.#edge(
      this.#client.indices.getMapping(
        {
          index: request.index,
          ...(request.pattern === true ? { expand_wildcards: "open", allow_no_indices: true } : {}),
        },
        this.#options,
      ),
    );
    return Object.fromEntries(
      Object.entries(response).map(([index, { mappings }]) => [
        index,
        withSourceRuntimeFields(mappings.properties ?? {}, mappings.runtime),
      ]),
    );
  }

  async readAliases(pattern: string): Promise<Readonly<Record<string, readonly string[]>>> {
    return indicesByAlias(
      await this.#edge(
        this.#client.indices.getAlias({ name: pattern, expand_wildcards: "open" }, this.#options),
      ),
    );
  }

  async closedIndices(names: string): Promise<readonly string[]> {
    return closedOf(
      await this.#edge(
        this.#client.indices.resolveIndex({ name: names, expand_wildcards: "all" }, this.#options),
      ),
    );
  }

  async readSettings(index: string, names: readonly string[]): Promise<IndexSettings> {
    const request = { index, name: [...names], flat_settings: true };
    return settingsOf(await this.#edge(this.#client.indices.getSettings(request, this.#options)), names);
  }

  async mappingTraits(pattern: string): Promise<MappingTraits> {
    const request = {
      index: pattern,
      expand_wildcards: "open",
      allow_no_indices: true,
      filter_path: MAPPING_TRAITS_PATH,
    } as const;
    return mappingTraits(await this.#edge(this.#client.indices.getMapping(request, this.#options)));
  }

  async fieldCounts(index: string): Promise<Readonly<Record<string, number | undefined>>> {
    return fieldCountsOf(await this.#edge(this.#client.indices.getMapping({ index }, this.#options)));
  }

  async addFields(request: { index: string; properties: FieldMappings }): Promise<void> {
    await this.#edge(
      this.#client.indices.putMapping(
        { index: request.index, properties: asProperties(request.properties) },
        this.#options,
      ),
    );
  }

  async storeSize(index: string): Promise<{ readonly bytes: number; readonly documents: number }> {
    const stats = await this.#edge(
      this.#client.indices.stats({ index, metric: ["docs", "store"] }, this.#options),
    );
    const primaries = stats._all.primaries;
    // The documents' own size where the node gives it: the store's is cached for
    // index.store.stats_refresh_interval (10 s), and an index just written still reads as empty.
    const bytes = primaries?.docs?.total_size_in_bytes ?? primaries?.store?.size_in_bytes ?? 0;
    return { bytes, documents: primaries?.docs?.count ?? 0 };
  }

  async maxContentLength(): Promise<number | undefined> {
    const info = await this.#edge(this.#client.nodes.info({ metric: "http" }, this.#options));
    return smallest(Object.values(info.nodes).map((node) => node.http?.max_content_length_in_bytes));
  }

  close(): Promise<void> {
    return closedWithin(this.#client.close());
  }
}

/**
 * The request's answer, or its failure as a SearchError; a request given up by its signal fails with
 * the signal's reason, as the stop it is (an InterruptedError), not as a store's failure.
 */
async function edge<T>(request: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (signal?.aborted === true && signal.reason instanceof Error) throw signal.reason;
    throw fromElasticsearchError(error);
  }
}
