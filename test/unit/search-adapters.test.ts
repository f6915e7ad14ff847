// Both products' adapters under synced's SearchClient: documents pass through them without a copy
// (the scan's pages and the bulk writes run once per record), and a view or a page position is read
// only by the adapter that gave it. Fake clients stand in for the products' own: this is what the
// adapters do with them, not a server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as es from "@elastic/elasticsearch";
import type { Client as EsClient } from "@elastic/elasticsearch";
import type { Client as OsClient } from "@opensearch-project/opensearch";
import { ElasticsearchClient } from "../../src/stores/elasticsearch/elasticsearch-client.js";
import { OpenSearchClient } from "../../src/stores/opensearch/opensearch-client.js";
import {
  indicesByAlias,
  mappingTraits,
  sourceGaps,
  type BulkLine,
  type ScanView,
} from "../../src/stores/search/search-client.js";
import { SearchError } from "../../src/stores/search/search-error.js";

const query = { term: { kind: "x" } };
const hits = [
  { _id: "a", _source: { id: "a" }, _seq_no: 1, _primary_term: 1, sort: [1] },
  { _id: "b", _source: { id: "b" }, _seq_no: 2, _primary_term: 1, sort: [2] },
];
const lines: BulkLine[] = [{ create: { _index: "i", _id: "a" } }, '{"id":"a"}'];

function fakeElasticsearch(seen: { operations?: unknown; ids?: unknown; filterPath?: unknown }): EsClient {
  const client = {
    openPointInTime: () => Promise.resolve({ id: "pit" }),
    closePointInTime: () => Promise.resolve({}),
    search: () => Promise.resolve({ pit_id: "pit", hits: { hits } }),
    mget: ({ ids }: { ids: unknown }) => {
      seen.ids = ids;
      return Promise.resolve({ docs: hits });
    },
    bulk: ({ operations, filter_path }: { operations: unknown; filter_path?: unknown }) => {
      seen.operations = operations;
      seen.filterPath = filter_path;
      return Promise.resolve({ errors: false, items: [] });
    },
  };
  return client as unknown as EsClient;
}

function fakeOpenSearch(seen: { bulkBody?: unknown; body?: unknown }): OsClient {
  const client = {
    transport: {
      request: (params: { path: string; bulkBody?: unknown; body?: unknown }) => {
        seen.bulkBody = params.bulkBody;
        seen.body = params.body;
        if (params.path === "/_bulk") return Promise.resolve({ body: { errors: false, items: [] } });
        if (params.path.endsWith("/_mget")) return Promise.resolve({ body: { docs: hits } });
        return Promise.resolve({ body: { _scroll_id: "s1", hits: { hits } } });
      },
    },
  };
  return client as unknown as OsClient;
}

