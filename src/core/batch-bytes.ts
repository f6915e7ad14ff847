// The bytes a batch of records holds at most: where rows are large, a batch holds fewer of them than
// --batch-size, so that a run's memory follows bytes, not rows (reconcile/batch-budget.ts).

/** About how many bytes of records one batch holds at most, as the stores estimate them. */
export const BATCH_BYTES = 8 * 1024 * 1024;

/** Records per batch for rows of `rowBytes`: at most `batchSize`, and at least one. */
export function batchFor(batchSize: number, rowBytes: number | undefined): number {
  if (rowBytes === undefined || !(rowBytes > 0)) return batchSize;
  return Math.min(batchSize, Math.max(1, Math.floor(BATCH_BYTES / rowBytes)));
}

/**
 * Records per batch for a table: the store's --batch-size, or the plan's lower figure where its rows
 * are large. The plan's figure was sized against the larger of the two stores' settings, so it is
 * bounded by this store's own again.
 */
export function plannedBatch(planned: number | undefined, batchSize: number): number {
  return Math.min(planned ?? batchSize, batchSize);
}
