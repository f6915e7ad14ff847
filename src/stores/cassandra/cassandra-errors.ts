// Cassandra driver errors, turned into synced's errors with the hosts involved and what to do. The
// driver's own summary ("All host(s) tried for query failed") names neither, so each host's error is
// taken from NoHostAvailableError.innerErrors, which the driver keys by host.
import cassandra from "cassandra-driver";
import { SyncedError } from "../../core/errors.js";
import {
  AuthenticationError,
  ConnectionError,
  firstLine,
  PRIVILEGES_SECTION,
  StoreError,
} from "../store-errors.js";
import { UNAVAILABLE_CODES } from "./transient-errors.js";

const UNAUTHORIZED: number = cassandra.types.responseErrorCodes.unauthorized;

/** Cassandra's answer to a role without a permission the statement needs: the login itself is good. */
export function isUnauthorized(error: unknown): error is cassandra.errors.ResponseError {
  return error instanceof cassandra.errors.ResponseError && error.code === UNAUTHORIZED;
}

const AGAIN = "The run stopped without moving the checkpoint; run again once the cluster is healthy.";

/** What the client knows of its hosts, for a failure where none was even tried. */
export function hostStates(client: cassandra.Client): string[] {
  return client.hosts.values().map((host) => `${host.address}: ${host.isUp() ? "up" : "marked down"}`);
}

/**
 * `error` as a SyncedError; `action` completes "could not ...", such as "read table app.users".
 * `hosts` describes the client's hosts, for when the driver tried none because all were down.
 */
export function cassandraFailure(
  error: unknown,
  action: string,
  hosts: () => string[] = () => [],
): SyncedError {
  if (error instanceof SyncedError) return error;
  if (error instanceof cassandra.errors.NoHostAvailableError) {
    const inner = Object.entries((error.innerErrors ?? {}) as Record<string, unknown>);
    const tried = inner.map(([host, cause]) => `${host}: ${firstLine(cause)}`);
    const known = tried.length > 0 ? tried : hosts();
    return new ConnectionError(
      `Cassandra could not ${action}: no host answered (${known.length > 0 ? known.join("; ") : "no host is known"}). ` +
        `Check that the nodes run and are reachable from here (a restart in progress, a network problem, ` +
        `--cassandra-contact-points). ${AGAIN}`,
      { store: "cassandra", action, hosts: Object.fromEntries(inner.map(([h, c]) => [h, firstLine(c)])) },
      { cause: error },
    );
  }
  if (error instanceof cassandra.errors.OperationTimedOutError) {
    const host = (error as { host?: unknown }).host;
    return new ConnectionError(
      `Cassandra could not ${action}: ${typeof host === "string" ? `host ${host}` : "the coordinator"} did not ` +
        `answer in time. ${AGAIN}`,
      { store: "cassandra", action, ...(typeof host === "string" ? { host } : {}) },
      { cause: error },
    );
  }
  if (error instanceof cassandra.errors.ResponseError && UNAVAILABLE_CODES.has(error.code)) {
    return new ConnectionError(
      `Cassandra could not ${action}: ${firstLine(error)}. Too few replicas answered; check the nodes' ` +
        `health, or lower --cassandra-read-consistency / --cassandra-write-consistency. ${AGAIN}`,
      { store: "cassandra", action, code: error.code },
      { cause: error },
    );
  }
  // A role without a permission this needs (SELECT, MODIFY, ALTER, CREATE): the login is good, and
  // nothing changes until the permission is granted, as with the search side's 403.
  if (isUnauthorized(error)) {
    return new AuthenticationError(
      `Cassandra refused to ${action} (${firstLine(error)}): grant the role the permission named ` +
        `(${PRIVILEGES_SECTION}).`,
      { store: "cassandra", action, code: error.code },
      { cause: error },
    );
  }
  return new StoreError(
    `Cassandra could not ${action}: ${firstLine(error)}.`,
    { store: "cassandra", action },
    { cause: error },
  );
}
