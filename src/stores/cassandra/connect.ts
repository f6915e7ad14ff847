// Opens the Cassandra session from the resolved options: contact points, data centre, credentials,
// TLS, and the encoding the value layer is written for; and tells what the cluster it reached can do.
import { readFile } from "node:fs/promises";
import cassandra from "cassandra-driver";
import type { CassandraOptions } from "../../config/options.js";
import { AuthenticationError, ConnectionError, errorText, tlsAdvice, tlsProblem } from "../store-errors.js";
import { ConfigError } from "../../core/errors.js";
import { describeSecret } from "../../core/secret-origin.js";
import { withTimeLimit } from "../../util/time-limit.js";
import { CASSANDRA_ENCODING } from "../values/driver-options.js";
import { capabilitiesOf, type CassandraCapabilities } from "./capabilities.js";
import { contactPointAddress, namesByAddress, nodeIdentityCheck, resolveAll } from "./node-identity.js";
import { REQUEST_TIMEOUT_MS } from "../../core/request-timeout.js";

export async function clientOptions(
  options: CassandraOptions,
  connectTimeoutMs: number,
): Promise<cassandra.ClientOptions> {
  const tls = options.tls;
  return {
    contactPoints: [...options.contactPoints],
    localDataCenter: options.localDc,
    protocolOptions: { port: options.port },
    encoding: CASSANDRA_ENCODING,
    socketOptions: { connectTimeout: connectTimeoutMs, readTimeout: REQUEST_TIMEOUT_MS },
    // A node that went down is tried again within seconds, not the driver's default of up to ten
    // minutes, so a run that waits out a restart (--retry-window) finds it as soon as it is back.
    policies: {
      reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(500, 4000, false),
    },
    ...(options.auth
      ? {
          authProvider: new cassandra.auth.PlainTextAuthProvider(
            options.auth.username,
            options.auth.password,
          ),
        }
      : {}),
    ...(tls
      ? {
          sslOptions: {
            rejectUnauthorized: !tls.insecure,
            // The driver dials addresses: a node is checked against the contact point that led to it.
            checkServerIdentity: nodeIdentityCheck(
              await namesByAddress(options.contactPoints, resolveAll, connectTimeoutMs),
            ),
            ...(tls.ca ? { ca: [await readFile(tls.ca)] } : {}),
            ...(tls.cert ? { cert: await readFile(tls.cert) } : {}),
            ...(tls.key ? { key: await readFile(tls.key) } : {}),
          },
        }
      : {}),
  };
}

/**
 * A connected client, or a ConnectionError or AuthenticationError that says what to check. A server
 * that accepts connections but never answers (a wrong port, another protocol) fails after
 * `connectTimeoutMs` rather than after the driver's own, much longer, waits.
 */
export async function connectCassandra(
  options: CassandraOptions,
  connectTimeoutMs: number,
): Promise<cassandra.Client> {
  const client = new cassandra.Client(await clientOptions(options, connectTimeoutMs));
  const where = options.contactPoints.map((point) => contactPointAddress(point, options.port)).join(", ");
  const silent = (): ConnectionError =>
    new ConnectionError(
      `Cassandra at ${where} did not answer within ${connectTimeoutMs} ms (--connect-timeout). Check that ` +
        `--cassandra-port is the CQL native port (9042 unless configured otherwise) of a running Cassandra, ` +
        `not another service, and whether the server requires TLS (--cassandra-tls).`,
      { host: where, timeoutMs: connectTimeoutMs },
    );
  try {
    await withTimeLimit(client.connect(), connectTimeoutMs, silent);
    return client;
  } catch (error) {
    // Shutting down a client that is still connecting can wait for the same silence.
    await withTimeLimit(client.shutdown(), 1000, () => new Error("shutdown")).catch(() => undefined);
    if (error instanceof ConnectionError) throw error;
    const byHost: [string, unknown][] =
      error instanceof cassandra.errors.NoHostAvailableError
        ? Object.entries((error.innerErrors ?? {}) as Record<string, unknown>)
        : [[where, error]];
    const inner = byHost.map(([, e]) => e);
    if (inner.some((e) => e instanceof cassandra.errors.AuthenticationError)) {
      const auth = options.auth;
      if (auth === undefined) {
        // The driver's own words here speak of an "authenticator" in its options: not a user's terms.
        throw new AuthenticationError(
          `Cassandra at ${where} asks for a login, and none was given: give --cassandra-username with ` +
            "SYNCED_CASSANDRA_PASSWORD (or --cassandra-password-file).",
          { host: where },
          { cause: error },
        );
      }
      const password =
        auth.from === undefined
          ? "SYNCED_CASSANDRA_PASSWORD (or --cassandra-password-file)"
          : describeSecret("password", auth.from);
      throw new AuthenticationError(
        `Cassandra at ${where} refused the credentials of user '${auth.username}': ` +
          `${describe(byHost)}. Check --cassandra-username and ${password}.`,
        { host: where },
        { cause: error },
      );
    }
    // The driver reached the cluster and names its data centers: the option is wrong, not the address.
    const elsewhere = inner.map((e) => LOCAL_DC.exec(errorText(e))).find((m) => m !== null);
    if (elsewhere) {
      throw new ConfigError(
        "cassandra-local-dc",
        undefined,
        `--cassandra-local-dc is '${elsewhere[1] ?? ""}', but Cassandra at ${where} has hosts in data ` +
          `center${(elsewhere[2] ?? "").includes(",") ? "s" : ""} ${elsewhere[2] ?? ""} only: give one of those.`,
        { cause: error },
      );
    }
    const problem = inner.map(tlsProblem).find((p) => p !== undefined);
    if (problem !== undefined) {
      throw new ConnectionError(
        `cannot connect to Cassandra at ${where} over TLS: ${describe(byHost)}. ` +
          tlsAdvice(problem, {
            store: "Cassandra",
            prefix: "cassandra-tls",
            hostsFlag: "--cassandra-contact-points",
            ca: options.tls?.ca,
            cert: options.tls?.cert,
          }),
        { host: where, tls: problem },
        { cause: error },
      );
    }
    throw new ConnectionError(
      `cannot reach Cassandra at ${where}: ${describe(byHost)}. Check --cassandra-contact-points and ` +
        `--cassandra-port, that the server runs, and TLS settings if it requires TLS.`,
      { host: where },
      { cause: error },
    );
  }
}

/** cassandra-driver's words for a --cassandra-local-dc that no host of the cluster is in. */
const LOCAL_DC = /localDataCenter was configured as '(.*)', but only found hosts in data centers: \[(.*)\]/;

function describe(byHost: readonly [string, unknown][]): string {
  return byHost.length === 0
    ? "no host was tried"
    : byHost.map(([h, e]) => `${h}: ${errorText(e)}`).join("; ");
}

/**
 * What the cluster of a connected client can do. The driver read every node's release_version from
 * system.local and system.peers when it connected, so this costs no request.
 */
export function clusterCapabilities(client: cassandra.Client): CassandraCapabilities {
  return capabilitiesOf(client.hosts.values().map((host) => host.cassandraVersion));
}
