// Documents of a table with settings: renamed columns are written and read under their fields (the
// key and the timestamp too), the fields synced does not own are read past and written back as they
// were, and a table without settings is coded as before.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeRecord, type SyncRecord } from "../../src/core/record.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { hitToRecord, recordToDocument } from "../../src/stores/search/document-codec.js";
import { foreignValues } from "../../src/stores/search/document-fields.js";
import { bulkWrite } from "../../src/stores/search/bulk-write.js";
import { rangeQuery } from "../../src/stores/search/range-query.js";
import { MIN_MICROS } from "../../src/core/micros.js";
import type { BulkRequest, SearchClient } from "../../src/stores/search/search-client.js";
import { mappingForTable } from "../../src/stores/search/index-schema.js";
import { bulkLines } from "../support/bulk-lines.js";

const text = { kind: "native", name: "text" } as const;
const ID = "7e50f03d-0000-4000-8000-000000000001";

function plan(overrides: Partial<TablePlan> = {}): TablePlan {
  return {
    keyspace: "app",
    table: "users",
    shape: "latest",
    timestampType: "timestamp",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    key: {
      partition: [{ name: "tenant", type: text }],
      clustering: [{ name: "id", type: { kind: "native", name: "uuid" } }],
    },
    contentColumns: [
      { name: "email", type: text },
      { name: "name", type: text },
    ],
    hasTombstone: true,
    es: { index: "people", idPrefix: "", timestampPrecision: "microsecond" },
    ...overrides,
  };
}

const renamed = plan({
  fields: new Map([
    ["id", "user_id"],
    ["email", "mail"],
    ["tmstmp", "updated_at"],
  ]),
  foreignFields: ["password_hash"],
});
const record: SyncRecord = makeRecord(`acme|${ID}`, 1_700_000_000_000_000n, false, {
  email: "a@x",
  name: "Ada",
});

describe("documents of a table with settings", () => {
  it("are written and read back under the renamed fields, the key included", () => {
    const document = recordToDocument(renamed, record, record.version);
    assert.deepEqual(document, {
      tenant: "acme",
      user_id: ID,
      updated_at: "2023-11-14T22:13:20.000000Z",
      deleted: false,
      mail: "a@x",
      name: "Ada",
    });
    const back = hitToRecord(renamed, { _id: `acme|${ID}`, _source: document });
    assert.deepEqual(back, record);
  });

  it("read past the field of an excluded column, and write it back as it was read", () => {
    const source = { ...recordToDocument(renamed, record, record.version), password_hash: "kept" };
    assert.deepEqual(hitToRecord(renamed, { _id: `acme|${ID}`, _source: source }), record);
    assert.deepEqual(foreignValues(renamed, source), { password_hash: "kept" });
    assert.equal(foreignValues(plan(), source), undefined);
  });

  it("still refuse a field that is no column's, saying where a renamed column's value belongs", () => {
    const source = { ...recordToDocument(renamed, record, record.version), email: "old@x", nick: "A" };
    const bad = hitToRecord(renamed, { _id: `acme|${ID}`, _source: source });
    assert.ok("kind" in bad);
    assert.match(
      bad.reason,
      /fields 'email', 'nick' have no column in table app\.users \(column email is field 'mail' in this index\)/,
    );
  });

  // Tried as an operator would: ALTER TABLE ... RENAME of a clustering column left every document
  // the index held letter after letter saying only that the key column had no value.
  it("refuse a document without a key column's field, naming the fields no column holds as its former name", () => {
    const int = { kind: "native", name: "int" } as const;
    const events = plan({
      key: { partition: [{ name: "tenant", type: text }], clustering: [{ name: "n", type: int }] },
    });
    const source = {
      tenant: "acme",
      seq: 1,
      tmstmp: "2023-11-14T22:13:20.000000Z",
      deleted: false,
      name: "Ada",
    };
    const bad = hitToRecord(events, { _id: "acme|1", _source: source });
    assert.ok("kind" in bad);
    assert.match(bad.reason, /^field "n": no value: every key column must have one/);
    assert.match(
      bad.reason,
      /the document holds 'seq', which no column holds: if key column n was renamed from it \(ALTER TABLE \.\.\. RENAME\), give the column that field in the table's settings \(rename: \{n: seq\}\)/,
    );
    // Not a field for --create-columns to make a column of.
    assert.equal("unmappedFields" in bad ? bad.unmappedFields : undefined, undefined);
  });

  it("refuse a field a rename changed since, saying to move its values rather than make it a column", () => {
    // Written while email was renamed to mail; the settings now rename it to email_addr.
    const source = recordToDocument(renamed, record, record.version);
    const now = plan({
      fields: new Map([
        ["id", "user_id"],
        ["email", "email_addr"],
        ["tmstmp", "updated_at"],
      ]),
    });
    const bad = hitToRecord(now, { _id: `acme|${ID}`, _source: source });
    assert.ok("kind" in bad);
    assert.match(
      bad.reason,
      /field 'mail' has no column .*if it was the field of a column renamed since \(the document lacks 'email_addr' \(column email\)\), move its values to the new field/,
    );
    // A field that is simply new gets the usual advice.
    const plain = hitToRecord(renamed, { _id: `acme|${ID}`, _source: { ...source, nick: "A" } });
    assert.ok("kind" in plain);
    assert.match(
      plain.reason,
      /has no column in table app\.users; add the column \(or run with --create-columns\)/,
    );
  });

  it("read past every field synced does not own when the columns are listed", () => {
    const listed = plan({ foreignFields: "unlisted" });
    const source = { ...recordToDocument(listed, record, record.version), nick: "A", score: 3 };
    assert.deepEqual(hitToRecord(listed, { _id: `acme|${ID}`, _source: source }), record);
    assert.deepEqual(foreignValues(listed, source), { nick: "A", score: 3 });
  });

  // A date field holds years before 1 (as negative epoch milliseconds): a scan from the earliest
  // selects them too, so that the run dead-letters them rather than leave them unseen.
  it("range from the earliest with no lower bound on a date field", () => {
    const millis = plan({ es: { index: "people", idPrefix: "", timestampPrecision: "millisecond" } });
    const from = (begin: bigint): string => JSON.stringify(rangeQuery(millis, { begin, end: 10_000n }));
    assert.doesNotMatch(from(MIN_MICROS), /"gte"/);
    assert.match(from(MIN_MICROS + 1000n), /"gte":"-62135596799999"/);
    assert.match(from(0n), /"gte":"0","lt":"10","format":"epoch_millis"/);
  });

  it("range over the renamed timestamp field, and map the renamed fields", () => {
    const query = JSON.stringify(rangeQuery(renamed, { begin: 0n, end: 10n }));
    assert.match(query, /"updated_at"/);
    assert.doesNotMatch(query, /tmstmp/);
    const mapping = mappingForTable(
      { layout: "index-per-table", index: "app", typeField: "type" },
      {
        key: [
          { name: "tenant", type: text },
          { name: "user_id", type: { kind: "native", name: "uuid" } },
        ],
        timestamp: "updated_at",
        tombstone: "deleted",
        content: [{ name: "mail", type: text }],
      },
    );
    assert.deepEqual(Object.keys(mapping.properties).sort(), [
      "deleted",
      "mail",
      "tenant",
      "updated_at",
      "user_id",
    ]);
  });

  it("keep the search side's own fields when a record replaces the document", async () => {
    const sent: string[] = [];
    const client = {
      bulk: ({ lines }: BulkRequest) => {
        sent.push(
          ...bulkLines(lines)
            .filter((_, i) => i % 2 === 1)
            .map(String),
        );
        return Promise.resolve({
          errors: false,
          items: [{ index: { status: 200, _seq_no: 2, _primary_term: 1 } }],
        });
      },
    } as unknown as SearchClient;
    const current = {
      ...record,
      token: { documentId: `acme|${ID}`, seqNo: 1, primaryTerm: 1, kept: { password_hash: "kept" } },
    };
    const outcomes = await bulkWrite(
      {
        client,
        versioning: "optimistic",
        concurrency: 1,
        maxBulkBytes: 1 << 20,
        maxBulkOperations: 10,
        maxDocumentBytes: 1 << 20,
        retry: (operation) => operation(),
        retryWindowMs: 0,
      },
      renamed,
      [{ record: { ...record, content: { email: "b@x" } }, current, version: record.version + 1n }],
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["written"],
    );
    const document = JSON.parse(sent[0] ?? "{}") as Record<string, unknown>;
    assert.equal(document["password_hash"], "kept");
    assert.equal(document["mail"], "b@x");
    assert.equal(document["name"], undefined);
  });
});

