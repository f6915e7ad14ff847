// Reads what Cassandra holds now for a batch of ids: the newest version row of a versioned table, or
// the single row of a latest table together with the newest write time of its cells, which a
// conditional write must exceed to land. A versioned table's write makes a row of its own, above no
// cells but its static columns' (one cell per partition, shared by every version row): their newest
// write time is read with the newest row.
//
// Cassandra 5 reads that time with maxwritetime() per column, collections included. Cassandra 4.1 has
// no maxwritetime(), and its writetime() refuses non-frozen collections and user-defined types (their
// cells each carry a time of their own): there the newest time is taken over the other columns, and
// the token says that some cells' times are unknown, which makes write.ts use a lightweight
// transaction for that row.
import type cassandra from "cassandra-driver";
import type { CqlType } from "../../core/cql-type.js";
import type { BadRecord, CurrentRecord } from "../../core/record.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { mapConcurrent } from "../../util/map-concurrent.js";
import { quoteIdentifier as ident } from "../../core/cql-identifier.js";
import { tableRef } from "./cql.js";
import { keyColumnNames, rowToRecord, selectColumns } from "./row-codec.js";
import { isUuidKey } from "../../core/table-key.js";
import { keyValues } from "../values/key-codec.js";
import type { CassandraCapabilities } from "./capabilities.js";
import { cell, cellNames } from "./row-cells.js";

export interface CassandraToken {
  /** The newest cell write time of the row, in microseconds; undefined when no cell is live. */
  readonly writetime: bigint | undefined;
  /**
   * Whether some of the row's cells have a write time that could not be read (Cassandra 4.1, see
   * above): `writetime` is then the newest of the others only, and may lie below those cells.
   */
  readonly partialWritetime: boolean;
  /** The timestamp column as read, for the IF condition of a lightweight transaction. */
  readonly timestamp: unknown;
}

export interface FetchSettings {
  readonly client: cassandra.Client;
  readonly consistency: number;
  readonly concurrency: number;
  readonly capabilities: CassandraCapabilities;
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
}

/** Ids per query of a latest table: a few partitions per request, without a coordinator fan-out. */
const IDS_PER_QUERY = 20;

/**
 * Whether a query asks for the rows of up to IDS_PER_QUERY records (`key IN ?`): a latest table keyed
 * by one partition column. Otherwise each record has a query of its own, by every key column. Not an
 * inet key: Cassandra reads an IN list's IPv4-mapped address (::ffff:1.2.3.4) as the IPv4 one, as it
 * reads a list's, and so finds another row or none; `key = ?` keeps the 16 bytes.
 */
function manyPerQuery(plan: TablePlan): boolean {
  const [only, ...others] = plan.key.partition;
  const inet = only?.type.kind === "native" && only.type.name === "inet";
  return plan.shape === "latest" && others.length === 0 && plan.key.clustering.length === 0 && !inet;
}

/**
 * The newest row of one record (a versioned table), or the rows of up to IDS_PER_QUERY records (a
 * latest table of one key column, `id IN ?`): fewer, larger requests cost the client and the
 * coordinator less than one each.
 */
export function fetchQuery(plan: TablePlan, capabilities: CassandraCapabilities): string {
  const columns = selectColumns(plan).map(ident);
  const key = keyColumnNames(plan).map(ident);
  const from = `FROM ${tableRef(plan.keyspace, plan.table)} WHERE `;
  const byKey = from + key.map((c) => `${c} = ?`).join(" AND ");
  const writetime = capabilities.maxWritetime ? "maxwritetime" : "writetime";
  const { timed } = writetimeColumns(plan, capabilities);
  const writetimes = timed.map((c, i) => `${writetime}(${ident(c)}) AS wt${i}`);
  const selected = [...columns, ...writetimes].join(", ");
  if (plan.shape === "versioned") {
    return `SELECT ${selected} ${byKey} ORDER BY ${ident(plan.names.timestamp)} DESC LIMIT 1`;
  }
  const where = manyPerQuery(plan) ? `${from}${key[0] ?? ""} IN ?` : byKey;
  return `SELECT ${selected} ${where}`;
}

