// Connections to both stores for one command, closed when it ends, whatever happened. The only place
// that chooses a search product's client: everything else is handed a SearchClient.
import type { SearchClient } from "../stores/search/search-client.js";
import type cassandra from "cassandra-driver";
import type { ElasticsearchOptions, SyncOptions } from "../config/options.js";
import { connectCassandra } from "../stores/cassandra/connect.js";
import { connectElasticsearch } from "../stores/elasticsearch/connect.js";
import { neitherProduct, ProductMismatchError } from "../stores/search/connect-failure.js";

export interface Clients {
  readonly cassandra: cassandra.Client;
  readonly elasticsearch: SearchClient;
}

/**
 * synced's client of whatever answers at --es-nodes: the product --es-product names, or with auto
 * Elasticsearch, and OpenSearch through its own client when the Elasticsearch client finds another
 * product there (it asks before sending anything), so Elasticsearch users pay nothing for it.
 */
export async function connectSearch(
  options: ElasticsearchOptions,
  connectTimeoutMs: number,
): Promise<SearchClient> {
  // Loaded only when needed: the OpenSearch client costs a process about 0.1 s of CPU to load, paid
  // by every scheduled run.
  const connectOpenSearch = async (): Promise<SearchClient> =>
    (await import("../stores/opensearch/connect.js")).connectOpenSearch(options, connectTimeoutMs);
  if (options.product === "opensearch") return connectOpenSearch();
  try {
    return await connectElasticsearch(options, connectTimeoutMs);
  } catch (error) {
    if (!(error instanceof ProductMismatchError) || options.product !== "auto") throw error;
  }
  try {
    return await connectOpenSearch();
  } catch (error) {
    // The user named no product: one that neither adapter knows is a wrong address, not a wrong flag.
    if (error instanceof ProductMismatchError) throw neitherProduct(options, error);
    throw error;
  }
}

/**
 * Connects only to the store named by `backend` (none for files), runs `use`, and closes it: looking
 * at or changing the state or the dead letters must not depend on the other store being reachable.
 */
export async function withClientFor<T>(
  options: SyncOptions,
  backend: "file" | "cassandra" | "elasticsearch",
  use: (clients: Partial<Clients>) => Promise<T>,
): Promise<T> {
  if (backend === "file") return use({});
  const clients: Partial<Clients> =
    backend === "cassandra"
      ? { cassandra: await connectCassandra(options.cassandra, options.connectTimeoutMs) }
      : { elasticsearch: await connectSearch(options.elasticsearch, options.connectTimeoutMs) };
  try {
    return await use(clients);
  } finally {
    await Promise.all([clients.cassandra?.shutdown(), clients.elasticsearch?.close()]);
  }
}

/** Connects to both stores at once, runs `use`, and closes whichever connected. */
export async function withClients<T>(
  options: SyncOptions,
  use: (clients: Clients) => Promise<T>,
): Promise<T> {
  const [c, e] = await Promise.allSettled([
    connectCassandra(options.cassandra, options.connectTimeoutMs),
    connectSearch(options.elasticsearch, options.connectTimeoutMs),
  ]);
  try {
    if (c.status === "rejected") throw c.reason;
    if (e.status === "rejected") throw e.reason;
    return await use({ cassandra: c.value, elasticsearch: e.value });
  } finally {
    await Promise.all([
      c.status === "fulfilled" ? c.value.shutdown() : undefined,
      e.status === "fulfilled" ? e.value.close() : undefined,
    ]);
  }
}
