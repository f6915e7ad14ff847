// A document whose _id and key fields spell the same text in two Unicode normalization forms (é as one
// code point or as e and a combining accent) looks the same on every screen, yet Elasticsearch and
// Cassandra keep the two as different ids: the letter says so, where it printed two equal-looking ids.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { hitToRecord } from "../../src/stores/search/document-codec.js";

const text = { kind: "native", name: "text" } as const;
const NFC = "caf\u00e9";
const NFD = "cafe\u0301";

function plan(key: TablePlan["key"]): TablePlan {
  return {
    keyspace: "app",
    table: "places",
    shape: "latest",
    timestampType: "timestamp",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    key,
    contentColumns: [{ name: "name", type: text }],
    hasTombstone: false,
    es: { index: "places", idPrefix: "", timestampPrecision: "microsecond" },
  };
}

const tmstmp = "2024-05-01T10:11:12.000000Z";

describe("an _id in another Unicode normalization form than its key fields", () => {
  it("is dead-lettered naming both forms and the characters that differ", () => {
    const single = plan({ partition: [{ name: "id", type: text }], clustering: [] });
    const bad = hitToRecord(single, { _id: NFC, _source: { id: NFD, tmstmp } });
    assert.ok("kind" in bad);
    assert.equal(bad.id, NFD);
    assert.ok(bad.reason.startsWith(`_id '${NFC}' is not the id its key fields give ('${NFD}')`), bad.reason);
    assert.match(bad.reason, /Unicode normalization forms: the _id in NFC, the key fields in NFD/);
    assert.match(bad.reason, /U\+00E9 in the _id, U\+0065 U\+0301 in the key fields/);
  });

  it("names the forms in a key of several columns too, the other way round", () => {
    const composite = plan({
      partition: [{ name: "tenant", type: text }],
      clustering: [{ name: "id", type: text }],
    });
    const bad = hitToRecord(composite, { _id: `acme|${NFD}`, _source: { tenant: "acme", id: NFC, tmstmp } });
    assert.ok("kind" in bad);
    assert.match(bad.reason, /the _id in NFD, the key fields in NFC/);
    assert.match(bad.reason, /U\+0065 U\+0301 in the _id, U\+00E9 in the key fields/);
  });

  it("leaves the reason of an _id that differs otherwise as it was", () => {
    const single = plan({ partition: [{ name: "id", type: text }], clustering: [] });
    const bad = hitToRecord(single, { _id: "other", _source: { id: NFD, tmstmp } });
    assert.ok("kind" in bad);
    assert.doesNotMatch(bad.reason, /normalization/);
  });
});
