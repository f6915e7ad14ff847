// Opens the Elasticsearch client from the --es-* options, with the lossless serializer so 64-bit
// integers stay exact, and checks that the cluster answers and accepts the credentials.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
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
  const reset = resetBeforeTakenIn(options.nodes);
  try {
    // One quick try: retrying a refused connection only makes a wrong address slow to report.
    await Promise.race([
      client.cluster.health({}, { maxRetries: 0, requestTimeout: connectTimeoutMs }),
      reset.lost,
    ]);
    return new ElasticsearchClient(client);
  } catch (error) {
    // A request the client lost never settles, and closing waits for it.
    const closing = client.close().catch(() => undefined);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1000))]);
    // The client refuses any other product, before sending a request.
    if (error instanceof errors.ProductNotSupportedError) {
      throw new ProductMismatchError("Elasticsearch", options, { cause: error });
    }
    throw connectFailure(fromElasticsearchError(error), options, connectTimeoutMs, "Elasticsearch");
  } finally {
    reset.stop();
  }
}

/**
 * Rejects when a connection to one of `nodes` was reset while the client was still taking it in: the
 * HTTP client (undici) sets up the connection's parser before it listens to the socket, the first
 * time in a process after an await, and a reset landing then is never seen: the request waits on a
 * dead socket, no timer of its own keeps the process alive, and the process ended with exit 13 and
 * nothing said.
 */
function resetBeforeTakenIn(nodes: readonly string[]): { lost: Promise<never>; stop: () => void } {
  const origins = new Set(nodes.map((node) => new URL(node).origin));
  let reject: (error: Error) => void = () => undefined;
  const lost = new Promise<never>((_resolve, rejectLost) => {
    reject = rejectLost;
  });
  lost.catch(() => undefined);
  const onConnected = (message: unknown): void => {
    const { connectParams, socket } = message as {
      connectParams?: { protocol?: string; host?: string };
      socket?: { destroyed?: boolean; errored?: Error | null };
    };
    if (socket?.destroyed !== true) return;
    if (!origins.has(`${connectParams?.protocol ?? ""}//${connectParams?.host ?? ""}`)) return;
    reject(new errors.ConnectionError(socket.errored?.message ?? "read ECONNRESET"));
  };
  subscribe(CONNECTED, onConnected);
  return { lost, stop: () => unsubscribe(CONNECTED, onConnected) };
}

const CONNECTED = "undici:client:connected";
