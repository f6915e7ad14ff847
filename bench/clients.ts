// The benchmark's own clients for the raw loads and reads, set up as synced sets up its own
// (src/stores/*/connect.ts): the same port and credentials, the same Cassandra encoding and timeouts,
// so the raw figures are not helped or hurt by a different client configuration.
import { Client } from "@elastic/elasticsearch";
import cassandra from "cassandra-driver";

/** Where the servers of `npm run servers:start` listen; synced's defaults point at the same. */
export const SERVERS = {
  cassandraHost: "127.0.0.1",
  cassandraPort: 9042,
  cassandraLocalDc: "datacenter1",
  cassandraUsername: "cassandra",
  cassandraPassword: "cassandra",
  elasticsearchNode: "http://127.0.0.1:9200",
  elasticsearchUsername: "synced",
  elasticsearchPassword: "synced-secret",
} as const;

export interface Clients {
  readonly cassandra: cassandra.Client;
  readonly elasticsearch: Client;
}

export interface ServerVersions {
  readonly cassandra: string;
  readonly elasticsearch: string;
}

/** Both clients, connected; fails with the host when a server does not answer. */
export async function connectClients(): Promise<Clients> {
  const cassandraClient = new cassandra.Client({
    contactPoints: [SERVERS.cassandraHost],
    localDataCenter: SERVERS.cassandraLocalDc,
    protocolOptions: { port: SERVERS.cassandraPort },
    // synced's encoding: maps and sets as Map and Set, 64-bit integers and varints as bigint.
    encoding: { map: Map, set: Set, useBigIntAsLong: true, useBigIntAsVarint: true },
    socketOptions: { connectTimeout: 5000, readTimeout: 60_000 },
    authProvider: new cassandra.auth.PlainTextAuthProvider(
      SERVERS.cassandraUsername,
      SERVERS.cassandraPassword,
    ),
  });
  const elasticsearch = new Client({
    node: SERVERS.elasticsearchNode,
    auth: { username: SERVERS.elasticsearchUsername, password: SERVERS.elasticsearchPassword },
    maxRetries: 5,
    requestTimeout: 60_000,
  });
  try {
    await cassandraClient.connect();
  } catch (error) {
    await elasticsearch.close();
    throw new Error(
      `cannot reach Cassandra at ${SERVERS.cassandraHost}:${SERVERS.cassandraPort} (npm run servers:start?)`,
      { cause: error },
    );
  }
  try {
    await elasticsearch.cluster.health({}, { maxRetries: 0, requestTimeout: 5000 });
  } catch (error) {
    await cassandraClient.shutdown();
    await elasticsearch.close();
    throw new Error(`cannot reach Elasticsearch at ${SERVERS.elasticsearchNode} (npm run servers:start?)`, {
      cause: error,
    });
  }
  return { cassandra: cassandraClient, elasticsearch };
}

export async function closeClients(clients: Clients): Promise<void> {
  await Promise.allSettled([clients.cassandra.shutdown(), clients.elasticsearch.close()]);
}

export async function serverVersions(clients: Clients): Promise<ServerVersions> {
  const local = await clients.cassandra.execute("SELECT release_version FROM system.local");
  // GET / is not served by every distribution (the integ-test zip answers 405); node info always is.
  const nodes = await clients.elasticsearch.nodes.info({ filter_path: ["nodes.*.version"] });
  const esVersions = [...new Set(Object.values(nodes.nodes).map((node) => node.version))];
  const release: unknown = local.rows[0]?.get("release_version");
  return {
    cassandra: typeof release === "string" ? release : "unknown",
    elasticsearch: esVersions.join(", ") || "unknown",
  };
}
