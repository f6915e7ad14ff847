// A column's field in a table's documents: its own name, or the one the config file renames it to
// (TablePlan.fields). The engine and the search adapter both ask it, so it lives here.

/** The field `column` is written to and read from, in the documents of a plan with these renames. */
export function fieldOf(plan: { readonly fields?: ReadonlyMap<string, string> }, column: string): string {
  return plan.fields?.get(column) ?? column;
}
