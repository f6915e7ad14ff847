// How far this host's clock runs ahead of Cassandra's. A run's range ends at now minus --lag by this
// host's clock, and its checkpoint moves there: on a host whose clock runs ahead, the checkpoint passes
// times the writers have not reached yet, and what they write until then lands behind it for good.
import type cassandra from "cassandra-driver";

/**
 * Milliseconds by which `now` is ahead of the clock of the Cassandra node that answers (negative:
 * behind), taken at the middle of the request, so the network's time counts at most half.
 */
export async function clockAheadOfCassandra(client: cassandra.Client, now: () => number): Promise<number> {
  const before = now();
  const result = await client.execute("SELECT toUnixTimestamp(now()) AS at FROM system.local");
  const after = now();
  const at = Number(result.first().get("at"));
  return (before + after) / 2 - at;
}
