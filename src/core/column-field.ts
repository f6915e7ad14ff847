// A column's field in a table's documents: its own name, or the one the config file renames it to
// (TablePlan.fields). The engine and the search adapter both ask it, so it lives here.

/** The field `column` is written to and read from, in the documents of a plan with these renames. */
export function fieldOf(plan: { readonly fields?: ReadonlyMap<string, string> }, column: string): string {
  return plan.fields?.get(column) ?? column;
}

/**
 * The objects a dotted field is held in, by their dotted names (`a` and `a.b` for `a.b.c`): the
 * cluster takes a field `a.b` as the property `b` of an object `a`, in mappings and in documents.
 */
export function objectsAbove(field: string): string[] {
  const found: string[] = [];
  for (let dot = field.indexOf("."); dot > 0; dot = field.indexOf(".", dot + 1))
    found.push(field.slice(0, dot));
  return found;
}
