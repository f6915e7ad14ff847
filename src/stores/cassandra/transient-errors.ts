// Which Cassandra failures are worth retrying: the coordinator or replicas were briefly unable to
// answer. A malformed statement or a refused value fails the same way every time.
import cassandra from "cassandra-driver";

const { responseErrorCodes } = cassandra.types;
/** Codes by which the cluster says it cannot serve the request now, rather than that it is wrong. */
export const UNAVAILABLE_CODES: ReadonlySet<number> = new Set<number>([
  responseErrorCodes.overloaded,
  responseErrorCodes.isBootstrapping,
  responseErrorCodes.unavailableException,
  responseErrorCodes.readTimeout,
  responseErrorCodes.writeTimeout,
]);
const TRANSIENT_CODES = new Set<number>([...UNAVAILABLE_CODES, responseErrorCodes.truncateError]);

export function isTransientCassandraError(error: unknown): boolean {
  if (error instanceof cassandra.errors.NoHostAvailableError) return true;
  if (error instanceof cassandra.errors.OperationTimedOutError) return true;
  if (error instanceof cassandra.errors.ResponseError) return TRANSIENT_CODES.has(error.code);
  return false;
}
