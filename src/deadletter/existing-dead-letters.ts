// Commands that only look at dead letters (list, show, and purge or replay of what is there) must not
// create a store to find it empty: a mistyped location would leave a new directory, table or index
// behind. Runs create the store; these commands first check that one exists.
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { DeadLetterLocation } from "../core/state-location.js";
import { inStateStore, NoStateError, StateSetupError } from "../state/state-errors.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state/state-store.js";
import type { DeadLetterClients } from "./dead-letter-location.js";

/** Fails with a NoStateError, creating nothing, unless the store at `location` exists. */
export async function requireDeadLetterStore(
  location: DeadLetterLocation,
  clients: DeadLetterClients,
  timeoutMs = DEFAULT_STATE_TIMEOUT_MS,
): Promise<void> {
  const where = describe(location, clients);
  const missing = await inStateStore(
    "find the dead-letter store",
    where,
    () => findMissing(location, clients),
    { timeoutMs, as: StateSetupError, store: "dead-letter store" },
  );
  if (missing === undefined) return;
  const text = typeof missing === "string" ? missing : missing.keyspace;
  throw new NoStateError(where, text, "dead-letter store", typeof missing === "string");
}

function describe(location: DeadLetterLocation, clients: DeadLetterClients): string {
  switch (location.backend) {
    case "file":
      return `file ${location.path}`;
    case "cassandra":
      return `Cassandra table ${location.keyspace.toLowerCase()}.${location.table.toLowerCase()}`;
    case "elasticsearch":
      return `${clients.elasticsearch?.productName ?? "Elasticsearch"} index ${location.index}`;
  }
}

/**
 * What is missing at `location`, or undefined: a file's letters wait in a directory that exists. A
 * missing keyspace is told apart, since a run makes the table but not its keyspace.
 */
async function findMissing(
  location: DeadLetterLocation,
  clients: DeadLetterClients,
): Promise<string | { readonly keyspace: string } | undefined> {
  switch (location.backend) {
    case "file": {
      // The file itself appears with the first letter; its directory, the state's, with the first run.
      const directory = dirname(resolve(location.path));
      try {
        if (!(await stat(directory)).isDirectory()) return `${directory} is not a directory`;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        return `its directory ${directory} does not exist`;
      }
      const file = await stat(location.path).catch(() => undefined);
      return file?.isDirectory() === true ? `${location.path} is a directory, not a file` : undefined;
    }
    case "cassandra": {
      // openDeadLetterStore refuses a location without its client.
      if (clients.cassandra === undefined) return undefined;
      const found = await clients.cassandra.execute(
        "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
        [location.keyspace.toLowerCase(), location.table.toLowerCase()],
        { prepare: true },
      );
      if (found.rowLength > 0) return undefined;
      const keyspace = await clients.cassandra.execute(
        "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
        [location.keyspace.toLowerCase()],
        { prepare: true },
      );
      return keyspace.rowLength > 0
        ? "the table does not exist"
        : { keyspace: `its keyspace ${location.keyspace} does not exist` };
    }
    case "elasticsearch": {
      if (clients.elasticsearch === undefined) return undefined;
      return (await clients.elasticsearch.indexExists(location.index))
        ? undefined
        : "the index does not exist";
    }
  }
}
