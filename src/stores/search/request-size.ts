// How large a request the search side accepts. A bulk request over the nodes' http.max_content_length
// is refused whole, so bulk requests stay well under it and a single document that cannot fit is
// dead-lettered instead of failing its batch.
import type { SearchClient } from "./search-client.js";

/** The default http.max_content_length, 100 MB. */
const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

/** The largest request body every node accepts, or the default when the nodes report none. */
export async function requestSizeLimit(client: SearchClient): Promise<number> {
  return (await client.maxContentLength()) ?? DEFAULT_MAX_CONTENT_LENGTH;
}

/** The smallest positive number of those given, if any: the limit every node reports keeping to. */
export function smallest(values: readonly unknown[]): number | undefined {
  const limits = values.filter((v): v is number => typeof v === "number" && v > 0);
  return limits.length === 0 ? undefined : Math.min(...limits);
}
