// What a checkpoint covers, as `synced status` shows it to a person. Each table is named once, grouped
// by the directions covered: listed as table:direction, a keyspace of 150 tables made one line of 300
// items, where a table covered one way only was hard to find.
import { coveredTable } from "../reconcile/coverage.js";
import { isPartitionItem } from "../reconcile/shard-partition.js";

/** The tables a checkpoint covers, without their indices' uuids: "a, b (both directions); c (to-es)". */
export function coveredTablesText(covers: readonly string[]): string {
  const pairs: [string, string][] = [];
  for (const item of covers) {
    if (isPartitionItem(item)) continue;
    const covered = coveredTable(item);
    const cut = covered.lastIndexOf(":");
    pairs.push(cut < 0 ? [covered, ""] : [covered.slice(0, cut), covered.slice(cut + 1)]);
  }
  return pairs.length === 0 ? "nothing" : tablesByDirection(pairs);
}

/** Names in the order a person reads them: t2 before t10. */
const byName = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });

/** Tables named once each, grouped by their directions: "a, b (both directions); c (to-es)". */
export function tablesByDirection(pairs: Iterable<readonly [table: string, direction: string]>): string {
  const directions = new Map<string, Set<string>>();
  for (const [table, direction] of pairs)
    directions.set(table, (directions.get(table) ?? new Set()).add(direction));
  const groups = new Map<string, string[]>();
  for (const [table, set] of directions) {
    const label =
      set.has("to-es") && set.has("to-cassandra") ? "both directions" : [...set].sort().join(", ");
    groups.set(label, [...(groups.get(label) ?? []), table]);
  }
  const order = (label: string): number => (label === "both directions" ? 0 : 1);
  return [...groups]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([label, tables]) => `${tables.sort(byName).join(", ")} (${label})`)
    .join("; ");
}
