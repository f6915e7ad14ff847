// The search side of the engine's RecordStore boundary, Elasticsearch or OpenSearch: whichever
// SearchClient it is given.
import type { SearchClient } from "./search-client.js";
import type { BadRecord, CurrentRecord } from "../../core/record.js";
import type {
  PlannedWrite,
  RecordStore,
  ScanBatch,
  SettledView,
  TimeRange,
  WriteOutcome,
} from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import type { TableSize } from "../../reconcile/batch-budget.js";
import type { VersionPrecision } from "../../core/version.js";
import { rethrowing, rethrowingEach } from "../../util/rethrow.js";
import { bulkWrite, writeRefusal, type EsWriteSettings } from "./bulk-write.js";
import { BulkBodyLimit, type BodyLimitListener } from "./body-limit.js";
import { searchFailure } from "./search-failure.js";
import { countDocuments, fetchDocuments } from "./fetch-current.js";
import { rangeQuery } from "./range-query.js";
import { scanIndex, type ScanRestartCause } from "./scan.js";
import { isTransientSearchError } from "./transient-errors.js";
import { storeRetry, type RetryListener } from "../../util/retry.js";
import { isUuidKey } from "../../core/table-key.js";
import { plannedBatch } from "../../core/batch-bytes.js";

export interface SearchStoreSettings {
  readonly client: SearchClient;
  readonly versioning: "optimistic" | "external";
  readonly slices: number;
  /** Bulk requests in flight when a batch of writes spans several. */
  readonly concurrency: number;
  readonly batchSize: number;
  readonly maxBulkBytes: number;
  readonly maxDocumentBytes: number;
  readonly shard?: { index: number; total: number };
  /** How long a request that fails transiently is retried, from its first failure. */
  readonly retryWindowMs: number;
  readonly onRetry?: RetryListener;
  /** Told when a read starts over in a new view: its point in time was lost, or a page's answer. */
  readonly onScanRestart?: (index: string, cause: ScanRestartCause) => void;
  /** Told once, at the first bulk request refused as too large (413), with its size in bytes. */
  readonly onBodyLimit?: BodyLimitListener;
  readonly signal?: AbortSignal;
}

/**
 * How many times a document's bytes on disk it takes as read: the stored source is compressed, and a
 * page's JSON is parsed into strings and objects (measured in BENCHMARKS.md).
 */
export const STORED_TO_READ = 3;

export class SearchStore implements RecordStore {
  readonly side = "elasticsearch";
  readonly #settings: SearchStoreSettings;

  get name(): string {
    return this.#settings.client.productName;
  }
  readonly #retry: <T>(operation: () => Promise<T>) => Promise<T>;
  readonly #bodyLimit: BulkBodyLimit;

  constructor(settings: SearchStoreSettings) {
    this.#settings = settings;
    this.#bodyLimit = new BulkBodyLimit(settings.onBodyLimit);
    // Every request sent through it is safe to repeat: reads, and conditional writes whose repetition
    // answers 409 once the first one landed, which the engine reads and decides again. The next page
    // of a scroll is not, and the scan does not send it through this (scan.ts).
    this.#retry = storeRetry(this, isTransientSearchError, {
      windowMs: settings.retryWindowMs,
      ...(settings.onRetry ? { onRetry: settings.onRetry } : {}),
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
  }

  versionPrecision(plan: TablePlan): VersionPrecision {
    return plan.es.timestampPrecision;
  }

  scan(plan: TablePlan, range: TimeRange, settled?: SettledView): AsyncIterable<ScanBatch> {
    return rethrowingEach(this.#scan(plan, range, settled), (error) =>
      searchFailure(error, `read index ${plan.es.index}`, this.#settings.client.productName),
    );
  }

  async *#scan(
    plan: TablePlan,
    range: TimeRange,
    settled: SettledView | undefined,
  ): AsyncGenerator<ScanBatch> {
    const s = this.#settings;
    const light = settled !== undefined && (await this.#readsLight(plan, range, settled));
    yield* scanIndex(
      {
        client: s.client,
        slices: s.slices,
        batchSize: plannedBatch(plan.batchSize, s.batchSize),
        keepAlive: "5m",
        retry: this.#retry,
        ...(s.onScanRestart ? { onRestart: s.onScanRestart } : {}),
        ...(s.shard ? { shard: s.shard } : {}),
      },
      plan,
      range,
      light ? settled : undefined,
    );
  }

  /**
   * Whether the second direction of a run reads the range without sources, and fetches whole only the
   * documents its first direction did not settle. That pays where nearly all were settled, as in a
   * rerun: a page without sources costs the cluster about half a whole one, and synced far less, but
   * a fetch by id costs more than reading the document in a page. Only a table keyed by one uuid has
   * settled records, named by `_id` alone. Without a count, the range is read whole.
   */
  async #readsLight(plan: TablePlan, range: TimeRange, settled: SettledView): Promise<boolean> {
    if (settled.size === 0 || !isUuidKey(plan.key)) return false;
    const documents = await this.estimate(plan, range).catch(() => undefined);
    return documents !== undefined && settled.size * 4 >= documents * 3;
  }

