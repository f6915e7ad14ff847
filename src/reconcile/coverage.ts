// What a checkpoint covers (Checkpoint.covers): each table and direction that the runs moving it
// synced without a gap from the earliest version on, as
// `<table>:<direction>@<index>/<table id>/<column choice>`.
// `<index>` is the index's uuid (gateway's indexIdentity) and `<table id>` the Cassandra table's
// (TablePlan.tableId). An index deleted and made again under the same name (by hand, by an
// application's write, by Elasticsearch from a run's own writes, or by a restore from a snapshot), or
// swapped behind its alias, is another index, and a table dropped and created again under its name
// is another table: either may lack what was dated before the checkpoint, or hold what the other side
// never received, so the table is not covered there. `<column choice>` is the digest of the columns
// the table's settings chose and the fields they named (column-choice.ts): under other settings every
// document may lack a column newly included, or hold a field under a name no longer synced, however
// old its record, so the table is not covered either.
import type { Direction } from "../core/direction.js";
import type { Checkpoint } from "../state/state-store.js";

export type Coverage = "covered" | "not covered" | "other index" | "other table" | "other columns";

/** What tells the two sides a table was synced between from others made under their names. */
export interface SidesIdentity {
  /** The index's uuid, or those behind its alias; absent: it does not exist, or cannot be told. */
  readonly index?: string | undefined;
  /** The Cassandra table's id; absent: not known. */
  readonly table?: string | undefined;
  /** The digest of the settings' column choice (TablePlan.columnChoice); absent: not known. */
  readonly columns?: string | undefined;
}

/** The item a checkpoint records for a table and direction synced between the sides `identity`. */
export function coverItem(table: string, direction: Direction, identity: SidesIdentity = {}): string {
  const item = `${table}:${direction}`;
  if (identity.columns !== undefined)
    return `${item}@${identity.index ?? ""}/${identity.table ?? ""}/${identity.columns}`;
  if (identity.table !== undefined) return `${item}@${identity.index ?? ""}/${identity.table}`;
  return identity.index === undefined ? item : `${item}@${identity.index}`;
}

// The direction is the last `:to-es` or `:to-cassandra`: a quoted table name may hold `:` and `@`,
// an identity neither.
const ITEM = /^(.*:(?:to-es|to-cassandra))(?:@([^@:]*))?$/s;

/** The table and direction of an item, without its sides' identity: what a person reads. */
export function coveredTable(item: string): string {
  return ITEM.exec(item)?.[1] ?? item;
}

/** The identity an item records: an empty or absent part (recorded by an earlier version) is unknown. */
function recordedIdentity(item: string): SidesIdentity {
  const [index = "", table = "", columns = ""] = (ITEM.exec(item)?.[2] ?? "").split("/");
  return { ...(index ? { index } : {}), ...(table ? { table } : {}), ...(columns ? { columns } : {}) };
}

/**
 * Whether a checkpoint records how the settings chose and named each table's columns: one saved by a
 * version of synced before it did, or by such a version after a rollback, or placed by `synced state
 * set` where there was none, does not, and its tables are taken as synced under the settings of now.
 */
export function recordsColumnChoice(checkpoint: Checkpoint): boolean {
  if (checkpoint.covers === undefined) return false;
  const tables = checkpoint.covers.filter((item) => ITEM.test(item));
  return tables.length === 0 || tables.some((item) => recordedIdentity(item).columns !== undefined);
}

/** Whether two identities of one side differ; one that is not known is taken for the same. */
const differ = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a !== b;

/** How `checkpoint` covers a table and direction whose sides are `identity` now. */
export function coverageOf(
  checkpoint: Checkpoint | undefined,
): (table: string, direction: Direction, identity: SidesIdentity) => Coverage {
  // None without a checkpoint; all when it does not say (one saved by an earlier version of synced).
  if (checkpoint === undefined) return () => "not covered";
  if (checkpoint.covers === undefined) return () => "covered";
  const covers = checkpoint.covers;
  return (table, direction, identity) => {
    const name = coverItem(table, direction);
    const recorded = covers.filter((c) => coveredTable(c) === name).map(recordedIdentity);
    if (recorded.length === 0) return "not covered";
    const changed = recorded.map((r) =>
      differ(r.index, identity.index)
        ? "other index"
        : differ(r.table, identity.table)
          ? "other table"
          : differ(r.columns, identity.columns)
            ? "other columns"
            : "covered",
    );
    return changed.includes("covered") ? "covered" : (changed[0] ?? "not covered");
  };
}
