// Splits items into consecutive groups bounded by a size and a count: bulk requests, Cassandra
// batches and the writes of dead letters are all sized this way.

export interface ChunkLimits {
  /** About how large a group may be, in the unit of `sizeOf`; an item larger alone is a group of one. */
  readonly maxBytes: number;
  /** Items in a group at most; no limit when absent. */
  readonly maxCount?: number;
}

/** The items in their order, in groups within the limits; never an empty group. */
export function chunkBySize<T>(items: readonly T[], sizeOf: (item: T) => number, limits: ChunkLimits): T[][] {
  const maxCount = limits.maxCount ?? Infinity;
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (chunk.length > 0 && (chunk.length >= maxCount || bytes + size > limits.maxBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
