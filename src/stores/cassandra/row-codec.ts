// Turns a Cassandra row into a record and a record into statement parameters, through the value
// codec, so both stores agree on every value's canonical form.
import type cassandra from "cassandra-driver";
import { makeRecord, type BadRecord, type SyncRecord } from "../../core/record.js";
import { microsFromMillis } from "../../core/micros.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import type { JsonValue } from "../../core/json-value.js";
import type { VersionPrecision } from "../../core/version.js";
import { encodeValue } from "../values/encode.js";
import { idFromRow } from "../values/key-codec.js";
import { isUuidKey, keyColumns } from "../../core/table-key.js";
import { timeuuidMicros } from "./timeuuid.js";
import { cell, cellNames } from "./row-cells.js";

/** How finely the table's timestamp column keeps a version: a `timestamp` to the millisecond. */
export function cassandraPrecision(plan: TablePlan): VersionPrecision {
  return plan.timestampType === "timestamp" ? "millisecond" : "microsecond";
}

export function rowVersion(plan: TablePlan, value: unknown): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  if (plan.timestampType === "timestamp") {
    const ms = value instanceof Date ? value.getTime() : Number.NaN;
    return Number.isFinite(ms) ? microsFromMillis(ms) : undefined;
  }
  return timeuuidMicros(text(value));
}

/** The names of the key columns, in key order. */
export function keyColumnNames(plan: TablePlan): string[] {
  return keyColumns(plan.key).map((c) => c.name);
}

/** The columns a record is read from: the key, timestamp, the tombstone if any, and the content. */
export function selectColumns(plan: TablePlan): string[] {
  const names = [...keyColumnNames(plan), plan.names.timestamp];
  if (plan.hasTombstone) names.push(plan.names.tombstone);
  return [...names, ...plan.contentColumns.map((c) => c.name)];
}

/** A timeuuid cell as text (its canonical form); undefined for a null or missing cell. */
export function timeuuidText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : text(value);
}

/** Uuid, TimeUuid and friends print their canonical form. */
function text(value: unknown): string {
  return typeof value === "string" ? value : (value as { toString(): string }).toString();
}

/** The id of a row's record; a uuid key is read as it is, the commonest and cheapest case. */
function rowId(plan: TablePlan, row: cassandra.types.Row): string | undefined {
  if (isUuidKey(plan.key)) {
    const raw: unknown = cell(row, plan.key.partition[0]?.name ?? "");
    return raw === null || raw === undefined ? undefined : text(raw).toLowerCase();
  }
  return idFromRow(plan.key, (column) => cell(row, column));
}

/** A row as a record, or the reason it cannot be one. Null columns are left out of the content. */
export function rowToRecord(plan: TablePlan, row: cassandra.types.Row): SyncRecord | BadRecord {
  let id: string | undefined;
  try {
    id = rowId(plan, row);
    if (id === undefined) return bad(plan, undefined, `no ${keyColumnNames(plan).join(", ")}`, row);
    const version = rowVersion(plan, cell(row, plan.names.timestamp));
    if (version === undefined) {
      const reason = `no ${plan.names.timestamp}: a row without a version cannot be compared; set its ${plan.names.timestamp}`;
      return { ...bad(plan, id, reason, row), undated: true };
    }
    const deleted = plan.hasTombstone && cell(row, plan.names.tombstone) === true;
    const content: Record<string, JsonValue> = {};
    for (const column of plan.contentColumns) {
      const value = encodeValue(cell(row, column.name), column.type, column.name);
      if (value !== null) content[column.name] = value;
    }
    return makeRecord(id, version, deleted, content);
  } catch (error) {
    return bad(plan, id, error instanceof Error ? error.message : String(error), row);
  }
}

function bad(plan: TablePlan, id: string | undefined, reason: string, row: cassandra.types.Row): BadRecord {
  // Without a prototype, a column named `__proto__` is kept as a cell like any other.
  const raw = Object.create(null) as Record<string, unknown>;
  for (const key of cellNames(row)) raw[key] = cell(row, key);
  const version = badVersion(plan, row);
  return {
    kind: "bad",
    ...(id === undefined ? {} : { id }),
    reason,
    raw,
    ...(version === undefined ? {} : { version }),
  };
}

/** The version of a row that is no record, where its timestamp column still reads as one. */
function badVersion(plan: TablePlan, row: cassandra.types.Row): bigint | undefined {
  try {
    return rowVersion(plan, cell(row, plan.names.timestamp));
  } catch {
    return undefined;
  }
}
