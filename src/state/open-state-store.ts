// Where the state lives, as the user writes it, and the backend that serves it. The clients come
// from the caller, already connected with the same settings (TLS, credentials) as the data stores.
import type { SearchClient } from "../stores/search/search-client.js";
import type cassandra from "cassandra-driver";
import { formatStateLocation, type StateLocation } from "../core/state-location.js";
import type { StateStore } from "./state-store.js";
import { StateError } from "./state-errors.js";
import { FileStateStore } from "./file/file-state-store.js";
import { CassandraStateStore } from "./cassandra/cassandra-state-store.js";
import { ElasticsearchStateStore } from "./elasticsearch/elasticsearch-state-store.js";

export interface StateClients {
  readonly cassandra?: cassandra.Client;
  readonly elasticsearch?: SearchClient;
}

export interface OpenStateStoreOptions {
  /** Runs kept per key. */
  readonly historyLimit?: number;
  /** Cassandra only: create a missing keyspace with SimpleStrategy and one replica (tests, demos). */
  readonly createKeyspace?: boolean;
  /** Cassandra only: the client's local data centre (--cassandra-local-dc), named when a replication cannot be met. */
  readonly localDc?: string;
  /** Elasticsearch only: replicas of a new state index; the cluster default when absent. */
  readonly replicas?: number;
  /** How long one operation may take (--state-timeout). */
  readonly timeoutMs?: number;
  /**
   * False for commands that only read (synced status): a location with no directory, table or index
   * is a NoStateError, and nothing is created there.
   */
  readonly create?: boolean;
}

/**
 * Opens the backend, creating its directory, table or index when missing (unless `create` is false);
 * a location that cannot be used fails with a StateSetupError. Closing the store leaves the clients
 * open.
 */
export async function openStateStore(
  location: StateLocation,
  clients: StateClients,
  options: OpenStateStoreOptions = {},
): Promise<StateStore> {
  const common = {
    ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  switch (location.backend) {
    case "file":
      return options.create === false
        ? FileStateStore.openExisting({ directory: location.directory, ...common })
        : FileStateStore.open({ directory: location.directory, ...common });
    case "cassandra":
      if (clients.cassandra === undefined) throw missingClient(location, "Cassandra");
      return CassandraStateStore.open(clients.cassandra, {
        keyspace: location.keyspace,
        table: location.table,
        ...common,
        ...(options.createKeyspace === undefined ? {} : { createKeyspace: options.createKeyspace }),
        ...(options.localDc === undefined ? {} : { localDc: options.localDc }),
        ...(options.create === undefined ? {} : { create: options.create }),
      });
    case "elasticsearch":
      if (clients.elasticsearch === undefined) throw missingClient(location, "Elasticsearch");
      return ElasticsearchStateStore.open(clients.elasticsearch, {
        index: location.index,
        ...common,
        ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
        ...(options.create === undefined ? {} : { create: options.create }),
      });
  }
}

function missingClient(location: StateLocation, store: string): StateError {
  return new StateError(
    `the state location ${formatStateLocation(location)} needs a connection to ${store}, and none was given`,
    { location: formatStateLocation(location) },
  );
}
