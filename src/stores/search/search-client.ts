// The search side as synced uses it, whatever answers there: Elasticsearch 8 or 9 through its own
// client (stores/elasticsearch/), or OpenSearch 2 or 3 through the OpenSearch client
// (stores/opensearch/). The record store, the schema, the state and lease documents and the dead
// letters are written once against this interface, in synced's own request and result types; an
// adapter turns each operation into its client's call, and its client's errors into SearchErrors
// (search-error.ts) whose kind the callers decide on.
//
// Queries, documents and bulk lines are typed as the REST API both products share writes them, so an
// adapter passes them on as they are: a scan page's hits and a bulk request's documents are never
// copied on their way through.
import { mappedFieldCount } from "./field-count.js";
import type { FieldMappings, IndexMapping, SearchProductName } from "./mapping.js";
import type { Query, SortField, SortValue } from "./query.js";
import { ownValue } from "../../core/own-value.js";
import type { ItemError } from "./refused-document.js";
import type { IndexTemplates, TemplateShape } from "./index-templates.js";

export type SearchProduct = "elasticsearch" | "opensearch";

/**
 * A consistent view of one index that slices page through: a point in time, or scroll contexts. Only
 * the client that opened a view can read it.
 */
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

/**
 * How the slices of a view split its documents. `by-view`: by where each document lies in this view,
 * the cheapest split, and enough when one process reads every slice of one view. `by-document`: by
 * each document's id, the same in every view whenever opened, as processes that each open their own
 * view and read every N-th slice (`--shard`) need; a split by position moves documents from one slice
 * to another as the index grows between the views, so some would be read twice and some never.
 */
export type SliceSplit = "by-view" | "by-document";

/** Where the previous page of a slice ended: opaque, and readable only by the client that answered it. */
export type ScanCursor = object;

export interface ScanPageRequest {
  readonly query: Query;
  readonly size: number;
  /** This slice of `max`; undefined reads the whole view as one. */
  readonly slice?: { readonly id: number; readonly max: number };
  /** Where the previous page of this slice ended; undefined for the first page. */
  readonly after?: ScanCursor;
  /**
   * Hits without their `_source`: only the `_id`, routing and tag of each. Where a view keeps the
   * settings of its first page (a scroll), the first page's choice holds for the whole slice.
   */
  readonly withoutSource?: boolean;
}

/** A document as a search, a get or an mget answers it: what synced reads of it. */
export interface StoredDocument {
  readonly _id?: string | undefined;
  readonly _source?: Readonly<Record<string, unknown>> | undefined;
  /** The document's version, with `_primary_term`: what a conditional write names. */
  readonly _seq_no?: number | undefined;
  readonly _primary_term?: number | undefined;
}

export interface SearchHit extends StoredDocument {
  /** The routing value the document was indexed with, where it was given one. */
  readonly _routing?: string | undefined;
  /** The hit's sort values, where the search was sorted: what `search_after` continues from. */
  readonly sort?: readonly SortValue[] | undefined;
}

export interface FetchedDocument extends StoredDocument {
  readonly _id: string;
  /** False, or absent, for an id that names no document. */
  readonly found?: boolean | undefined;
  /** Why the lookup of this document failed alone, as the server says (no `found` then). */
  readonly error?: { readonly type?: string | undefined } | undefined;
}

export interface ScanPage {
  readonly hits: readonly SearchHit[];
  /** Undefined when this slice is read to its end. */
  readonly next: ScanCursor | undefined;
}

export interface DocumentRef {
  readonly index: string;
  readonly id: string;
}

/**
 * A document that a routing value placed on its shard, instead of its id: it is found, and written,
 * only where that value points.
 */
export interface RoutedId {
  readonly id: string;
  readonly routing: string;
}

export interface GetDocumentsRequest {
  readonly index: string;
  /** Each document by its id, or by its id and its routing value. */
  readonly ids: readonly (string | RoutedId)[];
}

/** The version a conditional write expects the document to hold, as a read of it answered. */
export interface DocumentVersion {
  readonly seqNo: number;
  readonly primaryTerm: number;
}

export interface PutDocumentRequest extends DocumentRef {
  readonly document: Readonly<Record<string, unknown>>;
  /**
   * Written only where the document is absent, or still holds this version; otherwise the write fails
   * as a conflict. Without one the document is written whatever it holds.
   */
  readonly condition?: "absent" | DocumentVersion;
  /** Searchable as soon as this answers. */
  readonly refresh?: boolean;
}