/**
 * The columns whose cells a write lands over, those whose write time the server can read and those it
 * cannot: a latest table's regular columns, or a versioned table's static ones.
 */
export function writetimeColumns(
  plan: TablePlan,
  capabilities: CassandraCapabilities,
): { timed: string[]; untimed: string[] } {
  const key = new Set(keyColumnNames(plan));
  const statics = new Set(plan.staticColumns ?? []);
  const regular = selectColumns(plan).filter((c) =>
    plan.shape === "versioned" ? statics.has(c) : !key.has(c),
  );
  if (capabilities.maxWritetime) return { timed: regular, untimed: [] };
  const multiCell = new Set(plan.contentColumns.filter((c) => isMultiCell(c.type)).map((c) => c.name));
  return {
    timed: regular.filter((c) => !multiCell.has(c)),
    untimed: regular.filter((c) => multiCell.has(c)),
  };
}

/** A column stored as one cell per element or field: a collection or a UDT that is not frozen. */
function isMultiCell(type: CqlType): boolean {
  return (
    (type.kind === "list" || type.kind === "set" || type.kind === "map" || type.kind === "udt") &&
    !type.frozen
  );
}

function groups<T>(ids: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

export async function fetchCurrent(
  settings: FetchSettings,
  plan: TablePlan,
  ids: readonly string[],
): Promise<Map<string, CurrentRecord<CassandraToken> | BadRecord>> {
  const query = fetchQuery(plan, settings.capabilities);
  const partialWritetime = writetimeColumns(plan, settings.capabilities).untimed.length > 0;
  const options: cassandra.QueryOptions = {
    prepare: true,
    consistency: settings.consistency,
    isIdempotent: true,
  };
  const found = new Map<string, CurrentRecord<CassandraToken> | BadRecord>();
  // A uuid id binds as it is; any other key binds its columns' values, decoded from the id. An id that
  // is no key of this table (a letter of a table whose key changed) is that record's bad record.
  const uuid = isUuidKey(plan.key);
  const bound: { id: string; values: unknown[] }[] = [];
  for (const id of ids) {
    try {
      bound.push({ id, values: uuid ? [id] : keyValues(plan.key, id) });
    } catch (error) {
      found.set(id, {
        kind: "bad",
        id,
        reason: error instanceof Error ? error.message : String(error),
        raw: {},
      });
    }
  }
  const perQuery = manyPerQuery(plan) ? IDS_PER_QUERY : 1;
  const params = (group: typeof bound): unknown[] =>
    perQuery > 1 ? [group.map((item) => item.values[0])] : (group[0]?.values ?? []);
  const pages = await mapConcurrent(groups(bound, perQuery), settings.concurrency, (group) =>
    settings.retry(() => settings.client.execute(query, params(group), options)).then((r) => r.rows),
  );
  for (const row of pages.flat()) {
    // A partition of a versioned table that holds static cells and no version row: the record is
    // absent there (write.ts writes it above those cells).
    if (plan.shape === "versioned" && cell(row, plan.names.timestamp) == null) continue;
    const record = rowToRecord(plan, row);
    if ("kind" in record) {
      if (record.id !== undefined) found.set(record.id, record);
      continue;
    }
    found.set(record.id, {
      ...record,
      token: { writetime: maxWritetime(row), partialWritetime, timestamp: cell(row, plan.names.timestamp) },
    });
  }
  return found;
}

function maxWritetime(row: cassandra.types.Row): bigint | undefined {
  let max: bigint | undefined;
  for (const key of cellNames(row)) {
    if (!/^wt\d+$/.test(key)) continue;
    const value = cell(row, key);
    if (value === null || value === undefined) continue;
    // bigint with the project's driver encoding; a Long's toString is exact too.
    const micros = typeof value === "bigint" ? value : BigInt((value as { toString(): string }).toString());
    if (max === undefined || micros > max) max = micros;
  }
  return max;
}
