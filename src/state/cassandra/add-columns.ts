// Columns added to a state or dead-letter table after its first version: a table an earlier version
// made lacks them until a run of this one adds them.
import type cassandra from "cassandra-driver";

/** `ALTER TABLE table ADD` the columns given as [name, type]; another run adding them first is as good. */
export async function addColumns(
  client: cassandra.Client,
  table: string,
  columns: readonly (readonly [string, string])[],
): Promise<void> {
  if (columns.length === 0) return;
  try {
    await client.execute(`ALTER TABLE ${table} ADD (${columns.map((c) => c.join(" ")).join(", ")})`);
  } catch (error) {
    if (!/conflicts with an existing column|already exist/i.test(String(error))) throw error;
  }
}
