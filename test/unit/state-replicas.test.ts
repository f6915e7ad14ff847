// The state's Cassandra table, in a keyspace with more replicas than the cluster has nodes, is told at
// once, from the local data centre the options name: the driver's own copy of it is not part of its
// typed interface, and a client without it left every such failure repeated for --state-timeout.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { StateReplicas } from "../../src/state/cassandra/state-replicas.js";

const { errors, types } = cassandra;

/** A session of one node in `dc1` whose keyspace asks for two replicas; it keeps no options of its own. */
function oneNodeClient(): cassandra.Client {
  const replication = new Map([
    ["class", "org.apache.cassandra.locator.SimpleStrategy"],
    ["replication_factor", "2"],
  ]);
  return {
    execute: () => Promise.resolve({ rows: [{ get: () => replication }] }),
    hosts: new Map([["127.0.0.1:9042", { datacenter: "dc1" }]]),
  } as unknown as cassandra.Client;
}

function unavailable(): cassandra.errors.ResponseError {
  return Object.assign(
    new errors.ResponseError(types.responseErrorCodes.unavailableException, "unavailable"),
    { consistencies: types.consistencies.localQuorum, required: 2, alive: 1 },
  );
}

describe("StateReplicas", () => {
  it("names the replication no retry can meet, in the data centre it was given", async () => {
    const replicas = new StateReplicas(oneNodeClient(), "dc1");
    await replicas.read("ops");
    const why = replicas.unusable(unavailable());
    assert.ok(why !== undefined, "no reason given");
    assert.match(why, /LOCAL_QUORUM needs 2 replicas in the local data centre/);
    assert.match(why, /keyspace ops has 1 there/);
    assert.match(why, /--state\.$/);
  });

  it("speaks of the dead letters' option for their table", async () => {
    const replicas = new StateReplicas(oneNodeClient(), "dc1", "dead letters");
    await replicas.read("ops");
    assert.match(replicas.unusable(unavailable()) ?? "", /--dead-letter\.$/);
  });
});
