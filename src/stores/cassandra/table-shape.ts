// Which of the two supported shapes a table has, or why it has neither. Pure: it reads the rows of
// system_schema.columns, so a unit test can check every reason without a server.
import type { ColumnNames } from "../../reconcile/table-plan.js";

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
      readonly contentColumns: readonly SchemaColumn[];
    }
  | { readonly supported: false; readonly reason: string };

const unsupported = (reason: string): TableShape => ({ supported: false, reason });

function byPosition(columns: readonly SchemaColumn[], kind: SchemaColumn["kind"]): SchemaColumn[] {
  return columns.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position);
}

export function classifyTable(columns: readonly SchemaColumn[], names: ColumnNames): TableShape {
  const id = columns.find((c) => c.name === names.id);
  const timestamp = columns.find((c) => c.name === names.timestamp);
  const tombstone = columns.find((c) => c.name === names.tombstone);
  if (columns.some((c) => c.type === "counter"))
    return unsupported("counter table: counters cannot be copied");
  if (!id) return unsupported(`no '${names.id}' column (set --id-column if the id has another name)`);
  if (!timestamp) {
    return unsupported(`no '${names.timestamp}' column (set --timestamp-column if it has another name)`);
  }
  if (id.type !== "uuid" && id.type !== "timeuuid") {
    return unsupported(`'${names.id}' is ${id.type}, not uuid`);
  }
  if (timestamp.type !== "timeuuid" && timestamp.type !== "timestamp") {
    return unsupported(`'${names.timestamp}' is ${timestamp.type}, not timeuuid or timestamp`);
  }
  if (tombstone && tombstone.type !== "boolean") {
    return unsupported(`tombstone column '${names.tombstone}' is ${tombstone.type}, not boolean`);
  }
  const partition = byPosition(columns, "partition_key");
  const clustering = byPosition(columns, "clustering");
  if (partition.length !== 1 || partition[0]?.name !== names.id) {
    const key = partition.map((c) => c.name).join(", ");
    return unsupported(`partition key is (${key}); synced needs exactly (${names.id})`);
  }
  let shape: "versioned" | "latest";
  if (clustering.length === 0) shape = "latest";
  else if (clustering.length === 1 && clustering[0]?.name === names.timestamp) shape = "versioned";
  else {
    const key = clustering.map((c) => c.name).join(", ");
    return unsupported(`clustering columns (${key}): only (${names.timestamp}) or none are supported`);
  }
  const reserved = new Set([names.id, names.timestamp, names.tombstone]);
  return {
    supported: true,
    shape,
    timestampType: timestamp.type,
    hasTombstone: tombstone !== undefined,
    contentColumns: columns.filter((c) => !reserved.has(c.name)),
  };
}
