// The routing value of a table's documents (the config file's `routing`): the canonical text of one
// key column, taken from the record id, which holds every key column's text (core/table-key.ts). The
// id is what both the writes and the lookups by id have, so both name the same shard.
import { keyColumns, splitKey } from "../../core/table-key.js";
import type { TablePlan } from "../../reconcile/table-plan.js";

/** The routing value of the record `id`; undefined when the plan's documents are routed by `_id`. */
export function documentRouting(plan: TablePlan, id: string): string | undefined {
  const column = plan.es.routing;
  if (column === undefined) return undefined;
  const columns = keyColumns(plan.key);
  const at = columns.findIndex((c) => c.name === column);
  const value = at < 0 ? undefined : splitKey(id, columns.length)?.[at];
  // The plan accepts only a key column, and every id is made from the key.
  if (value === undefined) throw new Error(`no value of routing column ${column} in id ${id}`);
  return value;
}
