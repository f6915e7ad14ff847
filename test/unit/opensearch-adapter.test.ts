// The OpenSearch adapter's translations: each request of the Elasticsearch client's flat form becomes
// the REST call OpenSearch takes, and mappings name OpenSearch's types. No server is involved.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { forOpenSearch } from "../../src/stores/opensearch/mappings.js";
import { restCalls, segment, splitRequest } from "../../src/stores/opensearch/opensearch-client.js";

describe("OpenSearch requests", () => {
  it("splits a flat request into URL parameters and a body", () => {
    assert.deepEqual(
      splitRequest({ index: "a", scroll: "1m", size: 5, query: { match_all: {} } }, ["scroll"], ["index"]),
      {
        querystring: { scroll: "1m" },
        body: { size: 5, query: { match_all: {} } },
      },
    );
    assert.deepEqual(splitRequest({ index: "a", refresh: true }, ["refresh"], ["index"]), {
      querystring: { refresh: true },
    });
  });

  it("escapes ids in paths, but keeps index wildcards and lists", () => {
    assert.equal(segment("a b/c?d#e"), "a%20b%2Fc%3Fd%23e");
    assert.equal(segment("app-*"), "app-*");
    assert.equal(segment(["one", "two-*"]), "one,two-*");
  });

  it("sends a document as the body and its conditions as parameters", () => {
    assert.deepEqual(
      restCalls.index({
        index: "s",
        id: "lease:k",
        document: { kind: "lease" },
        if_seq_no: 4,
        if_primary_term: 1,
      }),
      {
        method: "PUT",
        path: "/s/_doc/lease%3Ak",
        querystring: { if_seq_no: 4, if_primary_term: 1 },
        body: { kind: "lease" },
      },
    );
    assert.deepEqual(restCalls.delete({ index: "s", id: "x", refresh: true }), {
      method: "DELETE",
      path: "/s/_doc/x",
      querystring: { refresh: true },
    });
  });

  it("sends bulk operations as lines, and a search body beside its URL parameters", () => {
    const bulk = restCalls.bulk({ operations: [{ index: { _index: "i", _id: "1" } }, "{}"], refresh: true });
    assert.deepEqual(bulk, {
      method: "POST",
      path: "/_bulk",
      querystring: { refresh: true },
      bulkBody: [{ index: { _index: "i", _id: "1" } }, "{}"],
    });
    assert.deepEqual(restCalls.search({ index: "i", size: 0, aggs: { t: { terms: { field: "type" } } } }), {
      method: "POST",
      path: "/i/_search",
      querystring: {},
      body: { size: 0, aggs: { t: { terms: { field: "type" } } } },
    });
    assert.deepEqual(restCalls.mget({ index: "i", ids: ["a", "b"] }), {
      method: "POST",
      path: "/i/_mget",
      querystring: {},
      body: { ids: ["a", "b"] },
    });
  });

  it("names flattened fields flat_object, at any depth, in new indices and added fields", () => {
    const create = restCalls.indicesCreate({
      index: "i",
      settings: { number_of_shards: 1 },
      mappings: {
        properties: {
          tags: { type: "flattened", ignore_above: 256, depth_limit: 30 },
          address: { properties: { extra: { type: "flattened" }, city: { type: "keyword" } } },
        },
      },
    });
    assert.deepEqual(create.body, {
      settings: { number_of_shards: 1 },
      mappings: {
        properties: {
          tags: { type: "flat_object" },
          address: { properties: { extra: { type: "flat_object" }, city: { type: "keyword" } } },
        },
      },
    });
    const put = restCalls.putMapping({ index: "i", properties: { m: { type: "flattened" } } });
    assert.deepEqual(put.body, { properties: { m: { type: "flat_object" } } });
    assert.equal(forOpenSearch(undefined), undefined);
  });
});
