// A table altered while a run reads or writes it. Cassandra drops the statements prepared for a table
// when its schema changes, and the driver prepares each again on its next use. When the statement no
// longer fits the table (it names a column that was dropped, or the table itself is gone), preparing
// fails, the driver keeps the server's "unprepared" answer, and every try answers the same: no retry
// cures it, and it is not the cluster that is unhealthy.
import cassandra from "cassandra-driver";
import { SyncedError } from "../../core/errors.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { selectColumns } from "./row-codec.js";

/** The server's answer to a statement it does not know (a number, as ResponseError.code is typed). */
const UNPREPARED: number = cassandra.types.responseErrorCodes.unprepared;

/** Whether every host tried answered that it did not know the prepared statement. */
export function isUnpreparedOnly(error: unknown): boolean {
  const unprepared = (e: unknown): boolean =>
    e instanceof cassandra.errors.ResponseError && e.code === UNPREPARED;
  if (unprepared(error)) return true;
  if (!(error instanceof cassandra.errors.NoHostAvailableError)) return false;
  const inner = Object.values((error.innerErrors ?? {}) as Record<string, unknown>);
  return inner.length > 0 && inner.every(unprepared);
}

/**
 * What changed in the table since the run planned it, in words: undefined while the table still has
 * every column the run reads and writes (a column added since fits the statements as they are).
 */
export async function tableChange(client: cassandra.Client, plan: TablePlan): Promise<string | undefined> {
  const result = await client.execute(
    "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
    [plan.keyspace, plan.table],
    { prepare: true },
  );
  if (result.rowLength === 0) return "the table was dropped";
  const present = new Set(result.rows.map((row) => String(row.get("column_name"))));
  const dropped = selectColumns(plan).filter((column) => !present.has(column));
  if (dropped.length === 0) return undefined;
  return dropped.length === 1
    ? `column ${dropped[0] ?? ""} was dropped`
    : `columns ${dropped.join(", ")} were dropped`;
}

/**
 * The run stops: the table no longer has what the run planned for; run again, it is planned anew. The
 * advice names no run, as the words of verify, replay or plan replace "run again" (stop-words.ts).
 */
export class TableChangedError extends SyncedError {
  constructor(plan: TablePlan, change: string, action: string, cause: unknown) {
    super(
      `table ${plan.keyspace}.${plan.table} changed during the run (${change}), so synced could not ` +
        `${action} with the statements it prepared for it. The run stopped without moving the checkpoint; ` +
        "run again, and the table is planned as it is now.",
      { keyspace: plan.keyspace, table: plan.table, change, action },
      { cause },
    );
  }
}
