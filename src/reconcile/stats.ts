// Counters for one table in one direction, as the summary reports them.
import type { Direction } from "../core/direction.js";

export interface TableStats {
  readonly table: string;
  readonly direction: Direction;
  /** Records read in the range (and bad ones), after the engine placed what the store read. */
  scanned: number;
  /**
   * Rows the source read to find them, where it reads rows outside the range and drops them itself
   * (a Cassandra table read whole); absent where the store's query selects the range.
   */
  read?: number;
  /** `read` is the store's estimate of the rows its server read and filtered, not a count. */
  readEstimated?: boolean;
  written: number;
  /** Records the target already had (same version and content). */
  unchanged: number;
  /** Records the target holds a newer version of. */
  targetNewer: number;
  /** Ties that the target won by the deterministic rule. */
  tieLost: number;
  /** Records the target would hold as expired already (its rows' default time to live), not written. */
  expired: number;
  /** Writes that met a concurrent write and were decided again. */
  conflicts: number;
  deadLettered: number;
  /** Records the look-back window found out of step: dated before the checkpoint, seen after it. */
  late: number;
  /**
   * By document field that no column holds: how many documents read here held it (each went to the
   * dead letters). A record without a prototype, so that any field name is a plain key.
   */
  readonly unmappedFields: Record<string, number>;
  durationMs: number;
}

export function emptyStats(table: string, direction: Direction): TableStats {
  return {
    table,
    direction,
    scanned: 0,
    written: 0,
    unchanged: 0,
    targetNewer: 0,
    tieLost: 0,
    expired: 0,
    conflicts: 0,
    deadLettered: 0,
    late: 0,
    unmappedFields: Object.create(null) as Record<string, number>,
    durationMs: 0,
  };
}

export function skippedCount(stats: TableStats): number {
  return stats.unchanged + stats.targetNewer + stats.tieLost + stats.expired;
}
