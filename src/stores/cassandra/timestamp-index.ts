// A storage-attached index (SAI, Cassandra 5) on a table's timestamp column. With it, a range read on
// the timestamp finds the changed rows through the index instead of filtering every row of the table,
// so an incremental run costs what changed. The price: every write also updates the index (a few per
// cent of write throughput, and disk for the index), and building it on a large table takes a while.
import type cassandra from "cassandra-driver";
import { setTimeout as delay } from "node:timers/promises";
import { quoteIdentifier } from "../../core/cql-identifier.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { StoreError } from "../store-errors.js";
import { tableRef } from "./cql.js";

const POLL_MS = 500;
/** Building an index on a very large table can take hours; past a day something is wrong. */
const BUILD_LIMIT_MS = 86_400_000;

/** The name Cassandra gives an index it names itself, which is also how we find it again. */
export function timestampIndexName(plan: TablePlan): string {
  return `${plan.table}_${plan.names.timestamp}_idx`;
}

export async function createTimestampIndex(
  client: cassandra.Client,
  plan: TablePlan,
  signal: AbortSignal,
  log: (message: string) => void = () => undefined,
): Promise<string> {
  const name = timestampIndexName(plan);
  await client.execute(
    `CREATE CUSTOM INDEX IF NOT EXISTS ${quoteIdentifier(name)} ON ${tableRef(plan.keyspace, plan.table)} ` +
      `(${quoteIdentifier(plan.names.timestamp)}) USING 'StorageAttachedIndex'`,
  );
  const started = Date.now();
  let logged = started;
  // Queries are refused while an index builds; the run reads the table only once it answers.
  for (;;) {
    const result = await client.execute(
      "SELECT index_name, is_queryable FROM system_views.sai_column_indexes WHERE keyspace_name = ?",
      [plan.keyspace],
      { prepare: true },
    );
    const row = result.rows.find((r) => String(r.get("index_name")) === name);
    if (row?.get("is_queryable") === true) return `${plan.keyspace}.${name}`;
    if (Date.now() - started > BUILD_LIMIT_MS) {
      throw new StoreError(
        `the index ${plan.keyspace}.${name} on ${plan.names.timestamp} was still building after a day; ` +
          `check it with nodetool and run again once it is queryable`,
        { keyspace: plan.keyspace, index: name },
      );
    }
    if (Date.now() - logged > 30_000) {
      logged = Date.now();
      log(`waiting for the index ${plan.keyspace}.${name} to finish building`);
    }
    await delay(POLL_MS, undefined, { signal });
  }
}
