// How many partitions Cassandra estimates a table holds, from system.size_estimates. Each node
// records its own primary token ranges only, so what the coordinator answers covers its part of the
// ring; the sum is scaled up by the share of the ring those ranges cover. The node computes its
// estimates every few minutes, and from its SSTables only: a table still all in memtables has none.
import type cassandra from "cassandra-driver";

const RING = 2n ** 64n;
const MIN_TOKEN = -(2n ** 63n);
const MAX_TOKEN = 2n ** 63n - 1n;

export interface TokenRangeEstimate {
  readonly start: string;
  readonly end: string;
  readonly partitions: number;
}

/** A Murmur3 token, or undefined for any other partitioner's (those are not scaled). */
function murmurToken(text: string): bigint | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const token = BigInt(text);
  return token >= MIN_TOKEN && token <= MAX_TOKEN ? token : undefined;
}

/**
 * The partitions of the whole ring, from the ranges one node reported: their sum over the share of
 * the ring they cover, (start, end] each, wrapping past the largest token. Undefined when they hold none.
 */
export function ringPartitions(ranges: readonly TokenRangeEstimate[]): number | undefined {
  const sum = ranges.reduce((n, r) => n + r.partitions, 0);
  if (sum <= 0) return undefined;
  let covered = 0n;
  for (const range of ranges) {
    const start = murmurToken(range.start);
    const end = murmurToken(range.end);
    // Another partitioner's tokens: the share cannot be told, so the node's own figure stands.
    if (start === undefined || end === undefined) return sum;
    const width = (((end - start) % RING) + RING) % RING;
    covered += width === 0n ? RING : width;
  }
  if (covered <= 0n || covered >= RING) return sum;
  return Math.round((sum * Number(RING)) / Number(covered));
}

interface RangeEstimate extends TokenRangeEstimate {
  /** The mean size in bytes of the range's partitions. */
  readonly mean: number;
}

/** The node's estimates of each of its token ranges of the table. */
async function rangeEstimates(
  client: cassandra.Client,
  keyspace: string,
  table: string,
): Promise<RangeEstimate[]> {
  const result = await client.execute(
    "SELECT range_start, range_end, partitions_count, mean_partition_size FROM system.size_estimates " +
      "WHERE keyspace_name = ? AND table_name = ?",
    [keyspace, table],
    { prepare: true },
  );
  return result.rows.map((row) => ({
    start: String(row.get("range_start")),
    end: String(row.get("range_end")),
    partitions: Number(row.get("partitions_count") ?? 0),
    mean: Number(row.get("mean_partition_size") ?? 0),
  }));
}

/** The table's partitions by Cassandra's estimate, or undefined when it has none yet. */
export async function estimatePartitions(
  client: cassandra.Client,
  keyspace: string,
  table: string,
): Promise<number | undefined> {
  return ringPartitions(await rangeEstimates(client, keyspace, table));
}

/**
 * The mean size of the table's partitions in bytes and how many there are, from the same estimates:
 * each range's mean weighted by its partitions. Undefined when the node has none yet.
 */
export async function estimatePartitionSize(
  client: cassandra.Client,
  keyspace: string,
  table: string,
): Promise<{ readonly rowBytes: number; readonly rows: number } | undefined> {
  const ranges = await rangeEstimates(client, keyspace, table);
  const partitions = ranges.reduce((n, r) => n + r.partitions, 0);
  const rows = ringPartitions(ranges);
  if (partitions <= 0 || rows === undefined) return undefined;
  const bytes = ranges.reduce((n, r) => n + r.mean * r.partitions, 0);
  return bytes > 0 ? { rowBytes: bytes / partitions, rows } : undefined;
}
