// Opening a state or dead-letter table that already exists issues no CREATE: Cassandra authorizes
// `CREATE TABLE IF NOT EXISTS` with CREATE on the keyspace before it looks whether the table exists,
// so a role given only SELECT and MODIFY on a table made beforehand would be refused on every run.
import type cassandra from "cassandra-driver";

/** The columns of keyspace.table (both as system_schema spells them: lower case), none if it is missing. */
export async function tableColumns(
  client: cassandra.Client,
  keyspace: string,
  table: string,
): Promise<Set<string>> {
  const found = await client.execute(
    "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
    [keyspace, table],
    { prepare: true },
  );
  return new Set(found.rows.map((row) => String(row.get("column_name"))));
}

/**
 * The columns of the table, after running `createCql` (a `CREATE TABLE IF NOT EXISTS`) only where
 * system_schema shows no table. Another run creating it between the look and the CREATE is as good:
 * IF NOT EXISTS makes the CREATE a no-op then.
 */
export async function columnsCreatingTable(
  client: cassandra.Client,
  keyspace: string,
  table: string,
  createCql: string,
): Promise<Set<string>> {
  const present = await tableColumns(client, keyspace, table);
  if (present.size > 0) return present;
  await client.execute(createCql);
  return tableColumns(client, keyspace, table);
}
