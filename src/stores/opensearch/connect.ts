// Opens the OpenSearch client from the --es-* options: the same nodes, login and TLS files, with the
// lossless serializer, and checks that an OpenSearch cluster answers and accepts the credentials.
import { readFile } from "node:fs/promises";
import { Client, errors as osErrors, type ClientOptions } from "@opensearch-project/opensearch";
import type { ElasticsearchOptions } from "../../config/options.js";
import { ConfigError } from "../../core/errors.js";
import { connectFailure, ProductMismatchError } from "../search/connect-failure.js";
import { FailoverTransport } from "./failover-transport.js";
import { OpenSearchClient } from "./opensearch-client.js";
import { fromOpenSearchError } from "./opensearch-errors.js";
import { OpenSearchLosslessSerializer } from "./serializer.js";
import { REQUEST_TIMEOUT_MS } from "../../core/request-timeout.js";

export async function openSearchClientOptions(options: ElasticsearchOptions): Promise<ClientOptions> {
  const { auth, tls } = options;
  return {
    nodes: [...options.nodes],
    Serializer: OpenSearchLosslessSerializer,
    // A CQL map key may be "__proto__"; JSON.parse keeps it as an own key, harmlessly. The
    // Elasticsearch client reads it so too (its protection is off by default); the same data must
    // read the same from both products.
    disablePrototypePoisoningProtection: true,
    // As for Elasticsearch: the stores retry within --retry-window, in sight, instead of the client,
    // and a node that is down is passed over at once, for the next listed node.
    maxRetries: 0,
    Transport: FailoverTransport,
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(auth?.kind === "basic" ? { auth: { username: auth.username, password: auth.password } } : {}),
    ssl: {
      rejectUnauthorized: !tls.insecure,
      ...(tls.ca ? { ca: await readFile(tls.ca) } : {}),
      ...(tls.cert ? { cert: await readFile(tls.cert) } : {}),
      ...(tls.key ? { key: await readFile(tls.key) } : {}),
    },
  };
}

interface RootInfo {
  readonly version?: { readonly number?: string; readonly distribution?: string };
}

/**
 * synced's client of the OpenSearch at --es-nodes, once it has answered and accepted the
 * credentials; or a ConnectionError or AuthenticationError that says what to check, or a
 * ProductMismatchError when another product answers there.
 */
export async function connectOpenSearch(
  options: ElasticsearchOptions,
  connectTimeoutMs: number,
): Promise<OpenSearchClient> {
  if (options.auth?.kind === "api-key") {
    // OpenSearch's security plugin knows no Elasticsearch API keys; sending one would only be refused.
    throw new ConfigError(
      "es-api-key",
      undefined,
      `${options.nodes.join(", ")} runs OpenSearch, which takes no Elasticsearch API key: log in with ` +
        `--es-username and SYNCED_ES_PASSWORD (or --es-password-file) instead.`,
    );
  }
  const client = new Client(await openSearchClientOptions(options));
  let info: RootInfo | string | null | undefined;
  let headers: unknown;
  let status: number | null | undefined;
  try {
    const response = await client.transport.request(
      { method: "GET", path: "/" },
      { maxRetries: 0, requestTimeout: connectTimeoutMs },
    );
    info = response.body as RootInfo | string | null | undefined;
    headers = response.headers;
    status = response.statusCode;
  } catch (error) {
    await client.close().catch(() => undefined);
    // Elasticsearch marks every answer, refusals included; a minimal one has no GET / at all.
    if (error instanceof osErrors.ResponseError && isElasticsearch(error.meta.headers)) {
      throw new ProductMismatchError("OpenSearch", options, {
        answered: answerOf(error.meta.statusCode, error.meta.headers),
      });
    }
    throw connectFailure(fromOpenSearchError(error), options, connectTimeoutMs, "OpenSearch");
  }
  const root = typeof info === "object" && info !== null ? info.version : undefined;
  if (root?.distribution !== "opensearch" || root.number === undefined || isElasticsearch(headers)) {
    await client.close().catch(() => undefined);
    throw new ProductMismatchError("OpenSearch", options, { answered: answerOf(status, headers, root) });
  }
  return new OpenSearchClient(client);
}

/**
 * What a server that is not OpenSearch answered to GET /, briefly: `GET / with 200 (text/html)`, and
 * the version it gave, if any. Never the body, which may be anything.
 */
function answerOf(
  status: number | null | undefined,
  headers: unknown,
  version?: RootInfo["version"],
): string {
  const type = (headers as Record<string, unknown> | undefined)?.["content-type"];
  const media = typeof type === "string" ? ` (${short(type.split(";")[0] ?? "")})` : "";
  const number = typeof version?.number === "string" ? `, version ${short(version.number)}` : "";
  const of =
    number !== "" && typeof version?.distribution === "string" ? ` of ${short(version.distribution)}` : "";
  return `GET / with ${status ?? "no status"}${media}${number}${of}`;
}

/** A server's word, trimmed to what fits in a message. */
function short(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= 40 ? trimmed : `${trimmed.slice(0, 40)}…`;
}

function isElasticsearch(headers: unknown): boolean {
  return (headers as Record<string, unknown> | undefined)?.["x-elastic-product"] === "Elasticsearch";
}
