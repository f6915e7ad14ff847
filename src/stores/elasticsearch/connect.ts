// Opens the Elasticsearch client from the resolved options, with the lossless serializer so 64-bit
// integers stay exact, and checks that the cluster answers and accepts the credentials.
import { readFile } from "node:fs/promises";
import { Client, errors, type ClientOptions } from "@elastic/elasticsearch";
import type { ElasticsearchOptions } from "../../config/options.js";
import { AuthenticationError, ConnectionError } from "../store-errors.js";
import { LosslessSerializer } from "./serializer.js";

export async function esClientOptions(options: ElasticsearchOptions): Promise<ClientOptions> {
  const auth = options.auth;
  const tls = options.tls;
  return {
    nodes: [...options.nodes],
    Serializer: LosslessSerializer,
    // The client's own retries wait up to 4 s each, out of sight; the stores retry instead, with
    // backoff, within --retry-window, and say so in the log (elasticsearch-store.ts).
    maxRetries: 0,
    requestTimeout: 60_000,
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
 * A client whose cluster answered, or a ConnectionError or AuthenticationError that says what to
 * check. A node that accepts connections but never answers fails after `connectTimeoutMs`.
 */
export async function connectElasticsearch(
  options: ElasticsearchOptions,
  connectTimeoutMs: number,
): Promise<Client> {
  const client = new Client(await esClientOptions(options));
  const where = options.nodes.join(", ");
  try {
    // One quick try: retrying a refused connection only makes a wrong address slow to report.
    await client.cluster.health({}, { maxRetries: 0, requestTimeout: connectTimeoutMs });
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    if (error instanceof errors.ResponseError && (error.statusCode === 401 || error.statusCode === 403)) {
      throw new AuthenticationError(
        `Elasticsearch at ${where} refused the credentials (${error.statusCode}). Check --es-username with ` +
          `SYNCED_ES_PASSWORD, or SYNCED_ES_API_KEY.`,
        { host: where, status: error.statusCode },
        { cause: error },
      );
    }
    const reason =
      error instanceof errors.TimeoutError
        ? `it did not answer within ${connectTimeoutMs} ms (--connect-timeout)`
        : error instanceof Error
          ? error.message
          : String(error);
    throw new ConnectionError(
      `cannot reach Elasticsearch at ${where}: ${reason}. Check --es-nodes (the HTTP port, 9200 unless ` +
        `configured otherwise), that the cluster runs, and TLS settings for https nodes.`,
      { host: where },
      { cause: error },
    );
  }
}

/**
 * The largest request body every node accepts (http.max_content_length). A bulk request over it is
 * refused whole, so bulk requests stay well under it and a single document that cannot fit is
 * dead-lettered instead of failing its batch.
 */
export async function requestSizeLimit(client: Client): Promise<number> {
  const info = await client.nodes.info({ metric: "http" });
  const limits = Object.values(info.nodes)
    .map((node) => node.http?.max_content_length_in_bytes)
    .filter((limit): limit is number => typeof limit === "number" && limit > 0);
  return limits.length === 0 ? DEFAULT_MAX_CONTENT_LENGTH : Math.min(...limits);
}

/** Elasticsearch's default http.max_content_length, 100 MB. */
const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;
