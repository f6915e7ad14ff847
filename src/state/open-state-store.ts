// Where the state lives, as the user writes it, and the backend that serves it. The clients come
// from the caller, already connected with the same settings (TLS, credentials) as the data stores.
import type { Client as ElasticsearchClient } from "@elastic/elasticsearch";
import type cassandra from "cassandra-driver";
import { formatStateLocation, type StateLocation } from "../core/state-location.js";
import type { StateStore } from "./state-store.js";
import { StateError } from "./state-errors.js";
import { FileStateStore } from "./file/file-state-store.js";
import { CassandraStateStore } from "./cassandra/cassandra-state-store.js";
import { ElasticsearchStateStore } from "./elasticsearch/elasticsearch-state-store.js";

export interface StateClients {
  readonly cassandra?: cassandra.Client;
  readonly elasticsearch?: ElasticsearchClient;
}

export interface OpenStateStoreOptions {
  /** Runs kept per key. */
  readonly historyLimit?: number;
  /** Cassandra only: create a missing keyspace with SimpleStrategy and one replica (tests, demos). */
  readonly createKeyspace?: boolean;
  /** Elasticsearch only: replicas of a new state index; the cluster default when absent. */
  readonly replicas?: number;
}

/** Opens the backend, creating its table or index when missing. Closing it leaves the clients open. */
export async function openStateStore(
  location: StateLocation,
  clients: StateClients,
  options: OpenStateStoreOptions = {},
): Promise<StateStore> {
  const history = options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit };
  switch (location.backend) {
    case "file":
      return new FileStateStore({ directory: location.directory, ...history });
    case "cassandra":
      if (clients.cassandra === undefined) throw missingClient(location, "Cassandra");
      return CassandraStateStore.open(clients.cassandra, {
        keyspace: location.keyspace,
        table: location.table,
        ...history,
        ...(options.createKeyspace === undefined ? {} : { createKeyspace: options.createKeyspace }),
      });
    case "elasticsearch":
      if (clients.elasticsearch === undefined) throw missingClient(location, "Elasticsearch");
      return ElasticsearchStateStore.open(clients.elasticsearch, {
        index: location.index,
        ...history,
        ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      });
  }
}

function missingClient(location: StateLocation, store: string): StateError {
  return new StateError(
    `the state location ${formatStateLocation(location)} needs a connection to ${store}, and none was given`,
    { location: formatStateLocation(location) },
  );
}