export interface DeleteDocumentRequest extends DocumentRef {
  /** Deleted only while it holds this version; otherwise the delete fails as a conflict. */
  readonly condition?: DocumentVersion;
  readonly refresh?: boolean;
}

/** What one bulk action names. */
export interface BulkTarget {
  readonly _index: string;
  readonly _id: string;
  /** The value that picks the document's shard; absent: its id picks it. */
  readonly routing?: string;
}

/**
 * One action of a bulk request, as both products take it: `create` fails as a conflict on a document
 * that exists; `index` writes it, on the conditions given; `delete` removes it.
 */
export type BulkAction =
  | { readonly create: BulkTarget & { readonly pipeline?: string } }
  | {
      readonly index: BulkTarget & {
        /** The ingest pipeline the document goes through. */
        readonly pipeline?: string;
        readonly if_seq_no?: number;
        readonly if_primary_term?: number;
        readonly version?: number;
        readonly version_type?: "external_gte";
      };
    }
  | { readonly delete: BulkTarget };

/** A bulk request's lines: each action, then for `create` and `index` its document, as JSON text or an object. */
export type BulkLine = BulkAction | string | Readonly<Record<string, unknown>>;

export interface BulkRequest {
  /** The lines, or the whole body as NDJSON text (every line ending in a newline), sent as it is. */
  readonly lines: readonly BulkLine[] | string;
  readonly refresh?: boolean;
}

export interface BulkItemResult {
  readonly _id?: string | null | undefined;
  readonly status: number;
  readonly _seq_no?: number | undefined;
  readonly _primary_term?: number | undefined;
  readonly error?: ItemError | undefined;
}

/** What one action of a bulk request did, under the action's name. */
export type BulkItem = Readonly<Partial<Record<"create" | "index" | "delete", BulkItemResult>>>;

export interface BulkResult {
  readonly errors: boolean;
  /** One per action, in the order of the request. */
  readonly items: readonly BulkItem[];
}

/**
 * An index whose `_source` does not keep each document whole, as its mapping says: synced reads
 * documents back from `_source`, to compare them and to copy them to Cassandra.
 */
export interface SourceGap {
  readonly index: string;
  /** `"enabled": false`: nothing of a document can be read back. */
  readonly disabled: boolean;
  /** The `includes` patterns: only fields they match are kept (empty: no such limit). */
  readonly includes: readonly string[];
  /** The `excludes` patterns: fields they match are left out. */
  readonly excludes: readonly string[];
}

interface SourceMapping {
  readonly enabled?: unknown;
  readonly includes?: unknown;
  readonly excludes?: unknown;
}

/** What of an index's mapping decides whether synced can hold a table there (MappingTraits). */
type TraitsAnswer = Readonly<
  Record<
    string,
    {
      readonly mappings?: {
        readonly _source?: SourceMapping;
        readonly _routing?: { readonly required?: unknown };
      };
    }
  >
>;

/**
 * The indices whose mapping keeps documents synced could not read back or write as it does: their
 * `_source` is not whole, or they refuse a document without a routing value.
 */
export interface MappingTraits {
  readonly sourceGaps: readonly SourceGap[];
  /** Indices whose mapping has `"_routing": {"required": true}`, in name order. */
  readonly routingRequired: readonly string[];
}

