// A lease write whose answer is lost after the server applied it (the connection broke at the worst
// moment): the state store asks again, and the repeat must find the lease its first write made, so
// the run holds its own lease instead of being refused by it, renews it, or has let it go. A relay
// between the state store and the real server (Cassandra's native protocol, or HTTP to the search
// node) loses the answer to one chosen request. The test command runs this file against each search
// product it starts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { parseStateLocation, type StateLocation } from "../../src/core/state-location.js";
import { openStateStore } from "../../src/state/open-state-store.js";
import type { Lease, LeaseResult, StateStore } from "../../src/state/state-store.js";
import { Harness } from "../support/harness.js";
import { lostAnswerRelay, type RelayedRequest } from "../support/lost-answer.js";
import { lostCqlAnswerRelay, type CqlRequest } from "../support/lost-cql-answer.js";
import { cassandraOptions, connectTestSearchClient } from "../support/servers.js";

const HOUR = 3_600_000;
let keys = 0;
const freshKey = (label: string): string => `lost.${label}.${++keys}`;

function held(result: LeaseResult): Lease {
  assert.ok(result.acquired, `refused: ${result.acquired ? "" : JSON.stringify(result.heldBy)}`);
  return result.lease;
}

/** A lease write, as each backend sends it, told apart by what it does. */
type LeaseWrite = "create" | "take-over" | "renew" | "release";

interface Backend {
  readonly name: string;
  readonly backend: "cassandra" | "elasticsearch";
  /**
   * A state store whose requests pass through a relay that loses the answer to the first `write`
   * of the lease; the second store talks to the server directly.
   */
  open(
    h: Harness,
    write: LeaseWrite,
  ): Promise<{ relayed: StateStore; direct: StateStore; sent: () => number }>;
  /** The flags that send synced's requests to this backend through a relay losing `write`'s answer. */
  relayFlags(
    h: Harness,
    write: LeaseWrite,
  ): Promise<{ flags: Record<string, string>; lost: () => boolean; close: () => Promise<void> }>;
}

const CQL_WRITES: Record<LeaseWrite, RegExp> = {
  create: /^INSERT INTO .* VALUES \(\?, 'lease'.* IF NOT EXISTS$/,
  "take-over": /^UPDATE .* SET (format = \?, )?owner = \?.* IF owner = \? AND expires_at = \?$/,
  renew: /^UPDATE .* SET expires_at = \? .*kind = 'lease'.* IF owner = \?$/,
  release: /^DELETE FROM .*kind = 'lease'.* IF owner = \?$/,
};

function cqlWrite(write: LeaseWrite): (request: CqlRequest) => boolean {
  return (request) => request.kind === "execute" && CQL_WRITES[write].test(request.cql);
}

function httpWrite(write: LeaseWrite): (request: Omit<RelayedRequest, "lost">) => boolean {
  return (request) => {
    const url = decodeURIComponent(request.url);
    if (!url.includes("/lease:")) return false;
    const conditional = url.includes("if_seq_no=");
    switch (write) {
      case "create":
        return request.method !== "DELETE" && (url.includes("op_type=create") || url.includes("/_create/"));
      case "take-over":
        return request.method !== "DELETE" && conditional && request.body.includes('"holder":"new-host"');
      case "renew":
        return request.method !== "DELETE" && conditional;
      case "release":
        return request.method === "DELETE" && conditional;
    }
  };
}

/** Where Harness.stateIn puts the state of each backend. */
function stateLocation(h: Harness, backend: "cassandra" | "elasticsearch"): StateLocation {
  return parseStateLocation(h.stateIn(backend));
}

const backends: Backend[] = [
  {
    name: "Cassandra",
    backend: "cassandra",
    async open(h, write) {
      const relay = await lostCqlAnswerRelay(
        h.servers.cassandraHost,
        h.servers.cassandraPort,
        cqlWrite(write),
      );
      // Two connections, so the cut leaves the node up: a driver session (cassandra-driver 4.10) that
      // saw its only connection cut keeps reconnecting after its shutdown, and the test would not end.
      const pooling = { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 } };
      const client = new cassandra.Client(
        cassandraOptions({ protocolOptions: { port: relay.port }, pooling }),
      );
      const location = stateLocation(h, "cassandra");
      const relayed = await openStateStore(location, { cassandra: client });
      const direct = await openStateStore(location, { cassandra: h.cassandra });
      cleanups.push(async () => {
        await client.shutdown();
        await relay.close();
      });
      return {
        relayed,
        direct,
        sent: () => relay.requests.filter((r) => cqlWrite(write)(r)).length,
      };
    },
    async relayFlags(h, write) {
      const relay = await lostCqlAnswerRelay(
        h.servers.cassandraHost,
        h.servers.cassandraPort,
        cqlWrite(write),
      );
      return {
        flags: { "--cassandra-port": String(relay.port) },
        lost: () => relay.requests.some((r) => r.lost),
        close: () => relay.close(),
      };
    },
  },
  {
    name: "the search node",
    backend: "elasticsearch",
    async open(h, write) {
      const node = new URL(h.servers.elasticsearchUrl);
      const relay = await lostAnswerRelay(node.hostname, Number(node.port), httpWrite(write));
      const client = await connectTestSearchClient(`http://127.0.0.1:${relay.port}`);
      const location = stateLocation(h, "elasticsearch");
      const direct = await openStateStore(location, { elasticsearch: h.search }, { replicas: 0 });
      const relayed = await openStateStore(location, { elasticsearch: client });
      cleanups.push(async () => {
        await client.close();
        await relay.close();
      });
      return { relayed, direct, sent: () => relay.requests.filter((r) => httpWrite(write)(r)).length };
    },
    async relayFlags(h, write) {
      const node = new URL(h.servers.elasticsearchUrl);
      const relay = await lostAnswerRelay(node.hostname, Number(node.port), httpWrite(write));
      return {
        flags: { "--es-nodes": `http://127.0.0.1:${relay.port}` },
        lost: () => relay.requests.some((r) => r.lost),
        close: () => relay.close(),
      };
    },
  },
];

