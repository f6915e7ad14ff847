// How many rows a scan's next page asks for, from the size of the rows its pages brought so far. A
// table's estimate (batch-budget.ts) comes from its SSTables, so a table still all in memtables has
// none, and one estimate may be wrong: each page tells the size of its rows cheaply, from a few of
// them, and the pages after it ask for no more than a batch's bytes.
import type cassandra from "cassandra-driver";
import { batchFor } from "../../core/batch-bytes.js";
import { approximateSize } from "./write-batches.js";

/**
 * Rows the first pages ask for while the rows' size is unknown: a few rows of 2 MB in each split in
 * flight stay far under a CronJob's memory, and one round trip more per split in flight costs a table
 * of small rows nothing measurable (BENCHMARKS.md).
 */
export const FIRST_PAGE_ROWS = 8;

/** Rows looked at in each page to tell their size: the first, the middle and the last. */
function sample(rows: readonly cassandra.types.Row[]): cassandra.types.Row[] {
  if (rows.length <= 3) return [...rows];
  return [0, rows.length >> 1, rows.length - 1].flatMap((at) => rows[at] ?? []);
}

/** About how many bytes the row's values hold. */
export function rowSize(row: cassandra.types.Row): number {
  let size = 0;
  // Its own properties, not row.values(): that calls the row's hasOwnProperty, which a column named
  // so (a table may have one) hides.
  for (const value of Object.values(row)) size += 8 + approximateSize(value);
  return size;
}

/** Shared by a scan's splits: the first page measured sizes every split's next one. */
export class RowSizing {
  #rowBytes: number | undefined;

  /** `rowBytes`: the table's estimate, where the stores had one; absent, the first pages are small. */
  constructor(
    readonly batchSize: number,
    rowBytes?: number,
  ) {
    this.#rowBytes = rowBytes;
  }

  /** Rows the next page asks for. */
  pageRows(): number {
    if (this.#rowBytes === undefined) return Math.min(this.batchSize, FIRST_PAGE_ROWS);
    return batchFor(this.batchSize, this.#rowBytes);
  }

  /** Takes the size of a page's rows, the largest of those looked at, and answers the page's bytes. */
  observe(rows: readonly cassandra.types.Row[]): number {
    if (rows.length === 0) return 0;
    const largest = Math.max(...sample(rows).map(rowSize));
    this.#rowBytes = largest;
    return largest * rows.length;
  }
}
