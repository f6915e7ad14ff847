// The tables synced prints for people (the run summary, verify, dead-letters list): columns as wide as
// their widest cell, two spaces apart, numbers right-aligned, and no blanks at the end of a line.

export type Align = "left" | "right";

/** `rows` (the header first) as lines; `align` per column, left where it says nothing. */
export function textTable(rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
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
