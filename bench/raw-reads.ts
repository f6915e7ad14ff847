// The raw full reads of figure 3: the least a run over a range must cost when it reads both sides
// whole. Each counts what it read, so a read that stopped early cannot pass for a fast one.
import { performance } from "node:perf_hooks";
import type { Client } from "@elastic/elasticsearch";
import type { Clients } from "./clients.js";
import type { LoadResult } from "./raw-loads.js";

const PAGE = 5000;

/** Reads every row of a query with automatic paging, counting them; resolves when the last page is in. */
function countRows(clients: Clients, query: string, params: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    clients.cassandra.eachRow(
      query,
      params,
      { prepare: true, fetchSize: PAGE, autoPage: true },
      () => {
        count++;
      },
      (error: Error | null) => {
        if (error) reject(error);
        else resolve(count);
      },
    );
  });
}

/** One paged `SELECT *` over the whole table. */
export async function readCassandraPaged(
  clients: Clients,
  keyspace: string,
  table: string,
): Promise<LoadResult> {
  const started = performance.now();
  const count = await countRows(clients, `SELECT * FROM ${keyspace}.${table}`, []);
  return { count, ms: performance.now() - started };
}

const MIN_TOKEN = -(2n ** 63n);
const MAX_TOKEN = 2n ** 63n - 1n;

/**
 * The Murmur3 token ring cut into `splits` ranges `(lower, upper]`, read all at once. The ring's
 * minimum token is never a row's token (Murmur3 maps it to the maximum), so `> MIN` misses nothing.
 */
export async function readCassandraSplits(
  clients: Clients,
  keyspace: string,
  table: string,
  splits: number,
): Promise<LoadResult> {
  const width = (MAX_TOKEN - MIN_TOKEN) / BigInt(splits);
  const bounds = Array.from({ length: splits }, (_, i) => [
    MIN_TOKEN + width * BigInt(i),
    i === splits - 1 ? MAX_TOKEN : MIN_TOKEN + width * BigInt(i + 1),
  ]);
  const query = `SELECT * FROM ${keyspace}.${table} WHERE token(id) > ? AND token(id) <= ?`;
  const started = performance.now();
  const counts = await Promise.all(bounds.map((range) => countRows(clients, query, range)));
  return { count: counts.reduce((a, b) => a + b, 0), ms: performance.now() - started };
}

/** How a point-in-time read asks for its pages, and what it does with each hit. */
export interface PointInTimeRead {
  /** Documents a page asks for. */
  readonly size: number;
  /** How many documents the index holds: the read stops a few pages past them, whatever happens. */
  readonly expected: number;
  /** `false`: pages without sources. */
  readonly source?: boolean;
  readonly each?: (hit: { readonly _id?: string | undefined }) => void;
}

/** Reads a whole index through a point in time with search_after in `_shard_doc` order; counts the hits. */
export async function readPointInTime(es: Client, index: string, read: PointInTimeRead): Promise<number> {
  const pit = await es.openPointInTime({ index, keep_alive: "1m" });
  let pitId = pit.id;
  let count = 0;
  try {
    let after: (string | number | boolean | null)[] | undefined;
    let more = true;
    // Bounded: a few pages more than the expected count needs; the caller checks the count.
    const maxPages = Math.ceil(read.expected / read.size) + 3;
    for (let page = 0; more && page < maxPages; page++) {
      const response = await es.search({
        pit: { id: pitId, keep_alive: "1m" },
        size: read.size,
        sort: ["_shard_doc"],
        track_total_hits: false,
        ...(read.source === false ? { _source: false } : {}),
        ...(after ? { search_after: after } : {}),
      });
      if (response.pit_id) pitId = response.pit_id;
      const hits = response.hits.hits;
      count += hits.length;
      if (read.each) for (const hit of hits) read.each(hit);
      const last = hits.at(-1);
      more = hits.length === read.size && last?.sort !== undefined;
      after = last?.sort as (string | number | boolean | null)[] | undefined;
    }
  } finally {
    await es.closePointInTime({ id: pitId }).catch(() => undefined);
  }
  return count;
}

/** A point in time over the index, read with search_after in pages of 5000 in `_shard_doc` order. */
export async function readElasticsearch(
  clients: Clients,
  index: string,
  expected: number,
): Promise<LoadResult> {
  const started = performance.now();
  const count = await readPointInTime(clients.elasticsearch, index, { size: PAGE, expected });
  return { count, ms: performance.now() - started };
}
