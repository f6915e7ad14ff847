// What a failed first request to the search side means, with the flags that fix it. Both products'
// connections end here, their errors already SearchErrors.
import type { ElasticsearchOptions } from "../../config/options.js";
import { ConfigError } from "../../core/errors.js";
import { describeSecret } from "../../core/secret-origin.js";
import {
  AuthenticationError,
  ConnectionError,
  errorText,
  PRIVILEGES_SECTION,
  tlsAdvice,
  tlsProblem,
} from "../store-errors.js";
import { isSearchError } from "./search-error.js";

/** What a failed first request means, with the flags that fix it. */
export function connectFailure(
  error: unknown,
  options: ElasticsearchOptions,
  connectTimeoutMs: number,
  product: "Elasticsearch" | "OpenSearch",
): Error {
  const where = options.nodes.join(", ");
  if (isSearchError(error, "credentials") && error.answer.status === 403) {
    return refusedProbe(error.answer.reason, options, product, { cause: error });
  }
  if (isSearchError(error, "credentials") && error.answer.status !== undefined) {
    const status = error.answer.status;
    const auth = options.auth;
    if (auth === undefined) {
      return new AuthenticationError(
        `${product} at ${where} asks for a login (${status}), and none was given: give --es-username ` +
          "with SYNCED_ES_PASSWORD (or --es-password-file), or an API key in SYNCED_ES_API_KEY (or " +
          "--es-api-key-file).",
        { host: where, status },
        { cause: error },
      );
    }
    // Named by where it came from: with a variable and a file both in play, the higher layer's was sent.
    const secret = (what: "password" | "API key", otherwise: string): string =>
      auth.from === undefined ? otherwise : describeSecret(what, auth.from);
    const check =
      auth.kind === "api-key"
        ? `Check ${secret("API key", "the API key in SYNCED_ES_API_KEY or --es-api-key-file")}: it must be ` +
          "the encoded key Elasticsearch returned when it was created (base64 of id:api_key), not expired " +
          "or invalidated."
        : `Check --es-username ('${auth.username}') and ` +
          `${secret("password", "SYNCED_ES_PASSWORD or --es-password-file")}.`;
    return new AuthenticationError(
      `${product} at ${where} refused the credentials (${status}). ${check}`,
      { host: where, status },
      { cause: error },
    );
  }
  const reason =
    isSearchError(error, "transient") && error.answer.status === undefined && error.answer.timedOut
      ? `it did not answer within ${connectTimeoutMs} ms (--connect-timeout)`
      : errorText(error);
  const problem = tlsProblem(error);
  if (problem !== undefined) {
    return new ConnectionError(
      `cannot connect to ${product} at ${where} over TLS: ${reason}. ` +
        tlsAdvice(problem, {
          store: product,
          prefix: "es-tls",
          hostsFlag: "--es-nodes",
          ca: options.tls.ca,
          cert: options.tls.cert,
        }),
      { host: where, tls: problem },
      { cause: error },
    );
  }
  // The transport keeps only the message of a socket error. A server that checks client certificates
  // closes the connection on one it refuses, so that is the likely cause when one was given. A node
  // that serves only HTTPS closes a plain HTTP connection the same way.
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
  return new ConnectionError(
    `cannot reach ${product} at ${where}: ${reason}.${hint} Check --es-nodes (the HTTP port, 9200 unless ` +
      `configured otherwise), that the cluster runs, and TLS settings for https nodes.`,
    { host: where },
    { cause: error },
  );
}

/**
 * The server at --es-nodes runs the other product. With `--es-product auto` the command line's wiring
 * asks the other product's adapter instead; named, it is the user's to change. `answered` says briefly
 * what the server answered, when that is known.
 */
export class ProductMismatchError extends ConfigError {
  readonly answered: string | undefined;

  constructor(
    expected: "Elasticsearch" | "OpenSearch",
    options: ElasticsearchOptions,
    extra: { cause?: unknown; answered?: string } = {},
  ) {
    const host = options.nodes.join(", ");
    const [flag, other, otherFlag] =
      expected === "Elasticsearch"
        ? ["elasticsearch", "OpenSearch", "opensearch"]
        : ["opensearch", "Elasticsearch", "elasticsearch"];
    super(
      "es-product",
      undefined,
      `the server at ${host} is not ${expected} (--es-product ${flag}). If it runs ${other}, use ` +
        `--es-product ${otherFlag}, or auto to ask the server.`,
      { details: { host }, ...(extra.cause === undefined ? {} : { cause: extra.cause }) },
    );
    this.answered = extra.answered;
  }
}

/**
 * Under `--es-product auto`, neither product's adapter recognised the server: --es-nodes leads to
 * another service (a proxy's page, a wrong port), which is a store out of reach, not a flag to change.
 */
export function neitherProduct(
  options: ElasticsearchOptions,
  mismatch: ProductMismatchError,
): ConnectionError {
  const host = options.nodes.join(", ");
  const answered = mismatch.answered === undefined ? "" : `: it answered ${mismatch.answered}`;
  return new ConnectionError(
    `the server at ${host} is neither Elasticsearch nor OpenSearch${answered}. Check --es-nodes (the HTTP ` +
      `port, 9200 unless configured otherwise): it must lead to a node of the cluster, not another service.`,
    { host, ...(mismatch.answered === undefined ? {} : { answered: mismatch.answered }) },
    { cause: mismatch },
  );
}

/**
 * What each product's first request (connect.ts) asks of the cluster, and the privilege that grants
 * it: a role of index privileges alone, as a deployment may give synced, is refused it.
 */
const PROBES = {
  Elasticsearch: { request: "the cluster's health", privilege: "the cluster privilege monitor" },
  OpenSearch: {
    request: "its root (GET /)",
    privilege: "the cluster permission cluster:monitor/main (the action group cluster_monitor holds it)",
  },
} as const;

/**
 * A 403 to the first request: the login was good (a bad one answers 401), so the password or key is
 * not what to check, but the privilege of the role behind it.
 */
function refusedProbe(
  reason: string,
  options: ElasticsearchOptions,
  product: "Elasticsearch" | "OpenSearch",
  errorOptions: { cause: unknown },
): AuthenticationError {
  const where = options.nodes.join(", ");
  const auth = options.auth;
  const who =
    auth?.kind === "api-key"
      ? { login: "the API key", role: "the API key's role" }
      : auth?.kind === "basic"
        ? { login: `the login of user '${auth.username}'`, role: "the user's role" }
        : { login: "the request", role: "the anonymous user's role" };
  const probe = PROBES[product];
  return new AuthenticationError(
    `${product} at ${where} accepted ${who.login} but refused it ${probe.request}, which every command ` +
      `asks first (403, ${reason}): give ${who.role} ${probe.privilege} (${PRIVILEGES_SECTION}).`,
    { host: where, status: 403 },
    errorOptions,
  );
}