describe("the search adapters", () => {
  it("read the indices that do not keep _source whole from a mapping answer filtered to it", () => {
    const answer = {
      "app-lean": { mappings: { _source: { enabled: false } } },
      "app-kept": { mappings: { _source: { enabled: true } } },
      "app-default": { mappings: {} },
      "app-trimmed": { mappings: { _source: { excludes: ["bio", "blob.*"] } } },
      "app-picked": { mappings: { _source: { includes: ["id"], excludes: [] } } },
      "app-a-lean": { mappings: { _source: { enabled: false } } },
    };
    assert.deepEqual(sourceGaps(answer), [
      { index: "app-a-lean", disabled: true, includes: [], excludes: [] },
      { index: "app-lean", disabled: true, includes: [], excludes: [] },
      { index: "app-picked", disabled: false, includes: ["id"], excludes: [] },
      { index: "app-trimmed", disabled: false, includes: [], excludes: ["bio", "blob.*"] },
    ]);
    assert.deepEqual(sourceGaps({}), []);
  });

  it("read the indices that require a routing value beside those that do not keep _source whole", () => {
    const answer = {
      "app-routed": { mappings: { _routing: { required: true } } },
      "app-optional": { mappings: { _routing: { required: false } } },
      "app-lean": { mappings: { _source: { enabled: false }, _routing: { required: true } } },
      "app-default": { mappings: {} },
    };
    assert.deepEqual(mappingTraits(answer), {
      sourceGaps: [{ index: "app-lean", disabled: true, includes: [], excludes: [] }],
      routingRequired: ["app-lean", "app-routed"],
    });
  });

  it("turn an alias answer around: each alias with the indices it names, in name order", () => {
    const answer = {
      "app-events-2026-02": { aliases: { "app-events": {} } },
      "app-events-2026-01": { aliases: { "app-events": {}, "app-january": {} } },
      "app-users-v2": { aliases: { "app-users": {} } },
      "app-lonely": { aliases: {} },
      "app-plain": {},
    };
    assert.deepEqual(indicesByAlias(answer), {
      "app-events": ["app-events-2026-01", "app-events-2026-02"],
      "app-january": ["app-events-2026-01"],
      "app-users": ["app-users-v2"],
    });
  });

  it("hand a page's hits, mget's documents and bulk lines on as they are, on Elasticsearch", async () => {
    const seen: { operations?: unknown; ids?: unknown; filterPath?: unknown } = {};
    const client = new ElasticsearchClient(fakeElasticsearch(seen));
    const view = await client.openView("i", "1m", "by-view");
    const page = await client.readPage(view, { query, size: 2 });
    assert.equal(page.hits, hits);
    const ids = ["a", "b"];
    assert.equal(await client.getDocuments({ index: "i", ids }), hits);
    assert.equal(seen.ids, ids);
    await client.bulk({ lines });
    assert.equal(seen.operations, lines);
    assert.equal(
      seen.filterPath,
      "errors,items.*._id,items.*.status,items.*._seq_no,items.*._primary_term,items.*.error",
      "only what synced reads of the answer",
    );
  });

  it("hand a page's hits, mget's documents and bulk lines on as they are, on OpenSearch", async () => {
    const seen: { bulkBody?: unknown; body?: unknown } = {};
    const client = new OpenSearchClient(fakeOpenSearch(seen));
    const view = await client.openView("i", "1m");
    const page = await client.readPage(view, { query, size: 2 });
    assert.equal(page.hits, hits);
    const ids = ["a", "b"];
    assert.equal(await client.getDocuments({ index: "i", ids }), hits);
    assert.equal((seen.body as { ids?: unknown }).ids, ids);
    await client.bulk({ lines });
    assert.equal(seen.bulkBody, lines);
  });

  it("page an Elasticsearch index split by document through sliced scrolls, and free them", async () => {
    const calls: { name: string; params: Record<string, unknown> }[] = [];
    const pages = [hits, []];
    const record =
      (name: string, answer: () => unknown) =>
      (params: Record<string, unknown>): Promise<unknown> => {
        calls.push({ name, params });
        return Promise.resolve(answer());
      };
    const fake = {
      openPointInTime: record("openPointInTime", () => ({ id: "pit" })),
      search: record("search", () => ({ _scroll_id: "s1", hits: { hits: pages.shift() } })),
      scroll: record("scroll", () => ({ _scroll_id: "s2", hits: { hits: pages.shift() } })),
      clearScroll: record("clearScroll", () => ({})),
    };
    const client = new ElasticsearchClient(fake as unknown as EsClient);
    const view = await client.openView("i", "1m", "by-document");
    assert.equal(view.repeatableContinuations, false, "a scroll page cannot be asked for twice");
    const first = await client.readPage(view, { query, size: 2, slice: { id: 1, max: 4 } });
    assert.equal(first.hits, hits);
    assert.ok(first.next);
    const last = await client.readPage(view, { query, size: 2, slice: { id: 1, max: 4 }, after: first.next });
    assert.deepEqual([last.hits, last.next], [[], undefined]);
    await client.closeView(view);
    assert.deepEqual(
      calls.map((c) => c.name),
      ["search", "scroll", "clearScroll"],
    );
    // No field named: Elasticsearch slices a scroll by a hash of _id, the same in every scroll.
    const [opened, continued, cleared] = calls.map((c) => c.params);
    const { slice, scroll, pit } = opened ?? {};
    assert.deepEqual({ slice, scroll, pit }, { slice: { id: "1", max: 4 }, scroll: "1m", pit: undefined });
    assert.deepEqual(continued, { scroll_id: "s1", scroll: "1m" });
    assert.deepEqual(cleared, { scroll_id: ["s2"] });
  });

  it("read only the views and page positions they gave", async () => {
    const elasticsearch = new ElasticsearchClient(fakeElasticsearch({}));
    const opensearch = new OpenSearchClient(fakeOpenSearch({}));
    const esView = await elasticsearch.openView("i", "1m", "by-view");
    const osView = await opensearch.openView("i", "1m");
    const forged: ScanView = { index: "i", repeatableContinuations: true };
    for (const view of [osView, forged]) {
      await assert.rejects(elasticsearch.readPage(view, { query, size: 2 }), TypeError);
    }
    for (const view of [esView, forged]) {
      await assert.rejects(opensearch.readPage(view, { query, size: 2 }), TypeError);
    }
    const esNext = (await elasticsearch.readPage(esView, { query, size: 2 })).next;
    const osNext = (await opensearch.readPage(osView, { query, size: 2 })).next;
    assert.ok(esNext && osNext);
    await assert.rejects(opensearch.readPage(osView, { query, size: 2, after: esNext }), TypeError);
    await assert.rejects(elasticsearch.readPage(esView, { query, size: 2, after: osNext }), TypeError);
    await assert.rejects(
      elasticsearch.readPage(esView, { query, size: 2, after: { position: 1 } }),
      TypeError,
    );
  });
});

// Tried as an operator would, with a proxy in front of the nodes answering 200 with its own page: on
// OpenSearch the run failed with "Cannot read properties of undefined (reading 'entries')", and on
// Elasticsearch it said the server was not Elasticsearch.
describe("an answer of text where the cluster answers JSON", () => {
  const page = "<html><head><title>Down for maintenance</title></head><body><h1>Back soon</h1></body></html>";
  const said =
    "the answer (200) was an HTML page from a proxy or load balancer in front of the cluster, not the " +
    "cluster's JSON: Down for maintenance";

  it("is a failure that says a proxy in front of the cluster answered, on both products", async () => {
    const opensearch = new OpenSearchClient({
      transport: { request: () => Promise.resolve({ statusCode: 200, body: page }) },
    } as unknown as OsClient);
    await assert.rejects(
      opensearch.bulk({ lines }),
      (error: unknown) => error instanceof SearchError && error.kind === "failed" && error.message === said,
    );
    // The Elasticsearch client refuses the answer by its headers, before it reads the body.
    const meta = { statusCode: 200, headers: { "content-type": "text/html" }, warnings: null, meta: {} };
    const elasticsearch = new ElasticsearchClient({
      bulk: () => Promise.reject(new es.errors.ProductNotSupportedError("Elasticsearch", meta as never)),
    } as unknown as EsClient);
    await assert.rejects(
      elasticsearch.bulk({ lines }),
      (error: unknown) =>
        error instanceof SearchError &&
        error.kind === "failed" &&
        error.message ===
          "the answer (200, text/html) did not come from Elasticsearch, which names itself in a header of " +
            "every answer: a proxy or load balancer in front of the cluster answered",
    );
  });
});
