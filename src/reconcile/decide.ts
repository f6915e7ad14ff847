// Whether a source record is written to the target: a pure function of the two versions and contents.
// The same rule runs in both directions, so one run always converges the two sides.
import type { CurrentRecord, SyncRecord } from "../core/record.js";
import { fullerContent, recordDigest, sameContent } from "./record.js";
import { compareVersions, truncate, type VersionPrecision } from "../core/version.js";

export type Decision =
  | { readonly action: "write"; readonly reason: "absent" | "newer" | "tie-break" }
  | { readonly action: "skip"; readonly reason: "unchanged" | "target-newer" | "tie-lost" }
  /** Decided by the engine, not here: the target would hold it as expired already (record-store.ts). */
  | { readonly action: "skip"; readonly reason: "expired" };

/**
 * Equal versions with different content are a tie. A tombstone beats a live record (a delete is the
 * later intent when both claim the same instant). A copy that holds every value of the other and more
 * wins next: the two do not disagree, one lacks what was never copied to it (a column synced since,
 * through `include` or one added to the table and filled in place), and the other winning would write
 * nulls over those values. Otherwise the larger content digest wins. Both sides compute the same
 * winner, whichever direction runs.
 */
export function sourceWinsTie(source: SyncRecord, target: SyncRecord): boolean {
  if (source.deleted !== target.deleted) return source.deleted;
  const fuller = fullerContent(source, target);
  if (fuller !== 0) return fuller > 0;
  return recordDigest(source) > recordDigest(target);
}

export function decide(
  source: SyncRecord,
  target: CurrentRecord | undefined,
  precision: VersionPrecision,
): Decision {
  if (target === undefined) return { action: "write", reason: "absent" };
  const order = compareVersions(source.version, target.version, precision);
  if (order > 0) return { action: "write", reason: "newer" };
  if (order < 0) return { action: "skip", reason: "target-newer" };
  if (sameContent(source, target)) {
    return { action: "skip", reason: "unchanged" };
  }
  // Equal at the coarser precision, with other content. The coarser copy's version holds nothing below
  // its unit: a finer copy dated later within it is later in its own store, and writing the coarser
  // copy over it would replace a newer write there. Only versions equal in full are a tie.
  const exact = compareVersions(source.version, target.version, "microsecond");
  if (exact !== 0)
    return exact > 0 ? { action: "write", reason: "tie-break" } : { action: "skip", reason: "tie-lost" };
  return sourceWinsTie(source, target)
    ? { action: "write", reason: "tie-break" }
    : { action: "skip", reason: "tie-lost" };
}

/**
 * Whether a winner goes into a versioned table of microseconds (a timeuuid) as a row of the very
 * version it tied with, placed above the row it beat (`PlannedWrite.aboveTie`), rather than one
 * microsecond above it: the copy it won over (an index's, which keeps microseconds) is at that version
 * already, so the run leaves both sides at the same version and the next writes nothing.
 */
export function writesAboveTie(
  record: { version: bigint },
  current: { version: bigint } | undefined,
  rowPrecision: VersionPrecision | undefined,
): boolean {
  return rowPrecision === "microsecond" && record.version === current?.version;
}

/**
 * The version to store for a winner: its own, or, where the target keeps a row per version and the
 * winner's version falls on the row it beat at that table's precision (a tie `decide` gave to the
 * source, or a copy dated later within the millisecond of a table of milliseconds), one unit of that
 * precision above the row's. Written on the same row under its own timeuuid, a microsecond table would
 * hold two rows of that instant and its newest would be whichever timeuuid sorts higher, not the
 * winner (so a tie there is first offered to writesAboveTie, whose row sorts above); a table of
 * milliseconds would be written over the row it beat, with a write time below the application's
 * own, so the winner would never land. One unit above makes the winner the newest row.
 * A target of one copy per record (an index, a latest table) is written at the version itself: one
 * microsecond above, a copy that keeps microseconds on the other side would be older than it, and the
 * next run would copy that version back (in a versioned table, a second row of the same content).
 *
 * `rowPrecision`: the precision a target that keeps a row per version stores versions in, undefined
 * for a target of one copy per record.
 */
export function versionToWrite(
  record: { version: bigint },
  current: { version: bigint } | undefined,
  rowPrecision: VersionPrecision | undefined,
): bigint {
  if (current === undefined) return record.version;
  if (rowPrecision === undefined) {
    return current.version <= record.version ? record.version : current.version + 1n;
  }
  const held = truncate(current.version, rowPrecision);
  if (truncate(record.version, rowPrecision) > held) return record.version;
  return held + (rowPrecision === "millisecond" ? 1000n : 1n);
}
