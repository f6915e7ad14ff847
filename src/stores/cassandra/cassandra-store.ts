// The Cassandra side of the engine's RecordStore boundary.
import type cassandra from "cassandra-driver";
import type { BadRecord, CurrentRecord } from "../../reconcile/record.js";
import type {
  PlannedWrite,
  RecordStore,
  ScanBatch,
  TimeRange,
  WriteOutcome,
} from "../../reconcile/record-store.js";
import { cassandraPrecision, type TablePlan } from "../../reconcile/table-plan.js";
import type { VersionPrecision } from "../../reconcile/version.js";
import { nowMicros } from "../../core/micros.js";
import { rethrowing, rethrowingEach } from "../../util/rethrow.js";
import { storeRetry, type RetryListener } from "../../util/retry.js";
import type { CassandraCapabilities } from "./capabilities.js";
import { cassandraFailure, hostStates } from "./cassandra-errors.js";
import { isTransientCassandraError } from "./transient-errors.js";
import { fetchCurrent } from "./fetch-current.js";
import { scanTable } from "./scan.js";
import { writeRecords } from "./write.js";

export interface CassandraStoreSettings {
  readonly client: cassandra.Client;
  /**
   * What the cluster can do (connect.ts's clusterCapabilities); a test may pass those of an older
   * release to take its paths on a newer server.
   */
  readonly capabilities: CassandraCapabilities;
  readonly readConsistency: number;
  readonly writeConsistency: number;
  readonly writes: "timestamp" | "lwt";
  readonly splits: number;
  readonly concurrency: number;
  readonly batchSize: number;
  /** Write times this close to now use a lightweight transaction instead (see write.ts). */
  readonly marginMicros: bigint;
  readonly shard?: { index: number; total: number };
  /** How long a request that fails transiently is retried, from its first failure. */
  readonly retryWindowMs: number;
  readonly onRetry?: RetryListener;
  readonly signal?: AbortSignal;
  readonly now?: () => bigint;
}

export class CassandraStore implements RecordStore {
  readonly side = "cassandra";
  readonly #settings: CassandraStoreSettings;
  readonly #retry: <T>(operation: () => Promise<T>) => Promise<T>;
  readonly #hosts = (): string[] => hostStates(this.#settings.client);

  constructor(settings: CassandraStoreSettings) {
    this.#settings = settings;
    this.#retry = storeRetry("cassandra", isTransientCassandraError, {
      windowMs: settings.retryWindowMs,
      ...(settings.onRetry ? { onRetry: settings.onRetry } : {}),
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
  }

  versionPrecision(plan: TablePlan): VersionPrecision {
    return cassandraPrecision(plan);
  }

  scan(plan: TablePlan, range: TimeRange): AsyncIterable<ScanBatch> {
    const s = this.#settings;
    const scan = scanTable(
      {
        client: s.client,
        consistency: s.readConsistency,
        splits: s.splits,
        concurrency: s.concurrency,
        batchSize: s.batchSize,
        retry: this.#retry,
        ...(s.shard ? { shard: s.shard } : {}),
      },
      plan,
      range,
    );
    return rethrowingEach(scan, (error) => cassandraFailure(error, `read table ${name(plan)}`, this.#hosts));
  }

  /**
   * Cassandra's own estimate of the table's partitions, one record each. It knows nothing of time
   * ranges, so it stands for a read of the whole table only (a run from the epoch).
   */
  async estimate(plan: TablePlan, range: TimeRange): Promise<number | undefined> {
    if (range.begin > 0n) return undefined;
    const result = await this.#settings.client.execute(
      "SELECT partitions_count FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?",
      [plan.keyspace, plan.table],
      { prepare: true },
    );
    const partitions = result.rows.reduce((n, row) => n + Number(row.get("partitions_count") ?? 0), 0);
    return partitions > 0 ? Math.round(partitions / (this.#settings.shard?.total ?? 1)) : undefined;
  }

  fetchCurrent(plan: TablePlan, ids: readonly string[]): Promise<Map<string, CurrentRecord | BadRecord>> {
    const s = this.#settings;
    const settings = {
      client: s.client,
      consistency: s.readConsistency,
      concurrency: s.concurrency * 8,
      capabilities: s.capabilities,
      retry: this.#retry,
    };
    return rethrowing(
      () => fetchCurrent(settings, plan, ids),
      (error) => cassandraFailure(error, `read rows of table ${name(plan)}`, this.#hosts),
    );
  }

  write(plan: TablePlan, writes: readonly PlannedWrite[]): Promise<WriteOutcome[]> {
    const s = this.#settings;
    const settings = {
      client: s.client,
      consistency: s.writeConsistency,
      // Single-row writes are small: measured with the benchmark, 64 in flight per batch beat 32.
      concurrency: s.concurrency * 16,
      mode: s.writes,
      marginMicros: s.marginMicros,
      now: s.now ?? nowMicros,
      retry: this.#retry,
    };
    return rethrowing(
      () => writeRecords(settings, plan, writes),
      (error) => cassandraFailure(error, `write to table ${name(plan)}`, this.#hosts),
    );
  }
}

function name(plan: TablePlan): string {
  return `${plan.keyspace}.${plan.table}`;
}
