// `synced [run]`: resolve the options, connect to both stores and the state, run once, print the
// summary, and return the exit code.
import { randomUUID } from "node:crypto";
import { holderName } from "../state/lease-holder.js";
import type { Client } from "@elastic/elasticsearch";
import type cassandra from "cassandra-driver";
import type { SyncOptions } from "../config/options.js";
import { microsFromMillis, nowMicros } from "../core/micros.js";
import { defaultDeadLetterLocation, openDeadLetterStore } from "../deadletter/dead-letter-location.js";
import type { DeadLetterStore } from "../deadletter/dead-letter-store.js";
import { RunDeadLetters } from "../deadletter/run-dead-letters.js";
import { runSync } from "../reconcile/run-sync.js";
import { openStateStore, type OpenStateStoreOptions } from "../state/open-state-store.js";
import type { StateStore } from "../state/state-store.js";
import { resolveRange } from "../reconcile/range.js";
import { deriveStateKey, validateStateKey } from "../state/state-key.js";
import { CassandraStore } from "../stores/cassandra/cassandra-store.js";
import { connectCassandra } from "../stores/cassandra/connect.js";
import { connectElasticsearch, requestSizeLimit } from "../stores/elasticsearch/connect.js";
import { ElasticsearchStore } from "../stores/elasticsearch/elasticsearch-store.js";
import { StoreSchemaGateway } from "../stores/schema-gateway.js";
import { elasticsearchFailure } from "../stores/elasticsearch/elasticsearch-errors.js";
import { rethrowing } from "../util/rethrow.js";
import cassandraDriver from "cassandra-driver";
import { exitCodeForOutcome } from "./exit-codes.js";
import type { Logger } from "./logger.js";
import { renderSummary, summaryJson } from "./summary.js";
import { bugReport, isBug } from "./unexpected-error.js";

export interface RunContext {
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly stdout: (text: string) => void;
}

export function stateKeyFor(options: SyncOptions): string {
  // Each shard covers its own part of the data, so each keeps its own checkpoint, lease and history.
  const shard = options.shard === undefined ? "" : `.shard-${options.shard.index}-of-${options.shard.total}`;
  return validateStateKey(`${baseStateKey(options)}${shard}`);
}

function baseStateKey(options: SyncOptions): string {
  if (options.name !== undefined) return options.name;
  return deriveStateKey({
    cassandraCluster: `${[...options.cassandra.contactPoints].sort().join(",")}:${options.cassandra.port}`,
    keyspace: options.keyspace,
    elasticsearchCluster: [...options.elasticsearch.nodes].sort().join(","),
    index: options.index,
    tables: options.tables,
    direction: options.direction,
    layout: options.layout,
  });
}

/** Dead letters live where --dead-letter says, or beside the state. */
export async function openDeadLetters(
  options: SyncOptions,
  key: string,
  clients: { cassandra?: cassandra.Client; elasticsearch?: Client },
): Promise<DeadLetterStore> {
  return openDeadLetterStore(options.deadLetter ?? defaultDeadLetterLocation(options.state, key), clients, {
    timeoutMs: options.stateTimeoutMs,
  });
}

export async function runCommand(options: SyncOptions, context: RunContext): Promise<number> {
  const runId = randomUUID();
  const key = stateKeyFor(options);
  // What can be checked without a connection is checked first, so a mistake is reported at once
  // and nothing is touched: the range against the clock, and a state directory.
  resolveRange({
    begin: options.begin,
    end: options.end,
    lagMs: options.lagMs,
    now: nowMicros(),
    allowFutureEnd: options.allowFutureEnd,
  });
  const localState =
    options.state.backend === "file"
      ? await openStateStore(options.state, {}, stateOptions(options))
      : undefined;
  let cassandraClient: cassandra.Client | undefined;
  let esClient: Client | undefined;
  try {
    const [c, e] = await Promise.allSettled([
      connectCassandra(options.cassandra, options.connectTimeoutMs),
      connectElasticsearch(options.elasticsearch, options.connectTimeoutMs),
    ]);
    // Keep whichever connected, so `finally` closes it even when the other failed.
    cassandraClient = c.status === "fulfilled" ? c.value : undefined;
    esClient = e.status === "fulfilled" ? e.value : undefined;
    if (c.status === "rejected") throw c.reason;
    if (e.status === "rejected") throw e.reason;
    const state =
      localState ??
      (await openStateStore(
        options.state,
        { cassandra: c.value, elasticsearch: e.value },
        stateOptions(options),
      ));
    const clients = { cassandra: c.value, elasticsearch: e.value };
    const deadLetters = await openDeadLetters(options, key, clients);
    return await runConnected(options, context, { runId, key, state, deadLetters }, c.value, e.value);
  } finally {
    await Promise.all([cassandraClient?.shutdown(), esClient?.close()]);
  }
}

