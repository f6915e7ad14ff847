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
  // A connection that broke under a request: the driver tries another node itself for a request
  // marked idempotent (and reports NoHostAvailable when none is left), but hands this over for one
  // that is not, such as a lightweight transaction, whose caller decides whether it may be repeated.
  if (
    error instanceof cassandra.errors.DriverError &&
    (error as { isSocketError?: unknown }).isSocketError === true
  ) {
    return true;
  }
  if (error instanceof cassandra.errors.OperationTimedOutError) return true;
  if (error instanceof cassandra.errors.ResponseError) return TRANSIENT_CODES.has(error.code);
  return false;
}
