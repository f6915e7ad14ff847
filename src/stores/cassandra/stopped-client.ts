// A Cassandra session whose statements give up at once when a signal aborts, as a stop by SIGTERM
// does: the driver takes no abort signal, and a node that keeps the connection but stops answering
// would hold a stopped run until the request timeout, past a pod's grace period, its lease left held.
// The request itself is abandoned; the driver drops its answer, or fails it as the session shuts down.
import type cassandra from "cassandra-driver";
import { untilAborted } from "../../util/until-aborted.js";

type Request = (...args: unknown[]) => Promise<unknown>;

/** The same session, for a run's reads and writes of records; the state and leases keep `client`. */
export function stoppedBy(client: cassandra.Client, signal: AbortSignal): cassandra.Client {
  const raced = (request: Request): Request => {
    return (...args) => untilAborted(() => request.apply(client, args), signal);
  };
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      // Every request synced sends goes through one of these two, awaited (never a callback).
      if (property === "execute" || property === "batch") return raced(value as Request);
      return (value as Request).bind(target);
    },
  });
}
