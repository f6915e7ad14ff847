// How a table's settings choose and name the columns synced: its own timestamp and tombstone columns,
// its `include` or `exclude` list and its renames, as one short digest. The checkpoint records it with
// each table it covers (coverage.ts): a column newly included, a column renamed to another field, or
// another version column changes what the index holds for every record, not only for those changed
// since, so such a table is read whole by the next run, as a table new to the configuration is.
// A column added to the table (ALTER TABLE ADD) changes no setting and no digest: it holds nothing
// in the rows written before.
import { createHash } from "node:crypto";
import type { TableSettings } from "../core/table-settings.js";
import type { ColumnNames } from "./table-plan.js";

/** The digest of the column choice `settings` (or none) make for a table whose version columns are `names`. */
export function columnChoice(
  settings: TableSettings | undefined,
  names: Pick<ColumnNames, "timestamp" | "tombstone">,
): string {
  const sorted = (list: readonly string[] | undefined): string[] | null =>
    list === undefined ? null : [...new Set(list)].sort();
  const renames = (settings?.rename ?? [])
    .filter((r) => r.field !== r.column)
    .map((r) => [r.column, r.field])
    .sort(([a = ""], [b = ""]) => (a < b ? -1 : a > b ? 1 : 0));
  const choice = JSON.stringify([
    names.timestamp,
    names.tombstone,
    sorted(settings?.include),
    sorted(settings?.exclude),
    renames,
  ]);
  // Hex only: an item of the checkpoint's coverage holds neither `:`, `@` nor `/` in its parts.
  return createHash("sha256").update(choice).digest("hex").slice(0, 16);
}
