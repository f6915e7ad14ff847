// The OpenSearch adapter's translations: each operation of synced's SearchClient becomes the REST
// call OpenSearch takes, and mappings name OpenSearch's map type on their way out and back. No server
// is involved (search-products.test.ts reads a mapping back from a real node).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromOpenSearch, toOpenSearch } from "../../src/stores/opensearch/mappings.js";
import { restCalls, segment } from "../../src/stores/opensearch/rest-calls.js";

describe("OpenSearch requests", () => {
  it("escapes ids in paths, but keeps index wildcards", () => {
    assert.equal(segment("a b/c?d#e"), "a%20b%2Fc%3Fd%23e");
    assert.equal(segment("app-*"), "app-*");
  });

  it("sends a document as the body and its conditions as parameters", () => {
    assert.deepEqual(
      restCalls.putDocument({
        index: "s",
        id: "lease:k",
        document: { kind: "lease" },
        condition: { seqNo: 4, primaryTerm: 1 },
      }),
      {
        method: "PUT",
        path: "/s/_doc/lease%3Ak",
        querystring: { if_seq_no: 4, if_primary_term: 1 },
        body: { kind: "lease" },
      },
    );
    assert.deepEqual(
      restCalls.putDocument({ index: "s", id: "c", document: {}, condition: "absent", refresh: true })
        .querystring,
      { op_type: "create", refresh: true },
    );
    assert.deepEqual(restCalls.deleteDocument({ index: "s", id: "x", refresh: true }), {
      method: "DELETE",
      path: "/s/_doc/x",
      querystring: { refresh: true },
    });
    assert.deepEqual(restCalls.getDocument({ index: "s", id: "x" }), { method: "GET", path: "/s/_doc/x" });
  });

  it("sends bulk lines as they are, and a search body under the index's path", () => {
    const lines = [{ index: { _index: "i", _id: "1" } }, "{}"];
    assert.deepEqual(restCalls.bulk({ lines, refresh: true }), {
      method: "POST",
      path: "/_bulk",
      // Only what synced reads of the answer: the rest of each item is neither sent nor parsed.
      querystring: {
        filter_path: "errors,items.*._id,items.*.status,items.*._seq_no,items.*._primary_term,items.*.error",
        refresh: true,
      },
      bulkBody: lines,
    });
    assert.equal(restCalls.bulk({ lines }).bulkBody, lines, "the lines are not copied");
    assert.deepEqual(
      restCalls.search({ index: "i", size: 0, aggs: { t: { terms: { field: "type", size: 5 } } } }),
      {
        method: "POST",
        path: "/i/_search",
        body: { size: 0, aggs: { t: { terms: { field: "type", size: 5 } } } },
      },
    );
    assert.deepEqual(restCalls.getDocuments({ index: "i", ids: ["a", "b"] }), {
      method: "POST",
      path: "/i/_mget",
      body: { ids: ["a", "b"] },
    });
    assert.deepEqual(restCalls.count({ index: "i" }), { method: "POST", path: "/i/_count" });
    assert.deepEqual(restCalls.readMappings({ index: "app-*", pattern: true }), {
      method: "GET",
      path: "/app-*/_mapping",
      querystring: { expand_wildcards: "open", allow_no_indices: true },
    });
    assert.deepEqual(restCalls.closedIndices("app-*"), {
      method: "GET",
      path: "/_resolve/index/app-*",
      querystring: { expand_wildcards: "all" },
    });
    assert.deepEqual(restCalls.mappingTraits("app-*"), {
      method: "GET",
      path: "/app-*/_mapping",
      querystring: {
        expand_wildcards: "open",
        allow_no_indices: true,
        filter_path: "*.mappings._source,*.mappings._routing",
      },
    });
    assert.deepEqual(restCalls.readAliases("app-*"), {
      method: "GET",
      path: "/_alias/app-*",
      querystring: { expand_wildcards: "open" },
    });
  });

  it("names the map type flat_object, at any depth, in new indices and added fields", () => {
    const create = restCalls.createIndex({
      index: "i",
      shards: 1,
      aliases: ["app"],
      mappings: {
        dynamic: "strict",
        properties: {
          tags: { type: "flattened", ignore_above: 256, depth_limit: 30 },
          address: { properties: { extra: { type: "flattened" }, city: { type: "keyword" } } },
        },
      },
    });
    assert.deepEqual(create.body, {
      settings: { number_of_shards: 1 },
      aliases: { app: {} },
      mappings: {
        dynamic: "strict",
        properties: {
          tags: { type: "flat_object" },
          address: { properties: { extra: { type: "flat_object" }, city: { type: "keyword" } } },
        },
      },
    });
    const put = restCalls.addFields({ index: "i", properties: { m: { type: "flattened" } } });
    assert.deepEqual(put.body, { properties: { m: { type: "flat_object" } } });
  });

  it("reads flat_object back as the map type, at any depth, and leaves other fields alone", () => {
    const answered = {
      tags: { type: "flat_object" },
      name: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } },
      address: { properties: { extra: { type: "flat_object" }, city: { type: "keyword" } } },
    };
    assert.deepEqual(fromOpenSearch(answered), {
      tags: { type: "flattened" },
      name: answered.name,
      address: { properties: { extra: { type: "flattened" }, city: { type: "keyword" } } },
    });
    assert.deepEqual(fromOpenSearch(toOpenSearch({ m: { type: "flattened" } })), {
      m: { type: "flattened" },
    });
  });
});
