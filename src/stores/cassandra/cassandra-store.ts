// The Cassandra side of the engine's RecordStore boundary.
import type cassandra from "cassandra-driver";
import type { BadRecord, CurrentRecord } from "../../core/record.js";
import type {
  PlannedWrite,
  RecordStore,
  ScanBatch,
  TimeRange,
  WriteOutcome,
} from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import type { TableSize } from "../../reconcile/batch-budget.js";
import type { VersionPrecision } from "../../core/version.js";
import type { SyncedError } from "../../core/errors.js";
import { nowMicros } from "../../core/micros.js";
import { rethrowing, rethrowingEach } from "../../util/rethrow.js";
import { storeRetry, type RetryListener } from "../../util/retry.js";
import type { CassandraCapabilities } from "./capabilities.js";
import { cassandraFailure, hostStates } from "./cassandra-errors.js";
import { isTransientCassandraError } from "./transient-errors.js";
import {
  keyspaceReplicas,
  unmeetableConsistency,
  unmeetableError,
  unmeetableTransactionError,
  type KeyspaceReplicas,
  type Replication,
} from "./unmeetable-consistency.js";
import { fetchCurrent } from "./fetch-current.js";
import { cassandraPrecision } from "./row-codec.js";
import { scanTable } from "./scan.js";
import type { TokenRing } from "./token-splits.js";
import { secondsToLive } from "./row-expiry.js";
import { estimatePartitions, estimatePartitionSize } from "./size-estimates.js";
import { isUnpreparedOnly, tableChange, TableChangedError } from "./table-changes.js";
import { writeRecords, writeRefusal } from "./write.js";
import { plannedBatch } from "../../core/batch-bytes.js";

export interface CassandraStoreSettings {
  readonly client: cassandra.Client;
  /**
   * What the cluster can do (connect.ts's clusterCapabilities); a test may pass those of an older
   * release to take its paths on a newer server.
   */
  readonly capabilities: CassandraCapabilities;
  readonly readConsistency: number;
  readonly writeConsistency: number;
  /**
   * The keyspace's replication and the driver's local data centre, which LOCAL_* levels count
   * replicas in: with both, an unavailable answer that no retry can cure is refused at once.
   */
  readonly replication?: Replication;
  readonly localDc?: string;
  readonly writes: "timestamp" | "lwt";
  /** About how many bytes of rows one unlogged batch holds; 0 writes each row alone (write-batches.ts). */
  readonly batchBytes?: number;
  readonly splits: number;
  /** The cluster's token ring (token-splits.ts readTokenRing); Murmur3's when not given. */
  readonly ring?: TokenRing;
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
  readonly name = "Cassandra";
  readonly #settings: CassandraStoreSettings;
  readonly #hosts = (): string[] => hostStates(this.#settings.client);
  /** Tables found altered under the run (table-changes.ts), by keyspace and name: what changed. */
  readonly #changed = new Map<string, string>();
  /** The look at a table's schema in flight, one at a time per table. */
  readonly #looking = new Set<string>();

  constructor(settings: CassandraStoreSettings) {
    this.#settings = settings;
  }