function stateOptions(options: SyncOptions): OpenStateStoreOptions {
  return { timeoutMs: options.stateTimeoutMs };
}

async function runConnected(
  options: SyncOptions,
  context: RunContext,
  run: { runId: string; key: string; state: StateStore; deadLetters: DeadLetterStore },
  cassandraClient: cassandra.Client,
  esClient: Client,
): Promise<number> {
  const { runId, key, state } = run;
  const consistency = cassandraDriver.types.consistencies as unknown as Record<string, number>;
  const requestLimit = await rethrowing(
    () => requestSizeLimit(esClient),
    (error) => elasticsearchFailure(error, "read the nodes' http.max_content_length"),
  );
  const shared = {
    signal: context.signal,
    retryWindowMs: options.retryWindowMs,
    onRetry: (store: string, error: unknown, attempt: number, delayMs: number) => {
      context.logger.info(`${store} failed transiently; trying again`, {
        store,
        attempt,
        delayMs,
        error: error instanceof Error ? error.message.split("\n")[0] : String(error),
      });
    },
  };
  const report = await runSync(
    {
      runId,
      key,
      holder: holderName(),
      begin: options.begin,
      end: options.end,
      allowFutureEnd: options.allowFutureEnd,
      lagMs: options.lagMs,
      direction: options.direction,
      dryRun: options.dryRun,
      createTimestampIndex: options.createTimestampIndex,
      maxErrors: options.maxErrors,
      leaseTtlMs: options.leaseTtlMs,
      maxFutureMs: options.maxFutureMs,
    },
    {
      cassandra: new CassandraStore({
        client: cassandraClient,
        readConsistency:
          consistency[camel(options.cassandra.readConsistency)] ?? consistency["localQuorum"] ?? 6,
        writeConsistency:
          consistency[camel(options.cassandra.writeConsistency)] ?? consistency["localQuorum"] ?? 6,
        writes: options.cassandra.writes,
        splits: options.splits,
        concurrency: options.concurrency,
        batchSize: options.batchSize,
        marginMicros: microsFromMillis(options.lagMs),
        ...(options.shard ? { shard: options.shard } : {}),
        ...shared,
      }),
      elasticsearch: new ElasticsearchStore({
        client: esClient,
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
      }),
      schema: new StoreSchemaGateway(cassandraClient, esClient, {
        keyspace: options.keyspace,
        layout: { layout: options.layout, index: options.index, typeField: options.typeField },
        names: options.columns,
        include: options.tables,
        exclude: options.excludeTables,
        createTables: options.createTables,
        direction: options.direction,
      }),
      state,
      deadLetters: new RunDeadLetters(run.deadLetters, key, runId),
      signal: context.signal,
      now: nowMicros,
      log: (message, fields) => {
        context.logger.info(message, fields);
      },
      onProgress: (stats) => {
        context.logger.progress(stats);
      },
    },
  );
  context.logger.done();
  const waiting = await waitingLetters(run.deadLetters, key, context);
  await Promise.all([state.close(), run.deadLetters.close()]);
  const shown = { ...report, ...(waiting === undefined ? {} : { deadLettersWaiting: waiting }) };
  context.stdout(options.json ? JSON.stringify(summaryJson(shown), null, 2) : renderSummary(shown));
  if (report.error !== undefined && isBug(report.error)) context.logger.error(bugReport(report.error));
  return exitCodeForOutcome(report.outcome, report.error, waiting ?? report.deadLettered);
}

/** Letters of earlier runs still wait as well; a store that cannot count them now does not fail the run. */
async function waitingLetters(
  store: DeadLetterStore,
  key: string,
  context: RunContext,
): Promise<number | undefined> {
  try {
    return await store.count(key);
  } catch (error) {
    context.logger.info("could not count the dead letters waiting", {
      location: store.location,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** The driver names consistency levels in camel case: LOCAL_QUORUM is `localQuorum`. */
function camel(level: string): string {
  return level.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
