// Rows of a latest table whose tmstmp is null. No version range ever selects them, and CQL cannot ask
// for a null, so a light sweep reads every id with its tmstmp and fetches the few untimed rows whole:
// they go to the dead-letter store, as Elasticsearch documents without a version do.
import type cassandra from "cassandra-driver";
import type { BadRecord } from "../../reconcile/record.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { quoteIdentifier as ident } from "../../core/cql-identifier.js";
import { tableRef } from "./cql.js";
import { pagedRows, type PageSettings } from "./paged-rows.js";
import { rowToRecord, selectColumns } from "./row-codec.js";
import type { TokenSplit } from "./token-splits.js";

export async function* untimedRows(
  settings: PageSettings,
  plan: TablePlan,
  split: TokenSplit,
): AsyncGenerator<BadRecord[]> {
  const id = ident(plan.names.id);
  const ts = ident(plan.names.timestamp);
  const table = tableRef(plan.keyspace, plan.table);
  const sweep = `SELECT ${id}, ${ts} FROM ${table} WHERE token(${id}) > ? AND token(${id}) <= ?`;
  const whole = `SELECT ${selectColumns(plan).map(ident).join(", ")} FROM ${table} WHERE ${id} = ?`;
  const options = { prepare: true, consistency: settings.consistency, isIdempotent: true };
  for await (const rows of pagedRows(settings, sweep, [split.start, split.end])) {
    const out: BadRecord[] = [];
    for (const row of rows) {
      if (row.get(plan.names.timestamp) !== null) continue;
      const result = await settings.retry(() =>
        settings.client.execute(whole, [row.get(plan.names.id)], options),
      );
      const full = result.first() as cassandra.types.Row | null;
      // Written since the sweep read it, or deleted: the next run sees it as it is then.
      if (full === null) continue;
      const read = rowToRecord(plan, full);
      if ("kind" in read) out.push(read);
    }
    if (out.length > 0) yield out;
  }
}
