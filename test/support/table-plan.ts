// A table's plan written out by hand, for tests that drive a store directly against the real
// servers: a table keyed by one uuid `id`, with `tmstmp` and the content columns given.
import { singleKey } from "../../src/core/table-key.js";
import { native, type NativeName } from "../../src/core/cql-type.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";

export interface HandPlan {
  readonly keyspace: string;
  readonly table: string;
  readonly index: string;
  /** Content columns by name and native type. */
  readonly columns: Readonly<Record<string, NativeName>>;
  /** Default: a latest table whose `tmstmp` is a timestamp. */
  readonly shape?: "latest" | "versioned";
  readonly timestampType?: "timestamp" | "timeuuid";
}

export function handPlan(spec: HandPlan): TablePlan {
  return {
    keyspace: spec.keyspace,
    table: spec.table,
    shape: spec.shape ?? "latest",
    timestampType: spec.timestampType ?? "timestamp",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    key: singleKey("id"),
    contentColumns: Object.entries(spec.columns).map(([name, type]) => ({ name, type: native(type) })),
    hasTombstone: false,
    es: { index: spec.index, idPrefix: "", timestampPrecision: "millisecond" },
  };
}