  /** The documents of the range, counted by the cluster (this shard's part of them, roughly). */
  async estimate(plan: TablePlan, range: TimeRange): Promise<number | undefined> {
    const count = await this.#settings.client.count({ index: plan.es.index, query: rangeQuery(plan, range) });
    return Math.round(count / (this.#settings.shard?.total ?? 1));
  }

  /**
   * The mean size of the index's documents, from what its primaries hold on disk: compressed there,
   * so counted STORED_TO_READ times over. In the type-field layout every type shares the figure.
   */
  async tableSize(plan: TablePlan): Promise<TableSize | undefined> {
    const size = await this.#settings.client.storeSize?.(plan.es.index);
    if (size === undefined || size.documents <= 0 || size.bytes <= 0) return undefined;
    return { rowBytes: (size.bytes / size.documents) * STORED_TO_READ, rows: size.documents };
  }

  documentsHeld(plan: TablePlan, documentIds: readonly string[]): Promise<ReadonlySet<string>> {
    return rethrowing(
      () =>
        this.#retry(async () => {
          const docs = await this.#settings.client.getDocuments({ index: plan.es.index, ids: documentIds });
          // One that failed alone is not known gone: it counts as held.
          return new Set(
            docs.filter((doc) => doc.found === true || doc.error !== undefined).map((doc) => doc._id),
          );
        }),
      (error) =>
        searchFailure(error, `read documents of index ${plan.es.index}`, this.#settings.client.productName),
    );
  }

  fetchCurrent(plan: TablePlan, ids: readonly string[]): Promise<Map<string, CurrentRecord | BadRecord>> {
    return rethrowing(
      () => this.#retry(() => fetchDocuments(this.#settings.client, plan, ids)),
      (error) =>
        searchFailure(error, `read documents of index ${plan.es.index}`, this.#settings.client.productName),
    );
  }

  /**
   * An index without a document of this type: writes of absent records go out as `create`, which
   * fails with 409 on a document that appeared meanwhile. External versioning writes with `index`
   * instead, so there the engine always reads first.
   */
  emptyForCreates(plan: TablePlan): Promise<boolean> {
    if (this.#settings.versioning === "external") return Promise.resolve(false);
    return rethrowing(
      () => this.#retry(() => countDocuments(this.#settings.client, plan)).then((count) => count === 0),
      (error) =>
        searchFailure(
          error,
          `count the documents of index ${plan.es.index}`,
          this.#settings.client.productName,
        ),
    );
  }

  write(plan: TablePlan, writes: readonly PlannedWrite[]): Promise<WriteOutcome[]> {
    const settings = this.#writeSettings(plan);
    return rethrowing(
      () => bulkWrite(settings, plan, writes),
      (error) => searchFailure(error, `write to index ${plan.es.index}`, this.#settings.client.productName),
    );
  }

  refusal(plan: TablePlan, write: PlannedWrite): string | undefined {
    return writeRefusal(this.#writeSettings(plan), plan, write);
  }

  #writeSettings(plan: TablePlan): EsWriteSettings {
    const s = this.#settings;
    return {
      client: s.client,
      versioning: s.versioning,
      concurrency: s.concurrency,
      maxBulkBytes: s.maxBulkBytes,
      maxBulkOperations: plannedBatch(plan.batchSize, s.batchSize),
      maxDocumentBytes: s.maxDocumentBytes,
      retry: this.#retry,
      retryWindowMs: s.retryWindowMs,
      bodyLimit: this.#bodyLimit,
      ...(s.signal ? { signal: s.signal } : {}),
    };
  }
}
