// A consistency level that asks for more replicas than the keyspace has is answered "unavailable"
// by Cassandra, as when nodes are down; but no retry can cure it, so it is refused at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { CONSISTENCY_LEVELS } from "../../src/config/options.js";
import { consistencyCode, consistencyName } from "../../src/stores/cassandra/consistency.js";
import {
  keyspaceReplicas,
  unmeetableConsistency,
  unmeetableError,
} from "../../src/stores/cassandra/unmeetable-consistency.js";

const { errors, types } = cassandra;

function unavailable(level: number, required: number, alive: number): cassandra.errors.ResponseError {
  return Object.assign(
    new errors.ResponseError(types.responseErrorCodes.unavailableException, "unavailable"),
    {
      consistencies: level,
      required,
      alive,
    },
  );
}

const SIMPLE = "org.apache.cassandra.locator.SimpleStrategy";
const NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy";
const nodes = (counts: Record<string, number>) => new Map(Object.entries(counts));

describe("keyspaceReplicas", () => {
  it("counts each data centre's replication factor, capped by its nodes", () => {
    assert.deepEqual(keyspaceReplicas("app", SIMPLE, { replication_factor: "3" }, nodes({ dc1: 1 }), "dc1"), {
      keyspace: "app",
      replication: "SimpleStrategy, replication factor 3, on 1 node",
      total: 1,
      local: 1,
      asked: { total: 3, local: 3 },
    });
    assert.deepEqual(keyspaceReplicas("app", NTS, { dc1: "3", dc2: "2" }, nodes({ dc1: 3, dc2: 1 }), "dc2"), {
      keyspace: "app",
      replication: "NetworkTopologyStrategy, dc1: 3, dc2: 2",
      total: 4,
      local: 1,
      asked: { total: 5, local: 2 },
    });
    assert.equal(keyspaceReplicas("app", NTS, { dc1: "3" }, nodes({ dc1: 3, dc2: 3 }), "dc2")?.local, 0);
  });

  it("knows nothing of other strategies", () => {
    assert.equal(
      keyspaceReplicas("system", "org.apache.cassandra.locator.LocalStrategy", {}, nodes({ dc1: 1 }), "dc1"),
      undefined,
    );
  });
});

describe("unmeetableConsistency", () => {
  const one = keyspaceReplicas(
    "app",
    SIMPLE,
    { replication_factor: "1" },
    nodes({ datacenter1: 1 }),
    "datacenter1",
  );

  it("finds a level that needs more replicas than there are, directly or behind NoHostAvailable", () => {
    const direct = unmeetableConsistency(unavailable(types.consistencies.three, 3, 1), one);
    assert.deepEqual(direct, {
      consistency: types.consistencies.three,
      level: "THREE",
      required: 3,
      available: 1,
      scope: "cluster",
    });
    const wrapped = new errors.NoHostAvailableError({
      "127.0.0.1:9042": unavailable(types.consistencies.three, 3, 1),
    });
    assert.deepEqual(unmeetableConsistency(wrapped, one), direct);
  });

  it("counts local levels against the local data centre's replicas", () => {
    const remote = keyspaceReplicas("app", NTS, { dc1: "3" }, nodes({ dc1: 3, dc2: 1 }), "dc2");
    assert.deepEqual(unmeetableConsistency(unavailable(types.consistencies.localOne, 1, 0), remote), {
      consistency: types.consistencies.localOne,
      level: "LOCAL_ONE",
      required: 1,
      available: 0,
      scope: "local",
    });
  });

  it("leaves alone what nodes coming back would cure, and what it cannot judge", () => {
    const three = keyspaceReplicas("app", SIMPLE, { replication_factor: "3" }, nodes({ dc1: 3 }), "dc1");
    // Two of three replicas down: QUORUM may be met again once they are back.
    assert.equal(unmeetableConsistency(unavailable(types.consistencies.quorum, 2, 1), three), undefined);
    assert.equal(unmeetableConsistency(unavailable(types.consistencies.three, 3, 1), undefined), undefined);
    assert.equal(
      unmeetableConsistency(new errors.ResponseError(types.responseErrorCodes.readTimeout, "slow"), one),
      undefined,
    );
    assert.equal(unmeetableConsistency(new Error("other"), one), undefined);
  });
});

describe("unmeetableError", () => {
  // Tried as an operator would: a keyspace raised to two replicas on one node was told to get more
  // replicas, which it had asked for already.
  it("advises more nodes or fewer replicas where the replication asks for enough on too few nodes", () => {
    const raised = keyspaceReplicas("app", NTS, { dc1: "2" }, nodes({ dc1: 1 }), "dc1");
    assert.ok(raised);
    const found = unmeetableConsistency(unavailable(types.consistencies.localQuorum, 2, 1), raised);
    assert.ok(found);
    const message = unmeetableError(
      found,
      raised,
      "cassandra-read-consistency",
      "read table app.t",
      null,
    ).message;
    assert.match(message, /keyspace app has 1 there \(NetworkTopologyStrategy, dc1: 2\)/);
    assert.match(
      message,
      /give the cluster the nodes the keyspace's 2 replicas need, or give the keyspace no more replicas than its nodes can hold/,
    );
    assert.doesNotMatch(message, /give the keyspace more replicas/);
  });

  it("advises more replicas where the replication asks for too few", () => {
    const one = keyspaceReplicas("app", SIMPLE, { replication_factor: "1" }, nodes({ dc1: 3 }), "dc1");
    assert.ok(one);
    const found = unmeetableConsistency(unavailable(types.consistencies.three, 3, 1), one);
    assert.ok(found);
    const message = unmeetableError(
      found,
      one,
      "cassandra-write-consistency",
      "write to table app.t",
      null,
    ).message;
    assert.match(
      message,
      /give the keyspace more replicas \(ALTER KEYSPACE \.\.\. WITH replication\) and the cluster the nodes/,
    );
  });
});

describe("consistency levels", () => {
  it("are the driver's constants under the options' names, both ways", () => {
    const byName = types.consistencies as unknown as Record<string, number>;
    for (const level of CONSISTENCY_LEVELS) {
      const camel = level.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      assert.equal(consistencyCode(level), byName[camel], level);
      assert.equal(consistencyName(consistencyCode(level)), level);
    }
    assert.equal(consistencyCode("LOCAL_ONE"), types.consistencies.localOne);
    assert.equal(consistencyName(99), "99");
  });
});