const cleanups: (() => Promise<void>)[] = [];

describe("a lease write whose answer is lost", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("lostlease");
  });
  after(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await h.cleanup();
  });

  for (const backend of backends) {
    describe(`in ${backend.name}`, () => {
      it("taking a free lease: the repeat finds the lease its first write made, and holds it", async () => {
        const key = freshKey("create");
        const { relayed, direct, sent } = await backend.open(h, "create");
        const lease = held(await relayed.acquireLease(key, "run-a", "host-a", HOUR));
        assert.equal(lease.owner, "run-a");
        assert.ok(sent() >= 2, `the lease write was not sent again (${sent()} sent)`);
        assert.deepEqual(await direct.getLease(key), lease);
        const stranger = await direct.acquireLease(key, "run-b", "host-b", HOUR);
        assert.equal(stranger.acquired ? "acquired" : stranger.heldBy.owner, "run-a");
      });

      it("taking over an expired lease: the repeat holds it, and still names the run it took over from", async () => {
        const key = freshKey("take-over");
        const { relayed, direct, sent } = await backend.open(h, "take-over");
        const stale = held(
          await direct.acquireLease(key, "run-old", "old-host", 1000, new Date(Date.now() - HOUR)),
        );
        const result = await relayed.acquireLease(key, "run-a", "new-host", HOUR);
        const lease = held(result);
        assert.equal(lease.owner, "run-a");
        assert.deepEqual(result.acquired ? result.tookOverFrom : undefined, stale);
        assert.ok(sent() >= 2, `the lease write was not sent again (${sent()} sent)`);
        assert.deepEqual(await direct.getLease(key), lease);
      });

      it("renewing: the repeat renews the lease, which still belongs to the run", async () => {
        const key = freshKey("renew");
        const { relayed, direct, sent } = await backend.open(h, "renew");
        const lease = held(await direct.acquireLease(key, "run-a", "host-a", HOUR));
        const later = new Date(lease.acquiredAt.getTime() + 1000);
        const renewed = await relayed.renewLease(lease, 2 * HOUR, later);
        assert.deepEqual(renewed, { ...lease, expiresAt: new Date(later.getTime() + 2 * HOUR) });
        assert.ok(sent() >= 2, `the lease write was not sent again (${sent()} sent)`);
        assert.deepEqual(await direct.getLease(key), renewed);
      });

      it("releasing: the repeat finds the lease gone, and another run may take it", async () => {
        const key = freshKey("release");
        const { relayed, direct, sent } = await backend.open(h, "release");
        const lease = held(await direct.acquireLease(key, "run-a", "host-a", HOUR));
        await relayed.releaseLease(lease);
        assert.ok(sent() >= 2, `the lease write was not sent again (${sent()} sent)`);
        assert.equal(await direct.getLease(key), undefined);
        assert.equal((await direct.acquireLease(key, "run-b", "host-b", HOUR)).acquired, true);
      });

      it("a run whose lease write's answer is lost runs, and lets its lease go", async () => {
        await h.cassandra.execute(
          `CREATE TABLE IF NOT EXISTS ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
        );
        const name = freshKey("run");
        const relay = await backend.relayFlags(h, "create");
        try {
          const result = await h.cli([
            ...h.argsWith({ ...relay.flags, "--state": h.stateIn(backend.backend) }),
            ...["--tables", "things", "--direction", "to-es", "--name", name, "--json"],
          ]);
          assert.equal(result.code, EXIT.success, result.stderr);
          assert.ok(relay.lost(), "no answer to the lease write was lost");
        } finally {
          await relay.close();
        }
        const state = await openStateStore(stateLocation(h, backend.backend), {
          cassandra: h.cassandra,
          elasticsearch: h.search,
        });
        assert.equal(await state.getLease(name), undefined, "the run left its lease behind");
        assert.notEqual(await state.getCheckpoint(name), undefined);
      });
    });
  }
});
