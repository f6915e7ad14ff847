// A column dropped and added again under its name (`ALTER TABLE t DROP n`, then `ADD n`) shows no value
// in Cassandra of what was written up to the drop: Cassandra hides those cells for good. The documents
// synced before still hold them, at the same versions as the rows. Compared as they are, a document
// holding such a value looks fuller than its row (or wins the tie by its digest) and its values would
// be written back over the row: the data the operator dropped would return, or replace a value set
// since. A document's value of such a column, at a version up to the drop, is therefore read as what
// the row holds of it; and where that is all the two differ by, the row wins and the document loses
// the value.
import type { JsonValue } from "../core/json-value.js";
import type { CurrentRecord, SyncRecord } from "../core/record.js";
import { ownValue } from "../core/own-value.js";
import type { Direction } from "../core/direction.js";
import { compareVersions, type VersionPrecision } from "../core/version.js";
import { decide, type Decision } from "./decide.js";
import { sameContent } from "./record.js";
import type { TablePlan } from "./table-plan.js";

/** The columns whose values `document` holds from before they were dropped from the table. */
export function droppedValuesOf(plan: Pick<TablePlan, "droppedUntil">, document: SyncRecord): string[] {
  const columns: string[] = [];
  for (const [column, until] of plan.droppedUntil ?? []) {
    if (document.version <= until && (ownValue(document.content, column) ?? null) !== null)
      columns.push(column);
  }
  return columns;
}

/** `document` holding what `row` holds of `columns` (no value where it holds none) in their place. */
export function withRowValues<T extends SyncRecord>(
  document: T,
  row: SyncRecord | undefined,
  columns: readonly string[],
): T {
  const content: Record<string, JsonValue> = { ...document.content };
  for (const column of columns) content[column] = (row && ownValue(row.content, column)) ?? null;
  return { ...document, content };
}

/**
 * `decide` over the document's values of dropped columns read as the row's, and the record to write
 * where it says write: the source, less those values where the source is the document.
 */
export function decideOverDrops(
  plan: Pick<TablePlan, "droppedUntil">,
  direction: Direction,
  record: SyncRecord,
  held: CurrentRecord | undefined,
  precision: VersionPrecision,
): { readonly decision: Decision; readonly record: SyncRecord } {
  const toCassandra = direction === "to-cassandra";
  const document = toCassandra ? record : held;
  const columns =
    document === undefined || plan.droppedUntil === undefined ? [] : droppedValuesOf(plan, document);
  if (held === undefined || columns.length === 0) {
    const source = toCassandra && columns.length > 0 ? withRowValues(record, undefined, columns) : record;
    return { decision: decide(source, held, precision), record: source };
  }
  const source = toCassandra ? withRowValues(record, held, columns) : record;
  const target = toCassandra ? held : withRowValues(held, record, columns);
  const onlyDropped =
    compareVersions(record.version, held.version, precision) === 0 &&
    !sameContent(record, held) &&
    sameContent(source, target);
  if (onlyDropped) {
    const decision: Decision = toCassandra
      ? { action: "skip", reason: "tie-lost" }
      : { action: "write", reason: "tie-break" };
    return { decision, record: source };
  }
  return { decision: decide(source, target, precision), record: source };
}
