// Opens the Elasticsearch client from the resolved options, with the lossless serializer so 64-bit
// integers stay exact, and checks that the cluster answers and accepts the credentials.
import { readFile } from "node:fs/promises";
import { Client, errors, type ClientOptions } from "@elastic/elasticsearch";
import type { ElasticsearchOptions } from "../../config/options.js";
import { AuthenticationError, ConnectionError, errorText, tlsAdvice, tlsProblem } from "../store-errors.js";
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
      const check =
        options.auth?.kind === "api-key"
          ? "Check the API key in SYNCED_ES_API_KEY or --es-api-key-file: it must be the encoded key " +
            "Elasticsearch returned when it was created (base64 of id:api_key), not expired or invalidated."
          : options.auth?.kind === "basic"
            ? `Check --es-username ('${options.auth.username}') with SYNCED_ES_PASSWORD or --es-password-file.`
            : "The cluster requires a login: give --es-username with SYNCED_ES_PASSWORD, or SYNCED_ES_API_KEY.";
      throw new AuthenticationError(
        `Elasticsearch at ${where} refused the credentials (${error.statusCode}). ${check}`,
        { host: where, status: error.statusCode },
        { cause: error },
      );
    }
    const reason =
      error instanceof errors.TimeoutError
        ? `it did not answer within ${connectTimeoutMs} ms (--connect-timeout)`
        : errorText(error);
    const problem = tlsProblem(error);
    if (problem !== undefined) {
      throw new ConnectionError(
        `cannot connect to Elasticsearch at ${where} over TLS: ${reason}. ` +
          tlsAdvice(problem, {
            store: "Elasticsearch",
            prefix: "es-tls",
            hostsFlag: "--es-nodes",
            ca: options.tls.ca,
            cert: options.tls.cert,
          }),
        { host: where, tls: problem },
        { cause: error },
      );
    }
    // The Elasticsearch transport keeps only the message of a socket error. A server that checks client
    // certificates closes the connection on one it refuses, so that is the likely cause when one was given.
    // A node that serves only HTTPS closes a plain HTTP connection the same way.
    const closed = /other side closed|socket hang up|ECONNRESET/i.test(reason);
    const hint = !closed
      ? ""
      : options.tls.cert !== undefined
        ? ` The server closed the connection: if it checks client certificates, it may have refused ` +
          `--es-tls-cert ${options.tls.cert}; use one signed by a CA the server trusts and meant for ` +
          `client authentication.`
        : options.nodes.some((node) => node.startsWith("http:"))
          ? " The server closed the connection: if the node serves HTTPS, use an https:// URL."
          : "";
    throw new ConnectionError(
      `cannot reach Elasticsearch at ${where}: ${reason}.${hint} Check --es-nodes (the HTTP port, 9200 unless ` +
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
