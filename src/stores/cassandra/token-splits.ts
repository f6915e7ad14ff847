// Splits the Murmur3 token ring into contiguous ranges `(start, end]`, as DSBulk and the Spark
// connector do, so a table is read in parallel pieces that together cover every partition once.
const MIN_TOKEN = -(2n ** 63n);
const MAX_TOKEN = 2n ** 63n - 1n;

export interface TokenSplit {
  /** Exclusive. */
  readonly start: bigint;
  /** Inclusive. */
  readonly end: bigint;
}

/**
 * `count` splits of nearly equal width. Murmur3 never yields the minimum token, so `(MIN, MAX]`
 * covers the whole ring. With `shard`, the ring is cut into `count` splits per shard, and shard
 * `index` of `total` gets every `total`-th of them, so the shards together cover it once and each
 * still reads `count` splits in parallel.
 */
export function tokenSplits(count: number, shard?: { index: number; total: number }): TokenSplit[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`split count must be a positive integer`);
  const total = count * (shard?.total ?? 1);
  const width = (MAX_TOKEN - MIN_TOKEN) / BigInt(total);
  const splits: TokenSplit[] = [];
  for (let i = 0; i < total; i++) {
    const start = MIN_TOKEN + width * BigInt(i);
    const end = i === total - 1 ? MAX_TOKEN : start + width;
    if (shard === undefined || i % shard.total === shard.index) splits.push({ start, end });
  }
  return splits;
}
