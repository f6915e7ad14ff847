// Failures of the data stores, raised by the adapters with the store, host, table or index, and what
// to check next. Drivers' own errors never leave an adapter unwrapped: they stay as the cause.
import { SyncedError } from "../core/errors.js";

/** A store cannot be reached: refused, reset or unanswered connections, no live host, TLS failures. */
export class ConnectionError extends SyncedError {
  override readonly kind = "unreachable";
}

/** A store refused the credentials. */
export class AuthenticationError extends SyncedError {
  override readonly kind = "unreachable";
}

/** Where the README lists the privileges each command needs, for messages about a refused one. */
export const PRIVILEGES_SECTION = 'see "Privileges" in the README for what each command needs';

/** A store answered, but refused or failed an operation that retrying will not fix. */
export class StoreError extends SyncedError {}

/** The first line of an error's message: drivers append advice and stack-like detail below it. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

/** Why a TLS connection failed, in terms of what the user can change. */
export type TlsProblem =
  /** The server's certificate does not chain to a CA the client trusts. */
  | "untrusted"
  /** The certificate does not name the host the client connected to. */
  | "wrong-name"
  /** The certificate is outside its validity period. */
  | "expired"
  /** The server requires a client certificate and none was given. */
  | "client-certificate-required"
  /** The server refused the client certificate it was given, or the handshake. */
  | "client-certificate-refused"
  /** The server refused the client certificate as outside its validity period. */
  | "client-certificate-expired"
  /** The port does not speak TLS. */
  | "not-tls";

// Node gives verification failures a code; some clients (the Elasticsearch transport) keep only the
// message, so both are matched. The messages are OpenSSL's and Node's own, stable across versions.
const TLS_PROBLEMS: readonly (readonly [TlsProblem, RegExp, RegExp])[] = [
  [
    "untrusted",
    /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|CERT_REJECTED)$/,
    /unable to verify the first certificate|self[- ]signed certificate|unable to get (local )?issuer certificate|certificate not trusted|certificate signature failure/i,
  ],
  ["wrong-name", /^ERR_TLS_CERT_ALTNAME_INVALID$/, /does not match certificate's altnames/i],
  [
    "expired",
    /^(CERT_HAS_EXPIRED|CERT_NOT_YET_VALID)$/,
    /certificate has expired|certificate is not yet valid/i,
  ],
  [
    "client-certificate-required",
    /^ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED$/,
    /alert certificate required/i,
  ],
  [
    "client-certificate-refused",
    /^ERR_SSL_(SSLV3_ALERT_BAD_CERTIFICATE|TLSV1_ALERT_UNKNOWN_CA|SSLV3_ALERT_CERTIFICATE_UNKNOWN|SSLV3_ALERT_UNSUPPORTED_CERTIFICATE|SSLV3_ALERT_ILLEGAL_PARAMETER|SSLV3_ALERT_CERTIFICATE_REVOKED|TLSV1_ALERT_INTERNAL_ERROR)$/,
    // Java servers answer a client certificate that may not sign (a CA's, say) with illegal parameter,
    // and one their trust manager rejects (another CA's, one for servers only) with internal error.
    /alert (bad certificate|unknown ca|certificate unknown|unsupported certificate|illegal parameter|certificate revoked|internal error)/i,
  ],
  // An alert is the server's word on the certificate it was shown, the client's; "certificate has
  // expired" above is the client's word on the server's.
  ["client-certificate-expired", /^ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED$/, /alert certificate expired/i],
  [
    "not-tls",
    /^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST)$/,
    /wrong version number|packet length too long|before secure TLS connection was established/i,
  ],
];

/** The TLS problem behind an error or its causes, if it is one. */
export function tlsProblem(error: unknown): TlsProblem | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = typeof e === "object" && "code" in e && typeof e.code === "string" ? e.code : "";
    const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
    const found = TLS_PROBLEMS.find(([, codes, text]) => codes.test(code) || text.test(message));
    if (found) return found[0];
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}

/** What the user gave for TLS to one store, and the prefix of its flags (`es-tls`, `cassandra-tls`). */
export interface TlsAdviceContext {
  readonly store: "Cassandra" | "Elasticsearch" | "OpenSearch";
  readonly prefix: "cassandra-tls" | "es-tls";
  readonly hostsFlag: "--cassandra-contact-points" | "--es-nodes";
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
}

/** A sentence that says what the problem means and which flags fix it. */
export function tlsAdvice(problem: TlsProblem, context: TlsAdviceContext): string {
  const { store, prefix } = context;
  switch (problem) {
    case "untrusted":
      return (
        `${store}'s certificate is not signed by a CA that synced trusts ` +
        (context.ca === undefined
          ? `(no --${prefix}-ca was given, so only the system's CAs are trusted)`
          : `(--${prefix}-ca ${context.ca})`) +
        `. Give the CA that signed the server's certificate with --${prefix}-ca, or, against a test ` +
        `server only, skip the check with --${prefix}-insecure.`
      );
    case "wrong-name":
      // The driver dials addresses; a name is known only for the nodes a contact point resolved to.
      return store === "Cassandra"
        ? `A Cassandra node's certificate must list the host name given in --cassandra-contact-points ` +
            `that resolved to the node's address, or that IP address itself; a node found through the ` +
            `cluster's peers is known by its IP address only. Give in --cassandra-contact-points a name ` +
            `the certificate lists, have the certificate list the node's IP address, or, against a test ` +
            `server only, use --cassandra-tls-insecure.`
        : `${store}'s certificate does not name the host synced connected to. Use in ${context.hostsFlag} a ` +
            `host name or address that the certificate lists, or, against a test server only, ` +
            `--${prefix}-insecure.`;
    case "expired":
      return `${store}'s certificate has expired or is not valid yet: renew it, and check the clocks of both machines.`;
    case "client-certificate-required":
      return (
        `${store} requires a client certificate: give --${prefix}-cert and --${prefix}-key, with a ` +
        `certificate signed by a CA the server trusts.`
      );
    case "client-certificate-refused":
      return context.cert === undefined
        ? `${store} refused the TLS handshake: check whether it requires a client certificate ` +
            `(--${prefix}-cert and --${prefix}-key), and the server's TLS settings.`
        : `${store} refused the client certificate (--${prefix}-cert ${context.cert}): use one signed by ` +
            `a CA the server trusts and meant for client authentication.`;
    case "client-certificate-expired":
      return context.cert === undefined
        ? `${store} refused the TLS handshake, saying a certificate has expired: check the server's TLS ` +
            `settings and the clocks of both machines.`
        : `${store} refused the client certificate (--${prefix}-cert ${context.cert}) as expired or not ` +
            `valid yet: renew it, and check the clocks of both machines.`;
    case "not-tls":
      return (
        `${store} did not answer in TLS on that port: check that the server has TLS enabled there, or ` +
        (store === "Cassandra" ? `connect without --cassandra-tls.` : `use an http:// URL in --es-nodes.`)
      );
  }
}

const OPENSSL_MESSAGE = /^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):/;

/**
 * An error's own words for a user. OpenSSL's messages start with an internal error number and end
 * with a source path; the reason in between is what matters.
 */
export function errorText(error: unknown): string {
  const line = firstLine(error);
  return OPENSSL_MESSAGE.exec(line)?.[1] ?? line;
}
