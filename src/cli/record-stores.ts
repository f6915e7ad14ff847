// Both record stores and the schema gateway, built from the options over connected clients: what a
// run and a replay of dead letters read and write through.
import { setMaxListeners } from "node:events";
import type { SyncOptions } from "../config/options.js";
import { microsFromMillis } from "../core/micros.js";
import { defaultDeadLetterLocation } from "../core/state-location.js";
import { CassandraStore } from "../stores/cassandra/cassandra-store.js";
import { clusterCapabilities } from "../stores/cassandra/connect.js";
import { consistencyCode } from "../stores/cassandra/consistency.js";
import { readReplication } from "../stores/cassandra/unmeetable-consistency.js";
import { cassandraFailure } from "../stores/cassandra/cassandra-errors.js";
import { readTokenRing } from "../stores/cassandra/token-splits.js";
import { stoppedBy } from "../stores/cassandra/stopped-client.js";
import { requestSizeLimit } from "../stores/search/request-size.js";
import { searchFailure } from "../stores/search/search-failure.js";
import { SearchStore } from "../stores/search/search-store.js";
import type { ScanRestartCause } from "../stores/search/scan.js";
import { planSettings, StoreSchemaGateway, type SchemaSettings } from "../stores/schema-gateway.js";
import type { PlanSettings } from "../reconcile/plan-tables.js";
import { rethrowing } from "../util/rethrow.js";
import type { Clients } from "./connections.js";
import type { Logger } from "./logger.js";
import { retryLog } from "./retry-log.js";

export interface RecordStores {
  readonly cassandra: CassandraStore;
  readonly elasticsearch: SearchStore;
  readonly schema: StoreSchemaGateway;
}

