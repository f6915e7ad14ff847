// Opens the Elasticsearch client from the --es-* options, with the lossless serializer so 64-bit
// integers stay exact, and checks that the cluster answers and accepts the credentials.
import { readFile } from "node:fs/promises";
import { Client, errors, type ClientOptions } from "@elastic/elasticsearch";
import type { ElasticsearchOptions } from "../../config/options.js";
import { connectFailure, ProductMismatchError } from "../search/connect-failure.js";
import { ElasticsearchClient } from "./elasticsearch-client.js";
import { FailoverTransport } from "./failover-transport.js";
import { fromElasticsearchError } from "./elasticsearch-errors.js";
import type { SearchClient } from "../search/search-client.js";
import { LosslessSerializer } from "./serializer.js";
import { REQUEST_TIMEOUT_MS } from "../../core/request-timeout.js";

export async function esClientOptions(options: ElasticsearchOptions): Promise<ClientOptions> {
  const auth = options.auth;
  const tls = options.tls;
  return {
    nodes: [...options.nodes],
    Serializer: LosslessSerializer,
    // The client's own retries wait up to 4 s each, out of sight; the stores retry instead, with
    // backoff, within --retry-window, and say so in the log (search/search-store.ts).
    maxRetries: 0,
    // But a node that is down is passed over at once, for the next listed node.
    Transport: FailoverTransport,
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(auth?.kind === "basic" ? { auth: { username: auth.username, password: auth.password } } : {}),
    ...(auth?.kind === "api-key" ? { auth: { apiKey: auth.apiKey } } : {}),
    tls: {
      rejectUnauthorized: !tls.insecure,
      ...(tls.ca ? { ca: await readFile(tls.ca) } : {}),
      ...(tls.cert ? { cert: await readFile(tls.cert) } : {}),
      ...(tls.key ? { key: await readFile(tls.key) } : {}),
    },
  };
}

/**
 * synced's client of the Elasticsearch at --es-nodes, once it has answered and accepted the
 * credentials; or a ConnectionError or AuthenticationError that says what to check, or a
 * ProductMismatchError when another product answers there. A node that accepts connections but never
 * answers fails after `connectTimeoutMs`.
 */
export async function connectElasticsearch(
  options: ElasticsearchOptions,
  connectTimeoutMs: number,
): Promise<SearchClient> {
  const client = new Client(await esClientOptions(options));
  try {
    // One quick try: retrying a refused connection only makes a wrong address slow to report.
    await client.cluster.health({}, { maxRetries: 0, requestTimeout: connectTimeoutMs });
    return new ElasticsearchClient(client);
  } catch (error) {
    await client.close().catch(() => undefined);
    // The client refuses any other product, before sending a request.
    if (error instanceof errors.ProductNotSupportedError) {
      throw new ProductMismatchError("Elasticsearch", options, { cause: error });
    }
    throw connectFailure(fromElasticsearchError(error), options, connectTimeoutMs, "Elasticsearch");
  }
}
