// Opens the Cassandra session from the resolved options: contact points, data centre, credentials,
// TLS, and the encoding the value layer is written for.
import { readFile } from "node:fs/promises";
import cassandra from "cassandra-driver";
import type { CassandraOptions } from "../../config/options.js";
import { AuthenticationError, ConnectionError } from "../connection-errors.js";
import { CASSANDRA_ENCODING } from "../values/driver-options.js";

export async function clientOptions(options: CassandraOptions): Promise<cassandra.ClientOptions> {
  const tls = options.tls;
  return {
    contactPoints: [...options.contactPoints],
    localDataCenter: options.localDc,
    protocolOptions: { port: options.port },
    encoding: CASSANDRA_ENCODING,
    socketOptions: { connectTimeout: 10_000, readTimeout: 60_000 },
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
            ...(tls.ca ? { ca: [await readFile(tls.ca)] } : {}),
            ...(tls.cert ? { cert: await readFile(tls.cert) } : {}),
            ...(tls.key ? { key: await readFile(tls.key) } : {}),
          },
        }
      : {}),
  };
}

export async function connectCassandra(options: CassandraOptions): Promise<cassandra.Client> {
  const client = new cassandra.Client(await clientOptions(options));
  const where = options.contactPoints.map((h) => `${h}:${options.port}`).join(", ");
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.shutdown().catch(() => undefined);
    const inner =
      error instanceof cassandra.errors.NoHostAvailableError
        ? Object.values(error.innerErrors as Record<string, unknown>)
        : [error];
    if (inner.some((e) => e instanceof cassandra.errors.AuthenticationError)) {
      throw new AuthenticationError(
        `Cassandra at ${where} refused the credentials${options.auth ? ` of user '${options.auth.username}'` : ""}: ` +
          `${describe(inner)}. Check --cassandra-username and SYNCED_CASSANDRA_PASSWORD (or --cassandra-password-file).`,
        { host: where },
        { cause: error },
      );
    }
    throw new ConnectionError(
      `cannot reach Cassandra at ${where}: ${describe(inner)}. Check --cassandra-contact-points and ` +
        `--cassandra-port, that the server runs, and TLS settings if it requires TLS.`,
      { host: where },
      { cause: error },
    );
  }
}

function describe(errors: unknown[]): string {
  return errors.map((e) => (e instanceof Error ? e.message.split("\n")[0] : String(e))).join("; ");
}
