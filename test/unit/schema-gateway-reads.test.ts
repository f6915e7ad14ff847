// What the schema gateway asks the search cluster in one run: each index's settings once, whichever
// of them the run needs (its uuid, its refresh interval, its scroll-slice limit), and the mapping a
// table --create-tables makes is read from once, for the check and for the statements alike, and not
// again where the run read it to make its plan. The cluster here is a fake that counts the requests;
// the answers are those of Elasticsearch 8.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type cassandra from "cassandra-driver";
import { StoreSchemaGateway } from "../../src/stores/schema-gateway.js";
import type { SearchClient } from "../../src/stores/search/search-client.js";
import { SearchError } from "../../src/stores/search/search-error.js";
import { handPlan } from "../support/table-plan.js";

const SETTINGS: Readonly<Record<string, string>> = {
  "index.uuid": "u-1",
  "index.refresh_interval": "30s",
  "index.max_slices_per_scroll": "8",
};

/** A cluster of one index `app-users`, counting each request by its kind. */
function countingCluster(): { client: SearchClient; requests: Map<string, number> } {
  const requests = new Map<string, number>();
  const count = (kind: string): void => {
    requests.set(kind, (requests.get(kind) ?? 0) + 1);
  };
  const client = {
    productName: "Elasticsearch",
    // The settings synced names, of each index: one request whatever their number.
    readSettings: (_index: string, names: readonly string[]) => {
      count("settings");
      return Promise.resolve({
        "app-users": Object.fromEntries(names.flatMap((n) => (n in SETTINGS ? [[n, SETTINGS[n]]] : []))),
      });
    },
    readMappings: () => {
      count("mapping");
      return Promise.resolve({
        "app-users": {
          id: { type: "keyword" },
          tmstmp: { type: "date" },
          name: { type: "text" },
        },
      });
    },
    count: () => {
      count("count");
      return Promise.resolve(0);
    },
    readAliases: () => Promise.resolve({}),
    closedIndices: () => Promise.resolve([]),
    mappingTraits: () => Promise.resolve({ sourceGaps: [], routingRequired: [] }),
  } as unknown as SearchClient;
  return { client, requests };
}

function gateway(client: SearchClient): { schema: StoreSchemaGateway; statements: string[] } {
  const statements: string[] = [];
  const session = {
    execute: (query: string) => {
      // The keyspace's schema (keyspace-schema.ts): the keyspace exists, with no table yet.
      if (query.includes("system_schema.")) {
        const rows = query.includes("system_schema.keyspaces") ? [{ get: () => "app" }] : [];
        return Promise.resolve({ rows, rowLength: rows.length });
      }
      statements.push(query);
      return Promise.resolve({});
    },
  } as unknown as cassandra.Client;
  const schema = new StoreSchemaGateway(session, client, {
    keyspace: "app",
    layout: { layout: "index-per-table", index: "app", typeField: "type" },
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    retryWindowMs: 60_000,
    capabilities: { release: "5.0.4", maxWritetime: true, storageAttachedIndexes: true, vectorType: true },
  });
  return { schema, statements };
}

