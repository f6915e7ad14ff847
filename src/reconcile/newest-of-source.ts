// A versioned table's scan gives each record's newest row below the range's end. Where the range
// ends behind now (a backfill's -e, a repair over a range), a row written since may be newer: a
// delete, say. Written in its place where the target lacks the record (a document purged after its
// delete) or holds it older, the older row would bring a deleted record back, and no incremental run
// reads the newer row again, dated behind its checkpoint. The record's newest row is written instead.
import { makeRecord, type BadRecord, type CurrentRecord, type SyncRecord } from "../core/record.js";
import type { VersionPrecision } from "../core/version.js";
import { decideOverDrops } from "./dropped-values.js";
import type { RecordStore, TimeRange } from "./record-store.js";
import type { TablePlan } from "./table-plan.js";

export interface NewestInput {
  readonly plan: TablePlan;
  readonly source: RecordStore;
  readonly range: TimeRange;
}

/** Whether the source keeps a row per version, so its scan can miss a newer row past the end. */
export function keepsVersions(input: NewestInput): boolean {
  return input.source.side === "cassandra" && input.plan.shape === "versioned";
}

/**
 * `records`, each that would be written replaced by the source's newest row of it where that row is
 * newer (and not past the future limit, which a run dead-letters rather than copies). Read only for
 * the records that would be written, which are few where a backfill goes over a range that agrees.
 */
export async function newestOfSource(
  input: NewestInput,
  records: readonly SyncRecord[],
  current: ReadonlyMap<string, CurrentRecord | BadRecord>,
  precision: VersionPrecision,
): Promise<readonly SyncRecord[]> {
  const writes = records.filter((record) => {
    const held = current.get(record.id);
    if (held !== undefined && "kind" in held) return false;
    return decideOverDrops(input.plan, "to-es", record, held, precision).decision.action === "write";
  });
  if (writes.length === 0) return records;
  const newest = await input.source.fetchCurrent(
    input.plan,
    writes.map((r) => r.id),
  );
  const limit = input.range.futureLimit;
  return records.map((record) => {
    const found = newest.get(record.id);
    if (found === undefined || "kind" in found || found.version <= record.version) return record;
    if (limit !== undefined && found.version >= limit) return record;
    return makeRecord(record.id, found.version, found.deleted, found.content);
  });
}
