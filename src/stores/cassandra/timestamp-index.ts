// A storage-attached index (SAI, Cassandra 5) on a table's timestamp column. With it, a range read on
// the timestamp finds the changed rows through the index instead of filtering every row of the table,
// so an incremental run costs what changed. The price: every write also updates the index (a few per
// cent of write throughput, and disk for the index), and building it on a large table takes a while.
import cassandra from "cassandra-driver";
import { setTimeout as delay } from "node:timers/promises";
import { quoteIdentifier } from "../../core/cql-identifier.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { StoreError } from "../store-errors.js";
import { isUnauthorized } from "./cassandra-errors.js";
import { tableRef } from "./cql.js";

const POLL_MS = 500;
const INVALID: number = cassandra.types.responseErrorCodes.invalid;
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
  await untilQueryable(client, plan, [name], signal, log);
  return `${plan.keyspace}.${name}`;
}

/**
 * Waits until the storage-attached indexes on the table's timestamp column answer queries, where one
 * is still being built: Cassandra refuses every read of the range through an index that builds (as
 * a bare "Server failure during read query"), also with ALLOW FILTERING. A run stopped while its
 * --create-timestamp-index built the index leaves it building, and so does one created by hand on a
 * large table. Returns the indexes it waited for (keyspace.name), none where every one answered.
 */
export async function awaitTimestampIndex(
  client: cassandra.Client,
  plan: TablePlan,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<string[]> {
  // The names come with the plan, from the keyspace's schema read at its start.
  const names = plan.timestampIndexes ?? [];
  // A role that may not read system_views cannot tell: the read goes on as it did before this check.
  const states = await queryable(client, plan.keyspace, names).catch((error: unknown) => {
    // Refused: the role may not read the index's state; invalid: the node has no such view.
    if (
      isUnauthorized(error) ||
      (error instanceof cassandra.errors.ResponseError && error.code === INVALID)
    ) {
      return [];
    }
    throw error;
  });
  // Only an index the node lists as not queryable is waited for: one it does not list is left to the read.
  const building = states.filter((n) => n.queryable === false);
  if (building.length === 0) return [];
  const waited = building.map((n) => n.name);
  log(
    `the index ${waited.map((n) => `${plan.keyspace}.${n}`).join(", ")} on ${plan.keyspace}.${plan.table}'s ` +
      `${plan.names.timestamp} is still being built, and Cassandra refuses reads through it until it is ` +
      "(a run stopped while --create-timestamp-index built it leaves it so): waiting for it",
  );
  await untilQueryable(client, plan, waited, signal, log);
  return waited.map((n) => `${plan.keyspace}.${n}`);
}

/** Whether each named index of the keyspace answers queries; undefined where this node lists it not. */
async function queryable(
  client: cassandra.Client,
  keyspace: string,
  names: readonly string[],
): Promise<{ name: string; queryable: boolean | undefined }[]> {
  if (names.length === 0) return [];
  const result = await client.execute(
    "SELECT index_name, is_queryable FROM system_views.sai_column_indexes WHERE keyspace_name = ?",
    [keyspace],
    { prepare: true },
  );
  return names.map((name) => {
    const row = result.rows.find((r) => String(r.get("index_name")) === name);
    return { name, queryable: row === undefined ? undefined : row.get("is_queryable") === true };
  });
}

async function untilQueryable(
  client: cassandra.Client,
  plan: TablePlan,
  names: readonly string[],
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<void> {
  const started = Date.now();
  let logged = started;
  const label = names.map((n) => `${plan.keyspace}.${n}`).join(", ");
  // Queries are refused while an index builds; the run reads the table only once it answers.
  for (;;) {
    const states = await queryable(client, plan.keyspace, names);
    // One just created may not be listed yet: it is waited for as one that builds.
    if (states.every((s) => s.queryable === true)) return;
    if (Date.now() - started > BUILD_LIMIT_MS) {
      throw new StoreError(
        `the index ${label} on ${plan.names.timestamp} was still building after a day; ` +
          `check it with nodetool and run again once it is queryable`,
        { keyspace: plan.keyspace, index: names.join(", ") },
      );
    }
    if (Date.now() - logged > 30_000) {
      logged = Date.now();
      log(`waiting for the index ${label} to finish building`);
    }
    await delay(POLL_MS, undefined, { signal });
  }
}