function patterns(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** `GET <pattern>/_mapping`'s answer filtered to `_source`: the indices that do not keep it whole. */
export function sourceGaps(answer: TraitsAnswer): SourceGap[] {
  return Object.entries(answer)
    .map(([index, { mappings }]) => ({
      index,
      disabled: mappings?._source?.enabled === false,
      includes: patterns(mappings?._source?.includes),
      excludes: patterns(mappings?._source?.excludes),
    }))
    .filter((gap) => gap.disabled || gap.includes.length > 0 || gap.excludes.length > 0)
    .sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
}

/** `GET <pattern>/_mapping`'s answer filtered to `_source` and `_routing`. */
export function mappingTraits(answer: TraitsAnswer): MappingTraits {
  const routingRequired = Object.entries(answer)
    .filter(([, { mappings }]) => mappings?._routing?.required === true)
    .map(([index]) => index)
    .sort();
  return { sourceGaps: sourceGaps(answer), routingRequired };
}

/** `GET <index>/_mapping`'s answer: the fields each index counts against its limit. */
export function fieldCountsOf(
  answer: Readonly<Record<string, { readonly mappings?: unknown }>>,
): Record<string, number | undefined> {
  return Object.fromEntries(
    Object.entries(answer).map(([index, { mappings }]) => [index, mappedFieldCount(mappings)]),
  );
}

/** The `filter_path` of a mapping request whose answer mappingTraits reads. */
export const MAPPING_TRAITS_PATH = "*.mappings._source,*.mappings._routing";

/** `GET _alias/<pattern>`'s answer, by index, turned around: the indices each alias names. */
export function indicesByAlias(
  answer: Readonly<Record<string, { readonly aliases?: Readonly<Record<string, unknown>> }>>,
): Record<string, string[]> {
  const byAlias: Record<string, string[]> = {};
  for (const [index, { aliases }] of Object.entries(answer)) {
    for (const alias of Object.keys(aliases ?? {})) (byAlias[alias] ??= []).push(index);
  }
  for (const indices of Object.values(byAlias)) indices.sort();
  return byAlias;
}

/** `GET _resolve/index/<names>`'s answer: the indices it lists as closed. */
export function closedOf(answer: {
  readonly indices?: readonly { readonly name: string; readonly attributes?: readonly string[] }[];
}): string[] {
  return (answer.indices ?? []).filter((i) => i.attributes?.includes("closed") === true).map((i) => i.name);
}

/**
 * The `filter_path` of a bulk request: the fields of BulkResult and nothing else, so that the rest of
 * each item (its index, version, result and shard counts) is neither sent nor parsed: the answer to
 * a thousand `create` actions is half the text.
 */
export const BULK_RESULT_FIELDS = [
  "errors",
  ...["_id", "status", "_seq_no", "_primary_term", "error"].map((field) => `items.*.${field}`),
].join(",");

/** Buckets of a field's values: the most frequent `size`, or pages of all of them in order (composite). */
export type Aggregation =
  | { readonly terms: { readonly field: string; readonly size: number } }
  | {
      readonly composite: {
        readonly size: number;
        readonly sources: readonly Readonly<Record<string, { readonly terms: { readonly field: string } }>>[];
        readonly after?: Readonly<Record<string, SortValue>>;
      };
    };

export interface SearchRequest {
  readonly index: string;
  readonly query?: Query;
  readonly sort?: readonly SortField[];
  readonly from?: number;
  readonly size: number;
  /** The sort values of the previous page's last hit. */
  readonly search_after?: readonly SortValue[];
  /** False to answer the hits' ids without their documents. */
  readonly _source?: boolean;
  readonly aggs?: Readonly<Record<string, Aggregation>>;
}

export interface SearchResult {
  readonly hits: readonly SearchHit[];
  /** Each aggregation's answer, under its name, as the cluster gave it. */
  readonly aggregations?: Readonly<Record<string, unknown>> | undefined;
}

export interface CreateIndexRequest {
  readonly index: string;
  readonly mappings: IndexMapping;
  /** The cluster's defaults where absent. */
  readonly shards?: number;
  readonly replicas?: number;
  /** Further names of the index. */
  readonly aliases?: readonly string[];
}

export interface MappingsRequest {
  /** An index, an alias, or a pattern such as `app-*`. */
  readonly index: string;
  /** A pattern: open indices only, and none matching is no error. */
  readonly pattern?: boolean;
}

export interface SearchClient {
  readonly product: SearchProduct;
  /** The product's name for messages: "Elasticsearch" or "OpenSearch". */
  readonly productName: SearchProductName;

  /**
   * The same client over the same connections, whose requests end at once when `signal` aborts, as
   * a stop by SIGTERM does: a run's reads and writes of records, which a store that stopped answering
   * would otherwise hold until the request timeout. The state, lease and dead-letter requests go
   * through the client itself, so a stopped run still releases its lease.
   */
  stoppedBy(signal: AbortSignal): SearchClient;

  /** Opens a consistent view of an index, kept alive `keepAlive` (such as "5m") between pages. */
  openView(index: string, keepAlive: string, split: SliceSplit): Promise<ScanView>;
  /** One page of one slice of the view. Fails with a SearchError of kind view-lost when the view is gone. */
  readPage(view: ScanView, request: ScanPageRequest): Promise<ScanPage>;
  /** Frees what the view holds on the cluster; never fails. */
  closeView(view: ScanView): Promise<void>;

  /** The document as it is now (a realtime read); fails as not-found when there is none. */
  getDocument(ref: DocumentRef): Promise<FetchedDocument>;
  /** Each id's document as it is now (realtime), in the order asked; `found` is false for a missing one. */
  getDocuments(request: GetDocumentsRequest): Promise<readonly FetchedDocument[]>;
  putDocument(request: PutDocumentRequest): Promise<void>;
  /** Fails as not-found when there is no such document. */
  deleteDocument(request: DeleteDocumentRequest): Promise<void>;
  /** Each action answers for itself in the result; the request fails only when the whole was refused. */
  bulk(request: BulkRequest): Promise<BulkResult>;

  search(request: SearchRequest): Promise<SearchResult>;
  count(request: { readonly index: string; readonly query?: Query }): Promise<number>;

  indexExists(index: string): Promise<boolean>;
  createIndex(request: CreateIndexRequest): Promise<void>;
  /** Deletes the index (one synced made in this run and found unusable before writing to it). */
  deleteIndex(index: string): Promise<void>;
  /**
   * Sets each of the index's block `settings` back to its default, as a read-only index is deleted
   * only then (one synced made in this run that an index template gave a block).
   */
  liftBlocks(index: string, settings: readonly string[]): Promise<void>;
  /** Every index template of the cluster, composable and legacy (with `manage_index_templates`). */
  indexTemplates(): Promise<IndexTemplates>;
  /**
   * What the index templates would give a new index named `index` (with `manage_index_templates`):
   * what a dry run, which creates no index, checks in place of the index a run would create.
   */
  templateShape(index: string): Promise<TemplateShape>;
  /** Whether an ingest pipeline of this id exists (with `read_pipeline`). */
  pipelineExists(id: string): Promise<boolean>;
  /** The field mappings of each index the request names, by index name. */
  readMappings(request: MappingsRequest): Promise<Readonly<Record<string, FieldMappings>>>;
  /**
   * Every alias whose name matches the wildcard `pattern`, with the open indices it names, in name
   * order. None matching is an empty answer.
   */
  readAliases(pattern: string): Promise<Readonly<Record<string, readonly string[]>>>;
  /**
   * The closed indices among those `names` (names and wildcards, comma-separated) name by their own
   * names. An alias a wildcard matches adds none: it would name its indices whatever their state.
   */
  closedIndices(names: string): Promise<readonly string[]>;
  /**
   * The values of the index settings `names` (such as `index.uuid`, which a name deleted and made
   * again changes) of each index `index` names (names, wildcards or an alias, comma-separated), by
   * index and setting, those set only: one request for them all. Fails as index-missing where it
   * names none.
   */
  readSettings(index: string, names: readonly string[]): Promise<IndexSettings>;
  /**
   * The open indices `pattern` names (a name or a wildcard pattern) whose mapping does not keep
   * `_source` whole (disabled, or with fields left out), and those that require a routing value.
   */
  mappingTraits(pattern: string): Promise<MappingTraits>;
  /**
   * How many fields each of the indices `index` names maps, as index.mapping.total_fields.limit counts
   * them (field-count.ts); undefined for one whose count cannot be told from its mapping.
   */
  fieldCounts(index: string): Promise<Readonly<Record<string, number | undefined>>>;
  /** Maps fields an index does not have yet; a field already mapped keeps its mapping or is refused. */
  addFields(request: { readonly index: string; readonly properties: FieldMappings }): Promise<void>;

  /**
   * What the index's primary shards hold on disk, in bytes, and their documents (nested ones
   * counted too), from its statistics; absent: the client cannot tell. The node may answer a size
   * up to index.store.stats_refresh_interval (10 s) old.
   */
  storeSize?(index: string): Promise<{ readonly bytes: number; readonly documents: number }>;

  /** The smallest http.max_content_length of the nodes, when they report one. */
  maxContentLength(): Promise<number | undefined>;

  close(): Promise<void>;
}

/** Index settings by index, then by setting name (`index.uuid`), as readSettings answers them. */
export type IndexSettings = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** `GET <index>/_settings/index.uuid,index.refresh_interval?flat_settings`'s answer: each index's values. */
export function settingsOf(
  answer: Readonly<Record<string, { readonly settings?: Readonly<Record<string, unknown>> }>>,
  names: readonly string[],
): IndexSettings {
  const found: Record<string, Record<string, string>> = {};
  for (const [index, { settings }] of Object.entries(answer)) {
    const values: Record<string, string> = {};
    for (const name of names) {
      const value = settings === undefined ? undefined : ownValue(settings, name);
      if (typeof value === "string") values[name] = value;
    }
    found[index] = values;
  }
  return found;
}
