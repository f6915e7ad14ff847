// A routed table's documents (the config file's `routing`) on the search side: every lookup by id and
// every write names the routing column's value, taken from the record id; a document is written back
// on the shard it was found on; both adapters send a routed lookup with its routing value; an index
// synced creates for a routed table requires routing. Fake clients stand in for the products': this
// is what synced asks, not what a server answers (table-routing.test.ts runs on the real servers).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Client as EsClient } from "@elastic/elasticsearch";
import { makeRecord } from "../../src/core/record.js";
import { idSpellings, singleKey } from "../../src/core/table-key.js";
import type { PlannedWrite } from "../../src/reconcile/record-store.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { ElasticsearchClient } from "../../src/stores/elasticsearch/elasticsearch-client.js";
import { restCalls } from "../../src/stores/opensearch/rest-calls.js";
import { bulkWrite } from "../../src/stores/search/bulk-write.js";
import { fetchDocuments } from "../../src/stores/search/fetch-current.js";
import { mappingForTable } from "../../src/stores/search/index-schema.js";
import { documentRouting } from "../../src/stores/search/routing.js";
import { bulkLines } from "../support/bulk-lines.js";
import type {
  BulkLine,
  BulkRequest,
  FetchedDocument,
  GetDocumentsRequest,
  SearchClient,
} from "../../src/stores/search/search-client.js";

const text = { kind: "native", name: "text" } as const;
const UUID = "7e50f03d-0000-4000-8000-00000000000a";

/** accounts: key ((tenant), user_id), routed by `routing` when given. */
function plan(routing?: string, overrides: Partial<TablePlan> = {}): TablePlan {
  return {
    keyspace: "app",
    table: "accounts",
    shape: "latest",
    timestampType: "timestamp",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    key: {
      partition: [{ name: "tenant", type: text }],
      clustering: [{ name: "user_id", type: { kind: "native", name: "int" } }],
    },
    contentColumns: [],
    hasTombstone: true,
    es: {
      index: "app-accounts",
      idPrefix: "",
      timestampPrecision: "microsecond",
      ...(routing === undefined ? {} : { routing }),
    },
    ...overrides,
  };
}

/** A client whose mget answers each asked id as `found`, and which records what it was asked. */
function fakeClient(found: (id: string) => boolean): {
  client: SearchClient;
  asked: GetDocumentsRequest[];
  lines: BulkLine[];
} {
  const asked: GetDocumentsRequest[] = [];
  const lines: BulkLine[] = [];
  const client = {
    getDocuments: (request: GetDocumentsRequest): Promise<readonly FetchedDocument[]> => {
      asked.push(request);
      return Promise.resolve(
        request.ids.map((named) => {
          const id = typeof named === "string" ? named : named.id;
          if (!found(id)) return { _id: id, found: false };
          const [tenant, user] = id.split("|");
          const source = user === undefined ? { id } : { tenant, user_id: Number(user) };
          return {
            _id: id,
            found: true,
            _seq_no: 4,
            _primary_term: 1,
            _source: { ...source, tmstmp: "2024-01-01T00:00:00.000000Z", deleted: false },
          };
        }),
      );
    },
    bulk: (request: BulkRequest) => {
      const sent = bulkLines(request.lines);
      lines.push(...sent);
      return Promise.resolve({
        errors: false,
        items: sent.filter((_, i) => i % 2 === 0).map(() => ({ index: { status: 201 } })),
      });
    },
  };
  return { client: client as unknown as SearchClient, asked, lines };
}

const writeSettings = (client: SearchClient) => ({
  client,
  versioning: "optimistic" as const,
  concurrency: 1,
  maxBulkBytes: 1 << 20,
  maxBulkOperations: 10,
  maxDocumentBytes: 1 << 20,
  retry: <T>(operation: () => Promise<T>) => operation(),
  retryWindowMs: 0,
});

