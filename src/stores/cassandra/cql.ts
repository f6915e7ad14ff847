// Small helpers for building CQL text safely from schema names.
import { quoteIdentifier } from "../../core/cql-identifier.js";

export function tableRef(keyspace: string, table: string): string {
  return `${quoteIdentifier(keyspace)}.${quoteIdentifier(table)}`;
}
