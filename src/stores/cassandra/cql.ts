// Small helpers for building CQL text safely from schema names.
/** Quotes an identifier exactly as the schema spells it, so case-sensitive names keep working. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function tableRef(keyspace: string, table: string): string {
  return `${ident(keyspace)}.${ident(table)}`;
}
