// How many records a batch of a table holds: --batch-size, unless its records are large. A run holds
// several batches at once (--concurrency splits and slices, each with a page read ahead, and the batch
// being written), each record as read and as written, so a table of multi-megabyte rows read 500 at a
// time took a gigabyte, where a CronJob's memory limit is often 512 MiB. Rows are counted, not bytes,
// where the stores page and write; so a table of large rows gets fewer of them per batch.
import { BATCH_BYTES, batchFor } from "../core/batch-bytes.js";
import type { RecordStore } from "./record-store.js";
import type { TablePlan } from "./table-plan.js";

/** What a store estimates of a table: its records' mean size in bytes, and how many it holds. */
export interface TableSize {
  readonly rowBytes: number;
  readonly rows: number;
}

/**
 * The plan with its stores' estimate of its rows' size (the larger, where both have one), and a lower
 * batch where that holds fewer rows than `batchSize` and the table does not fit in one batch's bytes
 * anyway. A store that cannot tell, or fails to, gives none: the stores then measure the pages they read.
 */
export async function sizedPlan(
  plan: TablePlan,
  stores: readonly RecordStore[],
  batchSize: number,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<TablePlan> {
  const sizes = await Promise.all(
    stores.map((store) => store.tableSize?.(plan).catch(() => undefined) ?? Promise.resolve(undefined)),
  );
  const known = sizes.filter((size): size is TableSize => size !== undefined && size.rowBytes > 0);
  if (known.length === 0) return plan;
  const rowBytes = Math.max(...known.map((size) => size.rowBytes));
  const rows = Math.max(...known.map((size) => size.rows));
  const batch = batchFor(batchSize, rowBytes);
  if (batch >= batchSize || rows * rowBytes <= BATCH_BYTES) return { ...plan, rowBytes };
  log(
    `table ${plan.table}: rows of about ${mebibytes(rowBytes)} each by the stores' estimate, ` +
      `read and written ${batch} at a time instead of --batch-size ${batchSize}`,
    { table: plan.table, rowBytes: Math.round(rowBytes), batchSize: batch },
  );
  return { ...plan, rowBytes, batchSize: batch };
}

function mebibytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
