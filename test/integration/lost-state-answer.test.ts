// A state or dead-letter request whose answer is lost (a broken connection, a timeout) is sent again,
// as a lease write's is (lost-lease-answer.test.ts): opening the store, saving a checkpoint and
// writing dead letters all ride through one lost answer instead of failing the run. Each of these
// requests can be repeated safely: creating what exists is accepted, and writes replace by key. A
// relay between the store and the real server loses the answer to one chosen request. The test command
// runs this file against each search product it starts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { parseStateLocation } from "../../src/core/state-location.js";
import { defaultDeadLetterLocation } from "../../src/core/state-location.js";
import { openDeadLetterStore } from "../../src/deadletter/dead-letter-location.js";
import { storedLetter } from "../../src/deadletter/dead-letter-store.js";
import { openStateStore, type StateClients } from "../../src/state/open-state-store.js";
import { Harness } from "../support/harness.js";
import { lostAnswerRelay, type RelayedRequest } from "../support/lost-answer.js";
import { lostCqlAnswerRelay, type CqlRequest } from "../support/lost-cql-answer.js";
import { cassandraOptions, connectTestSearchClient } from "../support/servers.js";

/** The request whose answer is lost. */
type Lost = "open" | "checkpoint" | "dead letters";

interface Relayed {
  /** Clients whose requests pass through a relay that loses the answer to the first `lost` request. */
  readonly clients: StateClients;
  /** How many requests of that kind were sent. */
  readonly sent: () => number;
  /** Whether the answer to one of them was lost. */
  readonly lost: () => boolean;
}

interface Backend {
  readonly name: string;
  readonly backend: "cassandra" | "elasticsearch";
  relay(h: Harness, lost: Lost): Promise<Relayed>;
}

const CQL: Record<Lost, RegExp> = {
  open: /^CREATE TABLE IF NOT EXISTS /,
  checkpoint: /^INSERT INTO .* VALUES \(\?, 'checkpoint'/,
  "dead letters": /^INSERT INTO .*_dead_letters /,
};

function cqlRequest(lost: Lost): (request: CqlRequest) => boolean {
  return (request) => request.cql.split("; ").some((statement) => CQL[lost].test(statement));
}

function httpRequest(lost: Lost): (request: Omit<RelayedRequest, "lost">) => boolean {
  return (request) => {
    const url = decodeURIComponent(request.url);
    switch (lost) {
      case "open":
        return request.method === "GET" && url.includes("/_mapping");
      case "checkpoint":
        return request.method === "PUT" && url.includes("/_doc/checkpoint:");
      case "dead letters":
        return url.startsWith("/_bulk") && request.body.includes("-dead-letters");
    }
  };
}

const cleanups: (() => Promise<void>)[] = [];

const backends: Backend[] = [
  {
    name: "Cassandra",
    backend: "cassandra",
    async relay(h, lost) {
      const relay = await lostCqlAnswerRelay(
        h.servers.cassandraHost,
        h.servers.cassandraPort,
        cqlRequest(lost),
      );
      // Two connections, so the cut leaves the node up (see lost-lease-answer.test.ts).
      const pooling = { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 } };
      const client = new cassandra.Client(
        cassandraOptions({ protocolOptions: { port: relay.port }, pooling }),
      );
      cleanups.push(async () => {
        await client.shutdown();
        await relay.close();
      });
      return {
        clients: { cassandra: client },
        sent: () => relay.requests.filter(cqlRequest(lost)).length,
        lost: () => relay.requests.some((request) => request.lost),
      };
    },
  },
  {
    name: "the search node",
    backend: "elasticsearch",
    async relay(h, lost) {
      const node = new URL(h.servers.elasticsearchUrl);
      const relay = await lostAnswerRelay(node.hostname, Number(node.port), httpRequest(lost));
      const client = await connectTestSearchClient(`http://127.0.0.1:${relay.port}`);
      cleanups.push(async () => {
        await client.close();
        await relay.close();
      });
      return {
        clients: { elasticsearch: client },
        sent: () => relay.requests.filter(httpRequest(lost)).length,
        lost: () => relay.requests.some((request) => request.lost),
      };
    },
  },
];

describe("a state or dead-letter request whose answer is lost", () => {
  let h: Harness;
  let direct: StateClients;

  before(async () => {
    h = await Harness.create("loststate");
    direct = { cassandra: h.cassandra, elasticsearch: h.search };
  });
  after(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await h.cleanup();
  });

  for (const backend of backends) {
    describe(`in ${backend.name}`, () => {
      const location = () => parseStateLocation(h.stateIn(backend.backend));

      it("opens the state store: the repeat finds what the first request made or read", async () => {
        const { clients, sent, lost } = await backend.relay(h, "open");
        const state = await openStateStore(location(), clients, { createKeyspace: true, replicas: 0 });
        // The open was repeated: on Cassandra the repeat finds the table the lost CREATE made, and
        // creates nothing (a role may lack CREATE once the tables exist); the search node reads again.
        assert.ok(lost(), `no answer was lost (${sent()} sent)`);
        if (backend.backend === "elasticsearch") assert.ok(sent() >= 2, `not sent again (${sent()} sent)`);
        await state.setCheckpoint("lost.open", 42n, "run-1");
        const again = await openStateStore(location(), direct);
        assert.equal((await again.getCheckpoint("lost.open"))?.position, 42n);
      });

      it("saves a checkpoint: the repeat saves the same position", async () => {
        await openStateStore(location(), direct, { createKeyspace: true, replicas: 0 });
        const { clients, sent } = await backend.relay(h, "checkpoint");
        const state = await openStateStore(location(), clients);
        await state.setCheckpoint("lost.checkpoint", 7n, "run-2");
        assert.ok(sent() >= 2, `the checkpoint was not sent again (${sent()} sent)`);
        const read = await openStateStore(location(), direct);
        assert.equal((await read.getCheckpoint("lost.checkpoint"))?.position, 7n);
      });

      it("writes dead letters: the repeat keeps one letter per record", async () => {
        await openStateStore(location(), direct, { createKeyspace: true, replicas: 0 });
        const where = defaultDeadLetterLocation(location(), "lost.letters");
        await openDeadLetterStore(where, direct);
        const { clients, sent } = await backend.relay(h, "dead letters");
        const letters = await openDeadLetterStore(where, clients);
        const at = new Date("2026-01-02T03:04:05Z");
        await letters.put(
          ["a", "b"].map((id) =>
            storedLetter("lost.letters", "run-3", at, {
              table: "things",
              direction: "to-es",
              from: "cassandra",
              id,
              reason: "refused",
              record: { id },
            }),
          ),
        );
        assert.ok(sent() >= 2, `the dead letters were not sent again (${sent()} sent)`);
        const read = await openDeadLetterStore(where, direct);
        assert.equal(await read.count("lost.letters"), 2);
      });
    });
  }
});
