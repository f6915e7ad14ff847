// Opens the store where a configuration's dead letters live: by default beside its state, in the same
// backend (core/state-location.ts), so that a deployment whose state outlives the pod keeps its
// rejected records too.
import type { SearchClient } from "../stores/search/search-client.js";
import type cassandra from "cassandra-driver";
import { formatDeadLetterLocation, type DeadLetterLocation } from "../core/state-location.js";
import { StateError } from "../state/state-errors.js";
import { CassandraDeadLetterStore } from "../state/cassandra/cassandra-dead-letters.js";
import type { DeadLetterStore } from "./dead-letter-store.js";
import { ElasticsearchDeadLetterStore } from "../state/elasticsearch/elasticsearch-dead-letters.js";
import { requireDeadLetterStore } from "./existing-dead-letters.js";
import { checkDeadLetterFile } from "../state/file/file-dead-letter-check.js";
import { FileDeadLetterStore } from "../state/file/file-dead-letters.js";

export interface DeadLetterClients {
  readonly cassandra?: cassandra.Client;
  readonly elasticsearch?: SearchClient;
}

/**
 * Opens the store, creating its table or index when missing and checking that a file could take a
 * letter, unless `create` is false (commands that only look at letters): then a store that does not
 * exist is a NoStateError and nothing is created. Closing the store leaves the clients open.
 */
export async function openDeadLetterStore(
  location: DeadLetterLocation,
  clients: DeadLetterClients,
  options: {
    readonly timeoutMs?: number;
    readonly create?: boolean;
    /** Cassandra only: the client's local data centre (--cassandra-local-dc). */
    readonly localDc?: string;
    /** Told when a change of a letters file waits for another process's lock, and why. */
    readonly onLockWait?: (message: string) => void;
  } = {},
): Promise<DeadLetterStore> {
  const create = options.create ?? true;
  if (!create) await requireDeadLetterStore(location, clients, options.timeoutMs);
  switch (location.backend) {
    case "file":
      if (create) await checkDeadLetterFile(location.path, options.timeoutMs);
      return new FileDeadLetterStore(
        location.path,
        options.timeoutMs,
        options.onLockWait === undefined ? {} : { lockBusy: options.onLockWait },
      );
    case "cassandra":
      if (clients.cassandra === undefined) throw missingClient(location, "Cassandra");
      return CassandraDeadLetterStore.open(
        clients.cassandra,
        location.keyspace,
        location.table,
        options.timeoutMs,
        create,
        options.localDc,
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