describe("documents of a table with a dotted column", () => {
  // `meta.source` is the property `source` of the object `meta` to the cluster.
  const dotted = plan({
    contentColumns: [
      { name: "meta.source", type: text },
      { name: "name", type: text },
    ],
  });
  const kept = plan({ ...dotted, foreignFields: "unlisted" });
  const base = { tenant: "acme", id: ID, tmstmp: "2023-11-14T22:13:20.000000Z", deleted: false };
  const expected = makeRecord(`acme|${ID}`, 1_700_000_000_000_000n, false, { "meta.source": "app" });

  it("reads the column from the field by its dotted name or inside its object, alike", () => {
    for (const source of [
      { ...base, "meta.source": "app" },
      { ...base, meta: { source: "app" } },
    ]) {
      assert.deepEqual(hitToRecord(dotted, { _id: `acme|${ID}`, _source: source }), expected);
    }
  });

  it("refuses a field given in both shapes, and names what else the object holds by its path", () => {
    const twice = hitToRecord(dotted, {
      _id: `acme|${ID}`,
      _source: { ...base, "meta.source": "a", meta: { source: "b" } },
    });
    assert.ok("kind" in twice);
    assert.match(twice.reason, /field 'meta\.source' given twice/);
    const other = hitToRecord(dotted, {
      _id: `acme|${ID}`,
      _source: { ...base, meta: { source: "app", owner: "ada" } },
    });
    assert.ok("kind" in other);
    assert.match(other.reason, /field 'meta\.owner' has no column/);
  });

  it("keeps what else the object holds, in its shape, without the column's field", () => {
    const source = { ...base, meta: { source: "app", owner: "ada" }, top: 1 };
    assert.deepEqual(hitToRecord(kept, { _id: `acme|${ID}`, _source: source }), expected);
    assert.deepEqual(foreignValues(kept, source), { meta: { owner: "ada" }, top: 1 });
    assert.deepEqual(foreignValues(kept, { ...base, meta: { source: "app" } }), undefined);
  });
});
