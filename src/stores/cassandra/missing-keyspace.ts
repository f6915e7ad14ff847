// A keyspace -k names that Cassandra does not have. Unquoted CQL folds names to lower case, so a
// keyspace created as HA_K is stored as ha_k, and an operator who writes -k HA_K, as CQL would accept
// it, was told only that it does not exist: the one that differs in case, or a close spelling, is named.
import type cassandra from "cassandra-driver";
import { didYouMean } from "../../core/did-you-mean.js";

/** Keyspaces of Cassandra's own, never the one meant. */
const SYSTEM = /^(system|system_.*|dse_.*|solr_admin|OpsCenter)$/;

/** The message for a keyspace `name` missing among `existing`. */
export function missingKeyspaceMessage(name: string, existing: readonly string[]): string {
  const missing = `keyspace '${name}' does not exist in Cassandra`;
  const own = existing.filter((k) => !SYSTEM.test(k));
  const sameLetters = own.find((k) => k.toLowerCase() === name.toLowerCase());
  if (sameLetters !== undefined) {
    return (
      `${missing}, but '${sameLetters}' does: Cassandra folds names written without double quotes to ` +
      `lower case, and -k takes the name as Cassandra stores it; give -k ${sameLetters}`
    );
  }
  const near = didYouMean(name, own);
  return near === undefined ? `${missing}; check -k` : `${missing}; did you mean -k ${near}?`;
}

/** The keyspaces Cassandra has; none where it would not say (the message then names none). */
export async function keyspaceNames(client: cassandra.Client): Promise<string[]> {
  try {
    const result = await client.execute("SELECT keyspace_name FROM system_schema.keyspaces");
    return result.rows.map((row) => String(row.get("keyspace_name")));
  } catch {
    return [];
  }
}
