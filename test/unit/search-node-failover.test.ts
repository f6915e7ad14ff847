// Both products' clients as synced configures them, with one listed node down: a request that finds
// it down goes to the next node at once, in either order, and a request a node received is never
// sent again by the client, whatever became of its answer (the stores decide that). A local HTTP
// listener stands in for the live node: this is the clients' transport, not a server's behaviour
// (test/integration/down-node.test.ts runs the command on the real servers).
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Client as EsClient } from "@elastic/elasticsearch";
import { Client as OsClient } from "@opensearch-project/opensearch";
import type { ElasticsearchOptions } from "../../src/config/options.js";
import { esClientOptions } from "../../src/stores/elasticsearch/connect.js";
import { openSearchClientOptions } from "../../src/stores/opensearch/connect.js";
import { nodeNotConnected, sendToLiveNode } from "../../src/stores/search/node-failover.js";
import { closedPorts } from "../support/tcp.js";

/** Answers as both products do to GET /, and closes the connection on POST /drop without answering. */
function standIn(seen: string[]) {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(`${request.method ?? ""} ${request.url ?? ""}`);
    request.resume();
    if (request.url === "/drop") {
      request.socket.destroy();
      return;
    }
    response.writeHead(200, { "content-type": "application/json", "x-elastic-product": "Elasticsearch" });
    response.end(JSON.stringify({ version: { number: "2.19.0", distribution: "opensearch" } }));
  });
}

function options(nodes: string[]): ElasticsearchOptions {
  return { nodes, product: "auto", versioning: "optimistic", tls: { insecure: false } };
}

interface Product {
  readonly name: string;
  readonly client: (
    nodes: string[],
  ) => Promise<{ get: (path: string) => Promise<unknown>; close: () => Promise<void> }>;
}

const products: Product[] = [
  {
    name: "Elasticsearch",
    client: async (nodes) => {
      const client = new EsClient(await esClientOptions(options(nodes)));
      return {
        get: (path) => client.transport.request({ method: path === "/drop" ? "POST" : "GET", path }),
        close: () => client.close(),
      };
    },
  },
  {
    name: "OpenSearch",
    client: async (nodes) => {
      const client = new OsClient(await openSearchClientOptions(options(nodes)));
      return {
        get: (path) => client.transport.request({ method: path === "/drop" ? "POST" : "GET", path }),
        close: () => client.close(),
      };
    },
  },
];

describe("one node of --es-nodes down, in the clients", () => {
  const seen: string[] = [];
  const server = standIn(seen);
  let live: string;
  let down: string;
  /** A second node down, not the same port as `down`. */
  let other: string;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    live = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    [down, other] = (await closedPorts(2)).map((port) => `http://127.0.0.1:${port}`) as [string, string];
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );

  for (const product of products) {
    for (const place of ["first", "last"] as const) {
      it(`${product.name}: every request is answered with the down node ${place}`, async () => {
        const client = await product.client(place === "first" ? [down, live] : [live, down]);
        try {
          seen.length = 0;
          for (let i = 0; i < 6; i++) await client.get("/");
          assert.equal(seen.length, 6);
        } finally {
          await client.close();
        }
      });
    }

    it(`${product.name}: a request the node received is not sent again`, async () => {
      const client = await product.client([down, live]);
      try {
        seen.length = 0;
        await assert.rejects(client.get("/drop"), { name: "ConnectionError" });
        assert.deepEqual(seen, ["POST /drop"]);
      } finally {
        await client.close();
      }
    });

    it(`${product.name}: every node down fails with the last refusal`, async () => {
      const client = await product.client([down, other]);
      try {
        await assert.rejects(client.get("/"), { name: "ConnectionError", message: /ECONNREFUSED/ });
      } finally {
        await client.close();
      }
    });
  }
});

describe("which failures pass to the next node", () => {
  const failure = (message: string, id?: string): Error =>
    Object.assign(new Error(message), {
      name: "ConnectionError",
      meta: { meta: { connection: id === undefined ? null : { id } } },
    });

  it("a connection never made, and nothing else", () => {
    assert.equal(nodeNotConnected(failure("connect ECONNREFUSED 127.0.0.1:9201", "a")), "a");
    assert.equal(nodeNotConnected(failure("getaddrinfo ENOTFOUND es-2.internal", "b")), "b");
    assert.equal(nodeNotConnected(failure("Connect Timeout Error (attempted address: x)", "c")), "c");
    assert.equal(nodeNotConnected(failure("other side closed - Local: 1, Remote: 2", "a")), undefined);
    assert.equal(nodeNotConnected(failure("socket hang up", "a")), undefined);
    assert.equal(nodeNotConnected(new Error("connect ECONNREFUSED 127.0.0.1:9201")), undefined);
  });

  it("stops once every node refused, or after twice as many tries as nodes", async () => {
    let tries = 0;
    const refuse = (ids: string[]) => () =>
      Promise.reject(failure("connect ECONNREFUSED x", ids[tries++ % ids.length]));
    await assert.rejects(
      sendToLiveNode(refuse(["a", "b", "c"]), () => 3),
      /ECONNREFUSED/,
    );
    assert.equal(tries, 3);
    tries = 0;
    await assert.rejects(
      sendToLiveNode(refuse(["a"]), () => 3),
      /ECONNREFUSED/,
    );
    assert.equal(tries, 6);
  });
});
