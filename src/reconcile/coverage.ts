// What a checkpoint covers (Checkpoint.covers): each table and direction that the runs moving it
// synced without a gap from the earliest version on, as `<table>:<direction>@<index identity>`. The
// identity is the index's uuid (gateway's indexIdentity): an index deleted and made again under the
// same name (by hand, by an application's write, by Elasticsearch from a run's own writes, or by a
// restore from a snapshot), or swapped behind its alias, is another index, which may lack what was
// dated before the checkpoint, so the table is not covered there.
import type { Direction } from "../core/direction.js";
import type { Checkpoint } from "../state/state-store.js";

export type Coverage = "covered" | "not covered" | "other index";

/** The item a checkpoint records for a table and direction synced with the index `identity`. */
export function coverItem(table: string, direction: Direction, identity?: string): string {
  const item = `${table}:${direction}`;
  return identity === undefined ? item : `${item}@${identity}`;
}

/** The table and direction of an item, without its index's identity: what a person reads. */
export function coveredTable(item: string): string {
  const at = item.indexOf("@");
  return at < 0 ? item : item.slice(0, at);
}

/** How `checkpoint` covers a table and direction whose index is `identity` now. */
export function coverageOf(
  checkpoint: Checkpoint | undefined,
): (table: string, direction: Direction, identity: string | undefined) => Coverage {
  // None without a checkpoint; all when it does not say (one saved by an earlier version of synced).
  if (checkpoint === undefined) return () => "not covered";
  if (checkpoint.covers === undefined) return () => "covered";
  const covered = new Set(checkpoint.covers);
  return (table, direction, identity) => {
    const item = coverItem(table, direction);
    // Recorded without an identity (by an earlier version, or where the index could not be told): it
    // covers whichever index the table has.
    if (covered.has(item)) return "covered";
    const synced = [...covered].some((c) => c.startsWith(`${item}@`));
    if (!synced) return "not covered";
    return identity === undefined || covered.has(coverItem(table, direction, identity))
      ? "covered"
      : "other index";
  };
}