  /** Transient errors retried, but not an unavailable answer that no retry can cure. */
  #retry(plan: TablePlan): <T>(operation: () => Promise<T>) => Promise<T> {
    const s = this.#settings;
    const transient = (error: unknown): boolean => {
      // Retried only until a look at the table finds it altered: then no retry can cure it.
      if (isUnpreparedOnly(error)) return !this.#altered(plan);
      return isTransientCassandraError(error) && this.#unmeetable(error, plan) === undefined;
    };
    return storeRetry(this, transient, {
      windowMs: s.retryWindowMs,
      ...(s.onRetry ? { onRetry: s.onRetry } : {}),
      ...(s.signal ? { signal: s.signal } : {}),
    });
  }

  /**
   * Whether the table is known to have been altered under the run; if not known yet, looks at its
   * schema (a statement that cannot be prepared again may also be a node that went away meanwhile).
   */
  #altered(plan: TablePlan): boolean {
    const key = `${plan.keyspace}.${plan.table}`;
    if (this.#changed.has(key)) return true;
    if (!this.#looking.has(key)) {
      this.#looking.add(key);
      tableChange(this.#settings.client, plan)
        .then((change) => {
          if (change !== undefined) this.#changed.set(key, change);
        })
        // A look that fails says nothing: the retries go on, and the next unprepared answer looks again.
        .catch(() => undefined)
        .finally(() => this.#looking.delete(key));
    }
    return false;
  }

  /**
   * Any level is judged, the Paxos round of a lightweight transaction too (Cassandra names its level
   * QUORUM): no retry meets a level the keyspace's replicas cannot.
   */
  #unmeetable(error: unknown, plan: TablePlan) {
    const replicas = this.#replicas(plan);
    const found = unmeetableConsistency(error, replicas);
    return found !== undefined && replicas !== undefined ? { found, replicas } : undefined;
  }

  #replicas(plan: TablePlan): KeyspaceReplicas | undefined {
    const { client, replication, localDc } = this.#settings;
    if (replication?.keyspace !== plan.keyspace || localDc === undefined) return undefined;
    // Every node the driver knows, down ones included: a node that comes back adds no replica.
    const nodes = new Map<string, number>();
    for (const host of client.hosts.values())
      nodes.set(host.datacenter, (nodes.get(host.datacenter) ?? 0) + 1);
    return keyspaceReplicas(plan.keyspace, replication.strategy, replication.options, nodes, localDc);
  }

  #failure(
    error: unknown,
    plan: TablePlan,
    option: "cassandra-read-consistency" | "cassandra-write-consistency",
    action: string,
  ): SyncedError {
    const s = this.#settings;
    const level = option === "cassandra-read-consistency" ? s.readConsistency : s.writeConsistency;
    const change = this.#changed.get(`${plan.keyspace}.${plan.table}`);
    if (change !== undefined && isUnpreparedOnly(error))
      return new TableChangedError(plan, change, action, error);
    const unmeetable = this.#unmeetable(error, plan);
    // Only the option's own level is the option's fault: another is a lightweight transaction's round,
    // which lowering the option would not help.
    if (unmeetable !== undefined)
      return unmeetable.found.consistency === level
        ? unmeetableError(unmeetable.found, unmeetable.replicas, option, action, error)
        : unmeetableTransactionError(unmeetable.found, unmeetable.replicas, action, error);
    return cassandraFailure(error, action, this.#hosts);
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
        ...(s.ring ? { ring: s.ring } : {}),
        concurrency: s.concurrency,
        batchSize: plannedBatch(plan.batchSize, s.batchSize),
        retry: this.#retry(plan),
        ...(s.shard ? { shard: s.shard } : {}),
      },
      plan,
      range,
    );
    return rethrowingEach(scan, (error) =>
      this.#failure(error, plan, "cassandra-read-consistency", `read table ${name(plan)}`),
    );
  }

  /**
   * Cassandra's own estimate of the table's partitions, one record each. It knows nothing of time
   * ranges, so it stands for a read of the whole table only (a run from the epoch).
   */
  async estimate(plan: TablePlan, range: TimeRange): Promise<number | undefined> {
    if (range.begin > 0n) return undefined;
    const partitions = await estimatePartitions(this.#settings.client, plan.keyspace, plan.table);
    return partitions === undefined ? undefined : Math.round(partitions / (this.#settings.shard?.total ?? 1));
  }

  /**
   * The mean size of the table's partitions, a record each, by Cassandra's estimate. A versioned
   * table's partition holds every version of its record, so its mean tells nothing of one row: none.
   */
  async tableSize(plan: TablePlan): Promise<TableSize | undefined> {
    if (plan.shape !== "latest") return undefined;
    return estimatePartitionSize(this.#settings.client, plan.keyspace, plan.table);
  }

  fetchCurrent(plan: TablePlan, ids: readonly string[]): Promise<Map<string, CurrentRecord | BadRecord>> {
    const s = this.#settings;
    const settings = {
      client: s.client,
      consistency: s.readConsistency,
      concurrency: s.concurrency * 8,
      capabilities: s.capabilities,
      retry: this.#retry(plan),
    };
    return rethrowing(
      () => fetchCurrent(settings, plan, ids),
      (error) => this.#failure(error, plan, "cassandra-read-consistency", `read rows of table ${name(plan)}`),
    );
  }

  expired(plan: TablePlan, version: bigint): boolean {
    return secondsToLive(plan, version, this.#settings.now ?? nowMicros) === 0;
  }

  refusal(plan: TablePlan, write: PlannedWrite): string | undefined {
    return writeRefusal(plan, write);
  }

  write(plan: TablePlan, writes: readonly PlannedWrite[]): Promise<WriteOutcome[]> {
    const s = this.#settings;
    const settings = {
      client: s.client,
      consistency: s.writeConsistency,
      // Requests in flight per batch of records: single rows, transactions, or small unlogged batches
      // of rows (write-batches.ts). Measured with the benchmark when every row was its own request,
      // 64 beat 32.
      concurrency: s.concurrency * 16,
      mode: s.writes,
      ...(s.batchBytes === undefined ? {} : { batchBytes: s.batchBytes }),
      marginMicros: s.marginMicros,
      now: s.now ?? nowMicros,
      retry: this.#retry(plan),
    };
    return rethrowing(
      () => writeRecords(settings, plan, writes),
      (error) => this.#failure(error, plan, "cassandra-write-consistency", `write to table ${name(plan)}`),
    );
  }
}

function name(plan: TablePlan): string {
  return `${plan.keyspace}.${plan.table}`;
}
