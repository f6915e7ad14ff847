// When a run read far more than its range held: a Cassandra table without a timestamp index is read
// whole by every run, and only the records of the range are kept. An incremental run then costs what
// the table holds, not what changed, and a user sees it only as a slow run. The run says so, once,
// with the measured ratio and the option that fixes it.
//
// Only reads a store reports are judged (TableStats.read): the Cassandra scan of a whole table, which
// drops what lies outside the range itself and counts what it read, and the scan of a versioned table
// without the index, which the server filters (ALLOW FILTERING). The server reads every row for that
// too, but tells no one how many, so the store reports Cassandra's estimate of the table's partitions
// (TableStats.readEstimated), each one id and one row or more. The search side's query selects the
// range in the index, so it reads what the range holds.
import type { TableStats } from "./stats.js";

/**
 * Rows read per record in range from which a run says so: at 10, nine rows in ten were read only to
 * be dropped, and the read, not the writes, is most of what the run costs.
 */
export const READ_NOTICE_RATIO = 10;

/**
 * Rows read below which a run says nothing, whatever the ratio: synced reads 10,000 rows in well under
 * a second, less than a small table's index would cost its writes, and a run every few minutes would
 * otherwise repeat the notice for a table where it does not matter.
 */
export const READ_NOTICE_MIN_ROWS = 10_000;

/** Rows read per record in range, to one decimal; undefined where the read was not counted or held none. */
export function readPerInRange(stats: Pick<TableStats, "read" | "scanned">): number | undefined {
  if (stats.read === undefined || stats.scanned === 0) return undefined;
  return Math.round((stats.read / stats.scanned) * 10) / 10;
}

/** True when the table's read is worth a notice: many rows, and many times what the range held. */
export function readFarMore(stats: Pick<TableStats, "read" | "scanned">): boolean {
  const read = stats.read;
  if (read === undefined || read < READ_NOTICE_MIN_ROWS) return false;
  return read >= READ_NOTICE_RATIO * Math.max(1, stats.scanned);
}

const count = (n: number): string => n.toLocaleString("en-US");

function oneTable(stats: TableStats): string {
  const read = stats.read ?? 0;
  const estimated = stats.readEstimated === true;
  const what = estimated ? `about ${count(read)} partitions read` : `${count(read)} rows read`;
  const source = estimated ? ", by Cassandra's size estimate" : "";
  if (stats.scanned === 0) return `${stats.table} (${what}, none in range${source})`;
  const times = `${estimated ? "about " : ""}${count(Math.round(read / stats.scanned))}×`;
  return `${stats.table} (${what} for ${count(stats.scanned)} in range, ${times}${source})`;
}

/**
 * One line naming every table the run read far more of than its range held, what it costs and how
 * to stop it; undefined when there is none.
 */
export function readNotice(tables: readonly TableStats[]): string | undefined {
  const far = tables.filter(readFarMore);
  if (far.length === 0) return undefined;
  return (
    `read far more than the range held: ${far.map(oneTable).join(", ")}. ` +
    `Without an index on its timestamp column, Cassandra selects a time range only by reading every ` +
    `row, so each run costs what the table holds, not what changed. --create-timestamp-index ` +
    `(Cassandra 5.0 and later) indexes that column so that runs read only their range; the price: each ` +
    `write to the table also updates the index (a few per cent of write throughput, and some disk), ` +
    `the first run builds it and waits, and rows without a timestamp are then looked for only by runs ` +
    `from the epoch (-b 0). See "Large tables" in the README`
  );
}
