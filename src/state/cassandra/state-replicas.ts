// A state keyspace given more replicas than the cluster has nodes (ALTER KEYSPACE ... WITH replication)
// answers checkpoints (LOCAL_QUORUM) and leases (lightweight transactions, whose Paxos round needs a
// majority of all the row's replicas) "unavailable", as nodes that are down would. No repeat cures
// it, so it is said at once, naming the replication, rather than repeated for all of --state-timeout
// and then reported as a store that does not answer.
import type cassandra from "cassandra-driver";
import {
  keyspaceReplicas,
  readReplication,
  type Replication,
  unmeetableConsistency,
} from "../../stores/cassandra/unmeetable-consistency.js";

export class StateReplicas {
  #replication: Replication | undefined;

  /**
   * `localDc`: the data centre the client takes as local (--cassandra-local-dc), where LOCAL_* levels
   * count replicas; none leaves every failure as it is. `store`: which the messages speak of, and the
   * option that chooses another.
   */
  constructor(
    private readonly client: cassandra.Client,
    private readonly localDc: string | undefined,
    private readonly store: "state" | "dead letters" = "state",
  ) {}

  /** Reads the keyspace's replication; a cluster that would not say leaves every failure as it is. */
  async read(keyspace: string): Promise<void> {
    this.#replication = await readReplication(this.client, keyspace);
  }

  /** Why no repeat of the request that failed with `error` can succeed, if none can. */
  readonly unusable = (error: unknown): string | undefined => {
    const replication = this.#replication;
    const localDc = this.localDc;
    if (replication === undefined || localDc === undefined) return undefined;
    // Every node the driver knows, down ones included: a node that comes back adds no replica.
    const nodes = new Map<string, number>();
    for (const host of this.client.hosts.values())
      nodes.set(host.datacenter, (nodes.get(host.datacenter) ?? 0) + 1);
    const replicas = keyspaceReplicas(
      replication.keyspace,
      replication.strategy,
      replication.options,
      nodes,
      localDc,
    );
    const found = unmeetableConsistency(error, replicas);
    if (found === undefined || replicas === undefined) return undefined;
    const local = found.scope === "local";
    const has = found.available === 0 ? "none" : String(found.available);
    return (
      `Cassandra answered that ${found.level} needs ${found.required} replicas` +
      `${local ? " in the local data centre (--cassandra-local-dc)" : ""}, but keyspace ${replicas.keyspace} ` +
      `has ${has}${local ? " there" : ""} (${replicas.replication}), so no retry can succeed. ` +
      (this.store === "state"
        ? "The state keeps checkpoints at LOCAL_QUORUM and takes leases with lightweight transactions, which need"
        : "The dead letters are kept at LOCAL_QUORUM, which needs") +
      " a majority of the keyspace's replicas. Give the keyspace no more replicas than the cluster has " +
      `nodes to hold (ALTER KEYSPACE ${replicas.keyspace} WITH replication), or choose another ` +
      `${this.store === "state" ? "--state" : "--dead-letter"}.`
    );
  };
}
