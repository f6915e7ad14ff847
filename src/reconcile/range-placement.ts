// Where a scanned record stands against the run's range: inside it, beyond it, or so far in the
// future that it would win every comparison until then. The stores read what their queries select;
// the engine alone decides what of it the run syncs and what it dead-letters.
import { formatMicros, MIN_MICROS } from "../core/micros.js";
import type { ScanBatch, TimeRange } from "./record-store.js";
import type { BadRecord, SyncRecord } from "../core/record.js";

/**
 * The range a run's scans read: `[begin, end)` with the future limit, and an end after that limit (an
 * -e days ahead with --allow-future-end) brought back to it. Past the limit a record is dead-lettered
 * whatever the end, as every incremental run dead-letters it: copied, it would win every comparison
 * until its date. A versioned table's scan keeps the newest row below the end, so the end is cut
 * rather than the placement alone: a row beyond the limit must not hide the record's row before it.
 */
export function scanRangeOf(begin: bigint, end: bigint, futureLimit: bigint): Required<TimeRange> {
  return { begin, end: end > futureLimit ? futureLimit : end, futureLimit };
}

/** A scanned record inside the range, a bad record if it lies beyond the future limit, or nothing. */
export function placeInRange(record: SyncRecord, range: TimeRange): SyncRecord | BadRecord | undefined {
  if (record.version < MIN_MICROS) {
    // Read only by a range from the earliest (readsBeforeEarliest): no range holds it.
    return {
      kind: "bad",
      id: record.id,
      reason:
        `its timestamp ${formatMicros(record.version)} is before 0001-01-01, the earliest version synced reads, ` +
        "so no range holds it; correct the record's timestamp at its source (a year typed as 0 or negative, or " +
        "an epoch in the wrong unit)",
      raw: record,
      version: record.version,
    };
  }
  if (record.version < range.end) return record;
  if (range.futureLimit === undefined || record.version < range.futureLimit) return undefined;
  return {
    kind: "bad",
    id: record.id,
    reason:
      `its timestamp ${formatMicros(record.version)} is far in the future (more than --max-future after the ` +
      `clock of this run: after ${formatMicros(range.futureLimit)}), so it would win every comparison until ` +
      "then; correct the record's timestamp, or raise --max-future where such dates are meant",
    raw: record,
    version: record.version,
  };
}

/**
 * A batch as the run sees it: records past the end left out, those past the future limit bad, and a
 * bad record dated between the two left to the run whose range holds it (a backfill of an old month
 * is no place for a letter of today's).
 */
export function placeBatch(batch: ScanBatch, range: TimeRange): ScanBatch {
  const beyond = (bad: BadRecord): boolean =>
    bad.version !== undefined &&
    bad.version >= range.end &&
    (range.futureLimit === undefined || bad.version < range.futureLimit);
  // Most batches lie wholly inside the range: they pass as they are, without a copy.
  const inside = (record: SyncRecord): boolean => record.version < range.end && record.version >= MIN_MICROS;
  if (batch.records.every(inside) && !batch.bad.some(beyond)) return batch;
  const records: SyncRecord[] = [];
  const bad: BadRecord[] = batch.bad.filter((b) => !beyond(b));
  for (const record of batch.records) {
    const placed = placeInRange(record, range);
    if (placed === undefined) continue;
    if ("kind" in placed) bad.push(placed);
    else records.push(placed);
  }
  return { records, bad };
}
