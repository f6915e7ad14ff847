// Where the state lives, as the user writes it, and the backend that serves it. The clients come
// from the caller, already connected with the same settings (TLS, credentials) as the data stores.
import type { Client as ElasticsearchClient } from "@elastic/elasticsearch";
import type cassandra from "cassandra-driver";
import type { StateStore } from "./state-store.js";
import { StateError } from "./state-errors.js";
import { FileStateStore } from "./file/file-state-store.js";
import { CassandraStateStore } from "./cassandra/cassandra-state-store.js";
import { checkCqlName } from "./cassandra/cassandra-schema.js";
import { ElasticsearchStateStore } from "./elasticsearch/elasticsearch-state-store.js";
import { checkIndexName } from "./elasticsearch/elasticsearch-schema.js";

export type StateLocation =
  | { readonly backend: "file"; readonly directory: string }
  | { readonly backend: "cassandra"; readonly keyspace: string; readonly table: string }
  | { readonly backend: "elasticsearch"; readonly index: string };

/** Relative to the working directory. */
export const DEFAULT_STATE_DIRECTORY = "state";

const FORMS = "a directory, cassandra:<keyspace>.<table>, or elasticsearch:<index> (es:<index>)";

/**
 * Reads `cassandra:<keyspace>.<table>`, `elasticsearch:<index>` or `es:<index>`, and otherwise a
 * directory, optionally written `file:<directory>`. A one-letter prefix is a Windows drive, and a
 * directory whose name looks like a prefix can be written `./name:...`.
 */
export function parseStateLocation(text: string): StateLocation {
  if (text.trim() === "") throw locationError(text, "it is empty");
  const match = /^(?<scheme>[A-Za-z][A-Za-z0-9+.-]+):(?<rest>.*)$/s.exec(text);
  if (!match?.groups) return { backend: "file", directory: text };
  const scheme = (match.groups["scheme"] ?? "").toLowerCase();
  const rest = match.groups["rest"] ?? "";
  switch (scheme) {
    case "file":
      if (rest === "") throw locationError(text, "it names no directory");
      return { backend: "file", directory: rest };
    case "cassandra": {
      const parts = rest.split(".");
      if (parts.length !== 2)
        throw locationError(text, "a Cassandra location is cassandra:<keyspace>.<table>");
      const [keyspace = "", table = ""] = parts;
      return {
        backend: "cassandra",
        keyspace: checkCqlName("keyspace", keyspace),
        table: checkCqlName("table", table),
      };
    }
    case "elasticsearch":
    case "es":
      return { backend: "elasticsearch", index: checkIndexName(rest) };
    default:
      throw locationError(text, `'${scheme}:' is not a kind of state store`);
  }
}

export function formatStateLocation(location: StateLocation): string {
  switch (location.backend) {
    case "file":
      return location.directory;
    case "cassandra":
      return `cassandra:${location.keyspace}.${location.table}`;
    case "elasticsearch":
      return `elasticsearch:${location.index}`;
  }
}

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

function locationError(text: string, problem: string): StateError {
  return new StateError(`the state location '${text}' cannot be used: ${problem}. Give ${FORMS}.`, {
    location: text,
    problem,
  });
}

function missingClient(location: StateLocation, store: string): StateError {
  return new StateError(
    `the state location ${formatStateLocation(location)} needs a connection to ${store}, and none was given`,
    { location: formatStateLocation(location) },
  );
}
