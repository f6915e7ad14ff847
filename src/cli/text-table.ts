// The tables synced prints for people (the run summary, verify, dead-letters list): columns as wide as
// their widest cell, two spaces apart, numbers right-aligned, and no blanks at the end of a line.

import { visibleInLine } from "./visible-text.js";

export type Align = "left" | "right";

/** `rows` (the header first) as lines; `align` per column, left where it says nothing. */
export function textTable(table: readonly (readonly string[])[], align: readonly Align[] = []): string {
  // A cell holds data (an id, a reason): a line feed or control character in it is shown, not obeyed.
  const rows = table.map((row) => row.map(visibleInLine));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          align[i] === "right" ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