export async function recordStores(
  options: SyncOptions,
  clients: Clients,
  context: { readonly signal: AbortSignal; readonly logger: Logger },
): Promise<RecordStores> {
  // A signal ends the reads and writes of records in flight, the reads below before the lease, and the
  // schema's requests while a run plans, so a store that stopped answering holds a stopped run no
  // longer than the stop takes. The state and its lease keep the clients themselves: a stopped run
  // still releases its lease and records its stop.
  const records: Clients = {
    cassandra: stoppedBy(clients.cassandra, context.signal),
    elasticsearch: clients.elasticsearch.stoppedBy(context.signal),
  };
  // Each request in flight listens to it, many at once at a high --concurrency.
  setMaxListeners(0, context.signal);
  const requestLimit = await rethrowing(
    () => requestSizeLimit(records.elasticsearch),
    (error) =>
      stoppedOr(
        context.signal,
        searchFailure(error, "read the nodes' http.max_content_length", clients.elasticsearch.productName),
      ),
  );
  // Read once per connection: the stores and the schema take the 4.1 paths on a 4.1 cluster.
  const capabilities = clusterCapabilities(clients.cassandra);
  // What a consistency level is judged against: a level no retry can meet is refused at once.
  const replication = await readReplication(records.cassandra, options.keyspace);
  // It gives up quietly on a failure, a stop among them.
  context.signal.throwIfAborted();
  // Where a table's splits lie: read as Murmur3's, another partitioner's ring would be left out.
  const ring = await rethrowing(
    () => readTokenRing(records.cassandra),
    (error) => stoppedOr(context.signal, cassandraFailure(error, "read the cluster's partitioner")),
  );
  const shared = {
    signal: context.signal,
    retryWindowMs: options.retryWindowMs,
    onRetry: retryLog(context.logger),
  };
  return {
    cassandra: new CassandraStore({
      client: records.cassandra,
      capabilities,
      readConsistency: consistencyCode(options.cassandra.readConsistency),
      writeConsistency: consistencyCode(options.cassandra.writeConsistency),
      ...(replication === undefined ? {} : { replication }),
      localDc: options.cassandra.localDc,
      writes: options.cassandra.writes,
      batchBytes: options.cassandra.batchBytes,
      splits: options.splits,
      ring,
      concurrency: options.concurrency,
      batchSize: options.batchSize,
      marginMicros: microsFromMillis(options.lagMs),
      ...(options.shard ? { shard: options.shard } : {}),
      ...shared,
    }),
    elasticsearch: new SearchStore({
      client: records.elasticsearch,
      versioning: options.elasticsearch.versioning,
      slices: options.slices,
      concurrency: options.concurrency,
      batchSize: options.batchSize,
      // Bulk requests of a few megabytes keep memory low and stay far below the node's limit.
      maxBulkBytes: Math.min(10 * 1024 * 1024, Math.floor(requestLimit / 2)),
      // The action line and the request around a lone document need a little room.
      maxDocumentBytes: requestLimit - 16 * 1024,
      ...(options.shard ? { shard: options.shard } : {}),
      ...shared,
      onBodyLimit: (refusedBytes: number) => {
        const product = clients.elasticsearch.productName;
        context.logger.warn(
          `a bulk request of ${refusedBytes} bytes to ${product} was refused as too large (413): a proxy in ` +
            "front of the nodes (such as nginx's client_max_body_size, 1 MiB by default) or the nodes' " +
            "http.max_content_length limit request bodies. Its writes are sent again in halves, and later " +
            "requests are kept to the size accepted for the rest of the run; raise that limit to " +
            `${refusedBytes} bytes or more for fewer requests`,
          { refusedBytes },
        );
      },
      onScanRestart: (index: string, cause: ScanRestartCause) => {
        const product = clients.elasticsearch.productName;
        // A point in time, or scroll contexts on OpenSearch: either is lost the same way.
        if (cause.kind === "view lost") {
          const message = `${product} lost the point in time of a read (a node restarted?); reading again`;
          context.logger.info(message, { index });
          return;
        }
        // A scroll keeps the page size it began with, and the index was set to refuse it meanwhile.
        if (cause.kind === "window lowered") {
          const message =
            `${product} refused the page size of a read (its index.max_result_window was lowered to ` +
            `${cause.window}); reading the index again in pages of ${cause.window}`;
          context.logger.info(message, { index });
          return;
        }
        // Its answer may have been lost after the scroll moved past it, so it is not asked for again.
        const message =
          `a page of a read from ${product} failed, and a scroll page cannot be asked for again; ` +
          "reading the index again";
        context.logger.info(message, {
          index,
          error: cause.error instanceof Error ? cause.error.message.split("\n")[0] : String(cause.error),
        });
      },
    }),
    schema: new StoreSchemaGateway(records.cassandra, records.elasticsearch, {
      ...schemaSettings(options),
      capabilities,
    }),
  };
}

function schemaSettings(options: SyncOptions): Omit<SchemaSettings, "capabilities"> {
  return {
    keyspace: options.keyspace,
    layout: { layout: options.layout, index: options.index, typeField: options.typeField },
    names: options.columns,
    retryWindowMs: options.retryWindowMs,
    ...(options.tableSettings === undefined ? {} : { tableSettings: options.tableSettings }),
  };
}

/** What the engine plans the tables with: the schema's naming, and the options' selection. */
/** The state's and the dead letters' tables that live in the synced keyspace, in lower case. */
function ownTables(options: SyncOptions): string[] {
  const keyspace = options.keyspace.toLowerCase();
  const letters = options.deadLetter ?? defaultDeadLetterLocation(options.state, "any");
  return [options.state, letters].flatMap((l) =>
    l.backend === "cassandra" && l.keyspace.toLowerCase() === keyspace ? [l.table.toLowerCase()] : [],
  );
}

export function planOptions(options: SyncOptions): PlanSettings {
  return planSettings(schemaSettings(options), {
    columnSources: options.columnSources,
    include: options.tables,
    exclude: options.excludeTables,
    ownTables: ownTables(options),
    createTables: options.createTables,
    direction: options.direction,
  });
}

/** The stop that ended a read, rather than the read's failure it would be taken for. */
function stoppedOr(signal: AbortSignal, failure: Error): Error {
  return signal.aborted ? (signal.reason as Error) : failure;
}
