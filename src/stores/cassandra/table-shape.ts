// Which of the two supported shapes a table has, with its key, or why it has neither. Pure: it reads the rows of
// system_schema.columns, so a unit test can check every reason without a server.
import type { ColumnNames } from "../../reconcile/table-plan.js";
import type { UdtLookup } from "../../core/cql-type.js";
import { keyTypeProblem } from "./key-types.js";

export interface SchemaColumn {
  readonly name: string;
  readonly kind: "partition_key" | "clustering" | "regular" | "static";
  readonly position: number;
  /** The CQL type as system_schema.columns spells it. */
  readonly type: string;
}

export type TableShape =
  | {
      readonly supported: true;
      readonly shape: "versioned" | "latest";
      readonly timestampType: "timeuuid" | "timestamp";
      readonly hasTombstone: boolean;
      /** The partition key columns, in order. */
      readonly partition: readonly SchemaColumn[];
      /** The clustering columns that tell records apart (not the timestamp), in order. */
      readonly clustering: readonly SchemaColumn[];
      readonly contentColumns: readonly SchemaColumn[];
    }
  | { readonly supported: false; readonly reason: string };

const unsupported = (reason: string): TableShape => ({ supported: false, reason });

function byPosition(columns: readonly SchemaColumn[], kind: SchemaColumn["kind"]): SchemaColumn[] {
  return columns.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position);
}

/**
 * A table is synced when it has a timestamp column, its key columns are of key types (key-types.ts),
 * and the timestamp is either a regular column (latest: one row per record) or the last clustering
 * column (versioned: one row per version of a record). The key is the primary key without the
 * timestamp. `lookupUdt` finds the user-defined types a frozen key column may be made of.
 */
export function classifyTable(
  columns: readonly SchemaColumn[],
  names: ColumnNames,
  lookupUdt: UdtLookup = () => undefined,
): TableShape {
  const timestamp = columns.find((c) => c.name === names.timestamp);
  const tombstone = columns.find((c) => c.name === names.tombstone);
  if (columns.some((c) => c.type === "counter"))
    return unsupported("counter table: counters cannot be copied");
  if (!timestamp) {
    return unsupported(`no '${names.timestamp}' column (set --timestamp-column if it has another name)`);
  }
  if (timestamp.type !== "timeuuid" && timestamp.type !== "timestamp") {
    return unsupported(`'${names.timestamp}' is ${timestamp.type}, not timeuuid or timestamp`);
  }
  if (tombstone && tombstone.type !== "boolean") {
    return unsupported(`tombstone column '${names.tombstone}' is ${tombstone.type}, not boolean`);
  }
  const partition = byPosition(columns, "partition_key");
  let clustering = byPosition(columns, "clustering");
  if (timestamp.kind === "partition_key") {
    return unsupported(
      `'${names.timestamp}' is part of the partition key; it must be a regular column or the last clustering column`,
    );
  }
  let shape: "versioned" | "latest" = "latest";
  if (timestamp.kind === "clustering") {
    if (clustering[clustering.length - 1]?.name !== names.timestamp) {
      const key = clustering.map((c) => c.name).join(", ");
      return unsupported(
        `clustering columns (${key}): '${names.timestamp}' must be the last of them, so that the rows of one record are its versions`,
      );
    }
    shape = "versioned";
    clustering = clustering.slice(0, -1);
  }
  if (tombstone !== undefined && tombstone.kind !== "regular") {
    return unsupported(`tombstone column '${names.tombstone}' is part of the primary key`);
  }
  const shared = columns.find((c) => c.kind === "static");
  if (shared !== undefined && clustering.length > 0) {
    return unsupported(
      `static column '${shared.name}': its value is shared by every record of a partition, so one record's write would change the others`,
    );
  }
  for (const column of [...partition, ...clustering]) {
    const problem = keyTypeProblem(column.type, lookupUdt);
    if (problem !== undefined) return unsupported(`key column '${column.name}' is ${problem}`);
  }
  const reserved = new Set([...partition, ...clustering].map((c) => c.name));
  reserved.add(names.timestamp).add(names.tombstone);
  return {
    supported: true,
    shape,
    timestampType: timestamp.type,
    hasTombstone: tombstone !== undefined,
    partition,
    clustering,
    contentColumns: columns.filter((c) => !reserved.has(c.name)),
  };
}
