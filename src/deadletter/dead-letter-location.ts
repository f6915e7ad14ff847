// Where a configuration's dead letters live: by default beside its state, in the same backend, so
// that a deployment whose state outlives the pod keeps its rejected records too.
import { join } from "node:path";
import type { SearchClient } from "../stores/elasticsearch/search-client.js";
import type cassandra from "cassandra-driver";
import {
  formatDeadLetterLocation,
  type DeadLetterLocation,
  type StateLocation,
} from "../core/state-location.js";
import { StateError } from "../state/state-errors.js";
import { CassandraDeadLetterStore } from "./cassandra-dead-letters.js";
import type { DeadLetterStore } from "./dead-letter-store.js";
import { ElasticsearchDeadLetterStore } from "./elasticsearch-dead-letters.js";
import { FileDeadLetterStore } from "./file-dead-letters.js";

/** Beside the state: `<key>.dead-letters.ndjson` in its directory, `<table>_dead_letters`, `<index>-dead-letters`. */
export function defaultDeadLetterLocation(state: StateLocation, key: string): DeadLetterLocation {
  switch (state.backend) {
    case "file":
      return { backend: "file", path: join(state.directory, `${key}.dead-letters.ndjson`) };
    case "cassandra":
      return { backend: "cassandra", keyspace: state.keyspace, table: `${state.table}_dead_letters` };
    case "elasticsearch":
      return { backend: "elasticsearch", index: `${state.index}-dead-letters` };
  }
}

export interface DeadLetterClients {
  readonly cassandra?: cassandra.Client;
  readonly elasticsearch?: SearchClient;
}

/** Opens the store, creating its table or index when missing; closing it leaves the clients open. */
export async function openDeadLetterStore(
  location: DeadLetterLocation,
  clients: DeadLetterClients,
  options: { readonly timeoutMs?: number } = {},
): Promise<DeadLetterStore> {
  switch (location.backend) {
    case "file":
      return new FileDeadLetterStore(location.path, options.timeoutMs);
    case "cassandra":
      if (clients.cassandra === undefined) throw missingClient(location, "Cassandra");
      return CassandraDeadLetterStore.open(
        clients.cassandra,
        location.keyspace,
        location.table,
        options.timeoutMs,
      );
    case "elasticsearch":
      if (clients.elasticsearch === undefined) throw missingClient(location, "Elasticsearch");
      return ElasticsearchDeadLetterStore.open(clients.elasticsearch, location.index, options);
  }
}

function missingClient(location: DeadLetterLocation, store: string): StateError {
  return new StateError(
    `the dead-letter location ${formatDeadLetterLocation(location)} needs a connection to ${store}, and none was given`,
    { location: formatDeadLetterLocation(location) },
  );
}
