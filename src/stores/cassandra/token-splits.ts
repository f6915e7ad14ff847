// Splits the partitioner's token ring into contiguous ranges `(start, end]`, as DSBulk and the Spark
// connector do, so a table is read in parallel pieces that together cover every partition once.
import { ConfigError } from "../../core/errors.js";

/** The tokens of a partitioner: every one lies in `(min, max]`. */
export interface TokenRing {
  readonly partitioner: string;
  readonly min: bigint;
  readonly max: bigint;
}

/** Murmur3 never yields its minimum token, so `(MIN, MAX]` covers the whole ring. */
export const MURMUR3_RING: TokenRing = {
  partitioner: "Murmur3Partitioner",
  min: -(2n ** 63n),
  max: 2n ** 63n - 1n,
};

/**
 * The absolute value of an MD5 hash read as a signed 128-bit number: 0 to 2^127. Clusters made before
 * Cassandra 1.2 have it, and keep it: a cluster's partitioner cannot change. Read as Murmur3's ring,
 * all but a 2^64th of its rows would lie outside every split.
 */
const RANDOM_RING: TokenRing = { partitioner: "RandomPartitioner", min: -1n, max: 2n ** 127n };

/** The ring of a partitioner, by its class name; undefined for one whose tokens are not numbers. */
export function tokenRing(partitioner: string): TokenRing | undefined {
  return [MURMUR3_RING, RANDOM_RING].find((ring) => partitioner.endsWith(ring.partitioner));
}

/**
 * The ring of the cluster's partitioner, or a ConfigError for one synced cannot split (the
 * byte-ordered ones, whose tokens are the keys' bytes).
 */
export async function readTokenRing(client: {
  execute(query: string): Promise<{ readonly rows: readonly { get(column: string): unknown }[] }>;
}): Promise<TokenRing> {
  const result = await client.execute("SELECT partitioner FROM system.local");
  const value = result.rows[0]?.get("partitioner");
  const partitioner = typeof value === "string" ? value : "";
  const ring = tokenRing(partitioner);
  if (ring !== undefined) return ring;
  throw new ConfigError(
    "cassandra-contact-points",
    undefined,
    `the Cassandra cluster partitions its rows with ${partitioner || "an unknown partitioner"}: synced ` +
      "reads a table in ranges of tokens, and splits only the rings of Murmur3Partitioner or " +
      "RandomPartitioner",
    { details: { partitioner } },
  );
}

export interface TokenSplit {
  /** Exclusive. */
  readonly start: bigint;
  /** Inclusive. */
  readonly end: bigint;
}

/**
 * `count` splits of nearly equal width. With `shard`, the ring is cut into `count` splits per shard,
 * and shard `index` of `total` gets every `total`-th of them, so the shards together cover it once and
 * each still reads `count` splits in parallel.
 */
export function tokenSplits(
  count: number,
  shard?: { index: number; total: number },
  ring: TokenRing = MURMUR3_RING,
): TokenSplit[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`split count must be a positive integer`);
  const total = count * (shard?.total ?? 1);
  const width = (ring.max - ring.min) / BigInt(total);
  const splits: TokenSplit[] = [];
  for (let i = 0; i < total; i++) {
    const start = ring.min + width * BigInt(i);
    const end = i === total - 1 ? ring.max : start + width;
    if (shard === undefined || i % shard.total === shard.index) splits.push({ start, end });
  }
  return splits;
}
