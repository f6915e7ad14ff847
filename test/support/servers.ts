// Where the integration tests find the real servers. scripts/test.sh exports both variables after
// starting the servers; set them yourself to run the tests against servers that already run.
import { randomBytes } from "node:crypto";
import type { ClientOptions as ElasticsearchOptions } from "@elastic/elasticsearch";
import cassandra from "cassandra-driver";
import { connectSearch } from "../../src/cli/connections.js";
import type { SearchClient } from "../../src/stores/search/search-client.js";
import { searchFixture, type SearchFixture } from "./search-fixture.js";

export interface TestServers {
  readonly cassandraHost: string;
  readonly cassandraPort: number;
  /** The test Cassandra requires a login, as production clusters do. */
  readonly cassandraUsername: string;
  readonly cassandraPassword: string;
  readonly elasticsearchUrl: string;
  /** The test Elasticsearch requires a login too. */
  readonly elasticsearchUsername: string;
  readonly elasticsearchPassword: string;
}

export function testServers(env: NodeJS.ProcessEnv = process.env): TestServers {
  const cassandra = env["SYNCED_TEST_CASSANDRA"] ?? "127.0.0.1:9042";
  const match = /^(?<host>[^:]+):(?<port>\d+)$/.exec(cassandra);
  if (!match?.groups) {
    throw new Error(`SYNCED_TEST_CASSANDRA must be host:port, such as 127.0.0.1:9042, not '${cassandra}'`);
  }
  return {
    cassandraHost: match.groups["host"] ?? "127.0.0.1",
    cassandraPort: Number(match.groups["port"]),
    cassandraUsername: env["SYNCED_TEST_CASSANDRA_USERNAME"] ?? "cassandra",
    cassandraPassword: env["SYNCED_TEST_CASSANDRA_PASSWORD"] ?? "cassandra",
    elasticsearchUrl: env["SYNCED_TEST_ELASTICSEARCH"] ?? "http://127.0.0.1:9200",
    elasticsearchUsername: env["SYNCED_TEST_ES_USERNAME"] ?? "synced",
    elasticsearchPassword: env["SYNCED_TEST_ES_PASSWORD"] ?? "synced-secret",
  };
}

/**
 * The flags that point synced at the test servers, with their user names; the passwords go through
 * the environment (serverSecrets), as the documentation tells users to pass them.
 */
export function serverArgs(servers: TestServers = testServers()): string[] {
  const { cassandraHost, cassandraPort, cassandraUsername } = servers;
  return [
    ...["--cassandra-contact-points", cassandraHost, "--cassandra-port", String(cassandraPort)],
    ...["--cassandra-username", cassandraUsername],
    ...["--es-nodes", servers.elasticsearchUrl, "--es-username", servers.elasticsearchUsername],
  ];
}

/** The passwords of the test servers, as synced reads them from its environment. */
export function serverSecrets(servers: TestServers = testServers()): Record<string, string> {
  return {
    SYNCED_CASSANDRA_PASSWORD: servers.cassandraPassword,
    SYNCED_ES_PASSWORD: servers.elasticsearchPassword,
  };
}

/** A name unique to this test run, valid as a keyspace and as an index name. */
export function runScopedName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

/** Driver options for the test Cassandra, credentials included. */
export function cassandraOptions(extra: cassandra.ClientOptions = {}): cassandra.ClientOptions {
  const servers = testServers();
  return {
    contactPoints: [servers.cassandraHost],
    protocolOptions: { port: servers.cassandraPort },
    localDataCenter: "datacenter1",
    authProvider: new cassandra.auth.PlainTextAuthProvider(
      servers.cassandraUsername,
      servers.cassandraPassword,
    ),
    ...extra,
  };
}

/** Client options for the test Elasticsearch, credentials included. */
export function elasticsearchOptions(extra: ElasticsearchOptions = {}): ElasticsearchOptions {
  const servers = testServers();
  return {
    node: servers.elasticsearchUrl,
    auth: { username: servers.elasticsearchUsername, password: servers.elasticsearchPassword },
    ...extra,
  };
}

/**
 * synced's own client for the test search server, or for a relay in front of it at `url`, with the
 * tests' login, whichever product answers there.
 */
export function connectTestSearchClient(url = testServers().elasticsearchUrl): Promise<SearchClient> {
  const servers = testServers();
  return connectSearch(
    {
      nodes: [url],
      product: "auto",
      versioning: "optimistic",
      auth: {
        kind: "basic",
        username: servers.elasticsearchUsername,
        password: servers.elasticsearchPassword,
      },
      tls: { insecure: false },
    },
    10_000,
  );
}

/**
 * synced's own client for the test search server, whichever product answers there (Elasticsearch
 * or OpenSearch), so the same tests run against each, with the fixture that arranges data there.
 */
export async function connectTestSearch(): Promise<SearchFixture> {
  return searchFixture(await connectTestSearchClient());
}
