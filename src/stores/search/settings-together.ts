// The settings of many indices in a few requests, where a run would send one per index: a keyspace of
// hundreds of tables otherwise sends hundreds of requests at once before its first table.
import type { IndexSettings, SearchClient } from "./search-client.js";

/**
 * The longest list of index names one request carries, encoded as it goes in the path: a node refuses
 * a request line past http.max_initial_line_length (4 KB by default), and the setting names follow.
 */
const NAMES_PER_REQUEST = 2_500;

/**
 * The `names` settings of each of `indices` that answered, each under its own name as readSettings
 * answers one index. A request that fails leaves its indices out, to be read one at a time as before:
 * one missing or unreadable index then fails its own read, with its own name, and no other's. `indices`
 * are concrete names: behind an alias the answer names other indices, so an alias is left out too.
 */
export async function settingsTogether(
  client: SearchClient,
  indices: readonly string[],
  names: readonly string[],
): Promise<Map<string, IndexSettings>> {
  const found = new Map<string, IndexSettings>();
  await Promise.all(
    requestsOf([...new Set(indices)]).map(async (group) => {
      const answer = await client.readSettings(group.join(","), names).catch(() => undefined);
      if (answer === undefined) return;
      for (const index of group) {
        const own = answer[index];
        if (own !== undefined) found.set(index, { [index]: own });
      }
    }),
  );
  return found;
}

/** The indices in groups of at most NAMES_PER_REQUEST characters of path; a group of one gains nothing. */
function requestsOf(indices: readonly string[]): string[][] {
  const groups: string[][] = [[]];
  let length = 0;
  for (const index of indices) {
    const size = encodeURIComponent(index).length;
    const group = groups[groups.length - 1] ?? [];
    // Joined by an encoded comma, three characters.
    if (group.length === 0 || length + 3 + size <= NAMES_PER_REQUEST) {
      group.push(index);
      length += group.length === 1 ? size : 3 + size;
    } else {
      groups.push([index]);
      length = size;
    }
  }
  return groups.filter((g) => g.length > 1);
}
