// How a run logs its late records: one line each, up to a bound per table, then one line with the
// count of the rest, so a window that finds thousands (an index deleted and made again during a
// run, documents deleted by hand) does not flood the log. The metrics count every one.
import { formatMicros } from "../core/micros.js";
import type { LateRecord } from "../reconcile/sync-table.js";
import type { Logger } from "./logger.js";

/** Late records logged one by one per table and run. */
export const LATE_LINES_PER_TABLE = 20;

/**
 * What a run knows of a late record: it can tell a record that never reached the target from one
 * whose copy was removed there (by hand, or with its index) no more than from an older copy.
 */
export const LATE_RECORD =
  "a late record: dated before the checkpoint a run had passed and absent or older on the target: " +
  "it arrived late, or its copy was removed";

export class LateLog {
  readonly #seen = new Map<string, number>();

  constructor(private readonly logger: Pick<Logger, "info">) {}

  record(late: LateRecord): void {
    const seen = (this.#seen.get(late.table) ?? 0) + 1;
    this.#seen.set(late.table, seen);
    if (seen > LATE_LINES_PER_TABLE) return;
    this.logger.info(LATE_RECORD, {
      table: late.table,
      direction: late.direction,
      id: late.id,
      version: formatMicros(late.version),
      lateBySeconds: Number(late.lateByMicros) / 1e6,
    });
  }

  /** One line per table with more late records than were logged one by one. */
  finish(): void {
    for (const [table, seen] of this.#seen) {
      const more = seen - LATE_LINES_PER_TABLE;
      if (more <= 0) continue;
      this.logger.info(
        `${more} more late records of ${table} not logged one by one (the first ` +
          `${LATE_LINES_PER_TABLE} are): dated before the checkpoint a run had passed and absent or ` +
          "older on the target",
        { table, more },
      );
    }
  }
}
