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
 * covers the whole ring. With `shard`, only the splits that belong to shard `index` of `total`.
 */
export function tokenSplits(count: number, shard?: { index: number; total: number }): TokenSplit[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`split count must be a positive integer`);
  const width = (MAX_TOKEN - MIN_TOKEN) / BigInt(count);
  const splits: TokenSplit[] = [];
  for (let i = 0; i < count; i++) {
    const start = MIN_TOKEN + width * BigInt(i);
    const end = i === count - 1 ? MAX_TOKEN : start + width;
    if (shard === undefined || i % shard.total === shard.index) splits.push({ start, end });
  }
  return splits;
}