describe("the schema gateway's reads of a run", () => {
  it("reads an index's settings in one request, for its refresh interval, its slice limit and its identity", async () => {
    const { client, requests } = countingCluster();
    const { schema } = gateway(client);
    const plan = handPlan({ keyspace: "app", table: "users", index: "app-users", columns: {} });
    assert.deepEqual(await schema.refreshIntervals(["app-users"]), new Map([["app-users", 30_000]]));
    assert.deepEqual(await schema.scrollSliceLimits(["app-users"]), new Map([["app-users", 8]]));
    assert.equal(await schema.indexIdentity(plan), "u-1");
    assert.equal(requests.get("settings"), 1);
    // After the table's writes the run asks again: an index made anew meanwhile has another uuid.
    assert.equal(await schema.indexIdentity(plan, true), "u-1");
    assert.equal(requests.get("settings"), 2);
  });

  it("reads the mapping of a table --create-tables makes once, for its check and its statements", async () => {
    const { client, requests } = countingCluster();
    const { schema, statements } = gateway(client);
    assert.equal(await schema.tableRefusal("users", "app-users"), undefined);
    await schema.createTable("users", "app-users");
    assert.equal(requests.get("mapping"), 1);
    assert.equal(requests.get("count"), 1);
    assert.equal(statements.length, 1);
    assert.match(statements[0] ?? "", /^CREATE TABLE IF NOT EXISTS app\.users \(id uuid, tmstmp timestamp/);
  });

  it("makes a table --create-tables makes from the mapping the plan was made from, not one read again", async () => {
    const { client, requests } = countingCluster();
    const { schema, statements } = gateway(client);
    const snapshot = await schema.read();
    assert.deepEqual(
      snapshot.types.map((t) => t.name),
      ["users"],
    );
    assert.equal(requests.get("mapping"), 1);
    assert.equal(await schema.tableRefusal("users", "app-users"), undefined);
    await schema.createTable("users", "app-users");
    assert.equal(requests.get("mapping"), 1);
    assert.match(statements[0] ?? "", /^CREATE TABLE IF NOT EXISTS app\.users \(id uuid, tmstmp timestamp/);
  });
});

/**
 * A cluster of `indices` (each holding the same mapping and SETTINGS), counting the settings requests
 * and the names each asked for; `refuse` fails a request that names more than one index.
 */
function clusterOf(
  indices: readonly string[],
  refuse?: SearchError,
): { client: SearchClient; asked: string[] } {
  const asked: string[] = [];
  const mapping = { id: { type: "keyword" }, tmstmp: { type: "date" } };
  const client = {
    productName: "Elasticsearch",
    readSettings: (index: string, names: readonly string[]) => {
      asked.push(index);
      if (refuse !== undefined && index.includes(",")) return Promise.reject(refuse);
      const own = Object.fromEntries(names.flatMap((n) => (n in SETTINGS ? [[n, SETTINGS[n]]] : [])));
      return Promise.resolve(Object.fromEntries(index.split(",").map((name) => [name, own])));
    },
    readMappings: () => Promise.resolve(Object.fromEntries(indices.map((index) => [index, mapping]))),
    readAliases: () => Promise.resolve({}),
    closedIndices: () => Promise.resolve([]),
    mappingTraits: () => Promise.resolve({ sourceGaps: [], routingRequired: [] }),
  } as unknown as SearchClient;
  return { client, asked };
}

// A keyspace of many tables: one request per index, all sent at once, is what a run sent before its
// first table, hundreds of them for hundreds of tables.
describe("the settings of a keyspace's indices", () => {
  const names = Array.from({ length: 40 }, (_, i) => `app-table${String(i).padStart(2, "0")}`);

  it("are read together, in requests of a bounded length, and not asked again for each table", async () => {
    const { client, asked } = clusterOf(names);
    const { schema } = gateway(client);
    const snapshot = await schema.read();
    assert.equal(snapshot.types.length, 40);
    assert.equal(asked.length, 1, asked.join("\n"));
    assert.deepEqual(asked[0]?.split(",").sort(), names);
    assert.deepEqual(await schema.refreshIntervals(names), new Map(names.map((n) => [n, 30_000])));
    assert.equal(asked.length, 1);
    const long = names.map((n) => `${n}-${"x".repeat(200)}`);
    const many = clusterOf(long);
    await gateway(many.client).schema.read();
    assert.ok(many.asked.length > 1, "a path of 8 KB is past what a node takes by default");
    for (const request of many.asked) assert.ok(encodeURIComponent(request).length <= 2_500, request);
    assert.deepEqual(many.asked.flatMap((request) => request.split(",")).sort(), long);
  });

  it("are read one index at a time where the request for them all fails", async () => {
    const missing = new SearchError(
      "index-missing",
      "404 index_not_found_exception",
      { status: 404, reason: "no such index [app-table01]" },
      { cause: undefined },
    );
    const { client, asked } = clusterOf(names.slice(0, 3), missing);
    const { schema } = gateway(client);
    await schema.read();
    assert.deepEqual(asked.slice(1).sort(), names.slice(0, 3));
    assert.deepEqual(
      await schema.refreshIntervals(names.slice(0, 3)),
      new Map(names.slice(0, 3).map((n) => [n, 30_000])),
    );
    assert.equal(asked.length, 4);
  });
});

// A role with the privileges a plan needs (read, view_index_metadata, monitor) may not list templates
// or pipelines: the dry run cannot tell whether a run would refuse the table for them, and says so.
describe("the checks a dry run makes in place of a run's index creation and writes", () => {
  it("says what it could not check for want of a privilege, and plans the table", async () => {
    const refused = (): Promise<never> =>
      Promise.reject(
        new SearchError(
          "credentials",
          "403 security_exception",
          { status: 403, reason: "unauthorized" },
          {
            cause: undefined,
          },
        ),
      );
    const client = {
      productName: "Elasticsearch",
      indexExists: () => Promise.resolve(false),
      templateShape: refused,
      pipelineExists: refused,
    } as unknown as SearchClient;
    const { schema } = gateway(client);
    const plan = handPlan({ keyspace: "app", table: "users", index: "app-users", columns: { name: "text" } });
    const unchecked = await schema.plannedWrites(
      { ...plan, es: { ...plan.es, pipeline: "stamp" } },
      true,
      "run",
    );
    assert.equal(unchecked.length, 2, unchecked.join("\n"));
    assert.match(
      unchecked[0] ?? "",
      /index templates that would shape index app-users.*manage_index_templates/,
    );
    assert.match(unchecked[1] ?? "", /ingest pipeline stamp of table users exists.*read_pipeline/);
  });
});
