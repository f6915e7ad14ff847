// The raw loaders: what each store's own client does at its best, with no comparison and no
// conditions. They are both the baselines of figures 1 and 2 and the way every data set is loaded.
import { Readable } from "node:stream";
import { performance } from "node:perf_hooks";
import { errors } from "@elastic/elasticsearch";
import cassandra from "cassandra-driver";
import type { Clients } from "./clients.js";
import { COLUMNS, documentOf, rowOf, type BenchRecord } from "./data.js";

export interface LoadResult {
  readonly count: number;
  readonly ms: number;
}

export function perSecond(result: LoadResult): number {
  return result.ms > 0 ? (result.count * 1000) / result.ms : 0;
}

const FIVE_MB = 5 * 1024 * 1024;

/**
 * The server refused a whole request for want of memory (HTTP 429). The bulk helper retries refused
 * documents but not a refused request, so the load stops: the setting is too much for this server.
 */
export class RejectedError extends Error {}

/**
 * Prepared INSERTs through `executeConcurrent`. The rows come from a stream so a large data set is
 * never held in memory; the executor pauses the stream while `concurrencyLevel` requests are out.
 */
export async function loadCassandra(
  clients: Clients,
  keyspace: string,
  table: string,
  source: Iterable<BenchRecord>,
  concurrencyLevel: number,
): Promise<LoadResult> {
  const query =
    `INSERT INTO ${keyspace}.${table} (${COLUMNS.join(", ")}) ` +
    `VALUES (${COLUMNS.map(() => "?").join(", ")})`;
  const rows = Readable.from(
    (function* () {
      for (const record of source) yield rowOf(record);
    })(),
  );
  const started = performance.now();
  const result = await cassandra.concurrent.executeConcurrent(clients.cassandra, query, rows, {
    concurrencyLevel,
    raiseOnFirstError: true,
    collectResults: false,
  });
  const ms = performance.now() - started;
  if (result.errors.length > 0) throw new Error(`INSERT into ${table} failed`, { cause: result.errors[0] });
  return { count: result.totalExecuted, ms };
}

/** `client.helpers.bulk` with `create` actions into an empty index, `_id` the lowercase uuid. */
export async function loadElasticsearch(
  clients: Clients,
  index: string,
  source: Iterable<BenchRecord>,
  concurrency: number,
): Promise<LoadResult> {
  const documents = Readable.from(
    (function* () {
      for (const record of source) yield documentOf(record);
    })(),
  );
  const dropped: string[] = [];
  const started = performance.now();
  let stats;
  try {
    stats = await clients.elasticsearch.helpers.bulk<Record<string, unknown>>({
      datasource: documents,
      onDocument: (document) => ({ create: { _index: index, _id: String(document["id"]) } }),
      concurrency,
      flushBytes: FIVE_MB,
      refreshOnCompletion: false,
      onDrop: (drop) => {
        // Keep a few reasons for the error; the count is in the stats.
        if (dropped.length < 3) dropped.push(JSON.stringify(drop.error));
      },
    });
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 429) {
      // The message's first line names the exception; the rest repeats it with byte counts.
      const reason = error.message.split("\n")[0] ?? "";
      throw new RejectedError(`concurrency ${concurrency}: HTTP 429 ${reason}`, { cause: error });
    }
    throw error;
  }
  const ms = performance.now() - started;
  if (stats.failed > 0 || stats.aborted) {
    throw new Error(`bulk load into ${index}: ${stats.failed} documents failed: ${dropped.join("; ")}`);
  }
  return { count: stats.successful, ms };
}

export interface Trial {
  readonly setting: number;
  readonly perSecond: number;
  /** Why the server refused this setting; such a setting is never chosen. */
  readonly rejected?: string;
}

export interface Tuning {
  readonly trials: readonly Trial[];
  readonly best: number;
}

/** Runs one load per setting on the same sample and keeps the fastest setting the server accepted. */
export async function tune(
  settings: readonly number[],
  load: (setting: number) => Promise<LoadResult>,
): Promise<Tuning> {
  const trials: Trial[] = [];
  for (const setting of settings) {
    try {
      trials.push({ setting, perSecond: perSecond(await load(setting)) });
    } catch (error) {
      if (!(error instanceof RejectedError)) throw error;
      trials.push({ setting, perSecond: 0, rejected: error.message });
    }
  }
  const best = fastestFirst(trials)[0];
  if (best === undefined)
    throw new Error(`every setting was refused: ${trials.map((t) => t.rejected).join("; ")}`);
  return { trials, best: best.setting };
}

/** The accepted settings, fastest first. */
export function fastestFirst(trials: readonly Trial[]): Trial[] {
  return trials.filter((t) => t.rejected === undefined).sort((a, b) => b.perSecond - a.perSecond);
}