describe("a routed table's documents", () => {
  it("are routed by the routing column's canonical text, taken from the record id", () => {
    assert.equal(documentRouting(plan("tenant"), "acme|7"), "acme");
    assert.equal(documentRouting(plan("user_id"), "acme|7"), "7");
    // A value holding the id's separator is the value, not its escaped form.
    assert.equal(documentRouting(plan("tenant"), "a%7Cb%25|7"), "a|b%");
    assert.equal(documentRouting(plan(), "acme|7"), undefined);
  });

  it("are looked up with their routing value, and an unrouted table's by id alone, as before", async () => {
    const routed = fakeClient((id) => id === "acme|1");
    const found = await fetchDocuments(routed.client, plan("tenant"), ["acme|1", "globex|2"]);
    assert.deepEqual(routed.asked[0]?.ids, [
      { id: "acme|1", routing: "acme" },
      { id: "globex|2", routing: "globex" },
    ]);
    const current = found.get("acme|1");
    assert.ok(current !== undefined && !("kind" in current), "a current document");
    assert.equal(current.token.routing, "acme");
    assert.equal(found.has("globex|2"), false);

    const plain = fakeClient(() => false);
    await fetchDocuments(plain.client, plan(), ["acme|1"]);
    assert.deepEqual(plain.asked[0]?.ids, ["acme|1"]);
  });

  it("of a uuid key are looked up under each spelling with its own routing value", async () => {
    const upper = UUID.toUpperCase();
    const fake = fakeClient((id) => id === upper);
    const uuidPlan = plan("id", { key: singleKey("id") });
    const found = await fetchDocuments(fake.client, uuidPlan, [UUID]);
    assert.deepEqual(fake.asked[0]?.ids, [
      { id: UUID, routing: UUID },
      { id: upper, routing: upper },
    ]);
    const current = found.get(UUID);
    assert.ok(current !== undefined && !("kind" in current), "a current document");
    assert.deepEqual(current.token, { documentId: upper, seqNo: 4, primaryTerm: 1, routing: upper });
  });

  it("of any key are looked up under the spellings idSpellings gives, in its order", async () => {
    const key = {
      partition: [{ name: "tenant", type: text }],
      clustering: [{ name: "visit", type: { kind: "native", name: "timeuuid" } } as const],
    };
    const ids = [`acme|${UUID}`, "acme|not-a-uuid-part", "no separator"];
    const fake = fakeClient(() => false);
    await fetchDocuments(fake.client, plan(undefined, { key }), ids);
    const asked = fake.asked[0]?.ids;
    assert.deepEqual(
      asked,
      ids.flatMap((id) => idSpellings(key, id)),
    );
    assert.deepEqual(asked, [
      `acme|${UUID}`,
      `acme|${UUID.toUpperCase()}`,
      "acme|not-a-uuid-part",
      "acme|NOT-A-UUID-PART",
      "no separator",
    ]);
  });

  it("are created with their routing value, and written back on the shard they were found on", async () => {
    const fake = fakeClient(() => false);
    const record = makeRecord("acme|1", 10n, false, {});
    const writes: PlannedWrite[] = [
      { record, current: undefined, version: 10n },
      {
        record: makeRecord("globex|2", 10n, false, {}),
        current: {
          ...makeRecord("globex|2", 5n, false, {}),
          token: { documentId: "globex|2", seqNo: 3, primaryTerm: 1, routing: "globex" },
        },
        version: 10n,
      },
    ];
    await bulkWrite(
      writeSettings(fake.client),
      plan("tenant", { es: { ...plan("tenant").es, pipeline: "p" } }),
      writes,
    );
    assert.deepEqual(
      fake.lines.filter((_, i) => i % 2 === 0),
      [
        { create: { _index: "app-accounts", _id: "acme|1", routing: "acme", pipeline: "p" } },
        {
          index: {
            _index: "app-accounts",
            _id: "globex|2",
            routing: "globex",
            pipeline: "p",
            if_seq_no: 3,
            if_primary_term: 1,
          },
        },
      ],
    );

    const plain = fakeClient(() => false);
    await bulkWrite(writeSettings(plain.client), plan(), [{ record, current: undefined, version: 10n }]);
    assert.deepEqual(plain.lines[0], { create: { _index: "app-accounts", _id: "acme|1" } });
  });

  it("are asked for with their routing value by each product's adapter", async () => {
    const ids = ["a", { id: "acme|1", routing: "acme" }];
    const docs = [{ _id: "a" }, { _id: "acme|1", routing: "acme" }];
    assert.deepEqual(restCalls.getDocuments({ index: "i", ids }), {
      method: "POST",
      path: "/i/_mget",
      body: { docs },
    });
    let sent: unknown;
    const raw = {
      mget: (request: unknown) => {
        sent = request;
        return Promise.resolve({ docs: [] });
      },
    } as unknown as EsClient;
    await new ElasticsearchClient(raw).getDocuments({ index: "i", ids });
    assert.deepEqual(sent, { index: "i", docs });
  });

  it("go into an index that synced creates requiring routing, except the type-field layout's shared one", () => {
    const columns = {
      key: [{ name: "tenant", type: text }],
      timestamp: "tmstmp",
      tombstone: "deleted",
      content: [],
      routed: true,
    };
    const perTable = { layout: "index-per-table", index: "app", typeField: "type" } as const;
    assert.deepEqual(mappingForTable(perTable, columns)._routing, { required: true });
    assert.equal(mappingForTable(perTable, { ...columns, routed: false })._routing, undefined);
    const shared = { layout: "type-field", index: "app", typeField: "type" } as const;
    assert.equal(mappingForTable(shared, columns)._routing, undefined);
  });
});
