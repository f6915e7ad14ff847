// Where the integration tests find the real servers. scripts/test.sh exports both variables after
// starting the servers; set them yourself to run the tests against servers that already run.
import { randomBytes } from "node:crypto";

export interface TestServers {
  readonly cassandraHost: string;
  readonly cassandraPort: number;
  readonly elasticsearchUrl: string;
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
    elasticsearchUrl: env["SYNCED_TEST_ELASTICSEARCH"] ?? "http://127.0.0.1:9200",
  };
}

/** A name unique to this test run, valid as a keyspace and as an index name. */
export function runScopedName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}
