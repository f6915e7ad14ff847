// How large a letter grows: a record too large is cut to its small fields.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stableStringify } from "../../src/core/canonical-json.js";
import { storedLetter } from "../../src/deadletter/dead-letter-store.js";
import {
  cutReason,
  cutRecord,
  MAX_REASON_CHARS,
  MAX_RECORD_BYTES,
} from "../../src/deadletter/letter-size.js";

const ID = "6d1f1f0e-8a4c-4a57-9a1b-000000000001";

describe("a letter's size", () => {
  it("keeps a record that fits whole, and says nothing", () => {
    const record = { id: ID, body: "x".repeat(MAX_RECORD_BYTES - 100) };
    assert.deepEqual(cutRecord(record), { record });
  });

  it("keeps the small fields of a record too large, at any depth, and names the ones left out", () => {
    const record = {
      id: ID,
      version: 12345678901234567890n,
      content: { a: "a".repeat(MAX_RECORD_BYTES), n: 7, b: "b".repeat(200_000), c: "c".repeat(100_000) },
      tags: ["x".repeat(MAX_RECORD_BYTES)],
    };
    const { record: kept, recordCut } = cutRecord(record);
    // b fits the room left once a is out; c then no longer does.
    assert.deepEqual(recordCut, {
      bytes: Buffer.byteLength(stableStringify(record)),
      omitted: ["content.a", "content.c", "tags"],
    });
    assert.deepEqual(kept, {
      id: ID,
      version: 12345678901234567890n,
      content: { n: 7, b: "b".repeat(200_000) },
    });
    assert.ok(Buffer.byteLength(stableStringify(kept)) <= MAX_RECORD_BYTES);
  });

  it("counts bytes, not characters", () => {
    const wide = "é".repeat(MAX_RECORD_BYTES / 2); // two bytes each
    assert.equal(cutRecord({ wide }).recordCut?.omitted[0], "wide");
  });

  it("keeps no record that is not an object, and keeps a field named __proto__ as a field", () => {
    assert.deepEqual(cutRecord("x".repeat(MAX_RECORD_BYTES)), {
      record: null,
      recordCut: { bytes: MAX_RECORD_BYTES + 2, omitted: [] },
    });
    const record = JSON.parse(`{"__proto__": 1, "big": "${"x".repeat(MAX_RECORD_BYTES)}"}`) as Record<
      string,
      never
    >;
    const kept = cutRecord(record).record as Record<string, unknown>;
    assert.deepEqual(Object.keys(kept), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(kept), Object.prototype);
  });

  it("gives the same letter id to a record cut or whole, and cuts a reason that quotes a value", () => {
    const letter = { table: "t", direction: "to-es", from: "cassandra", id: undefined } as const;
    const big = storedLetter("app", "r", new Date(), {
      ...letter,
      reason: "r".repeat(MAX_REASON_CHARS + 1),
      record: { raw: "x".repeat(MAX_RECORD_BYTES) },
    });
    const again = storedLetter("app", "r2", new Date(), {
      ...letter,
      reason: "short",
      record: { raw: "x".repeat(MAX_RECORD_BYTES) },
    });
    assert.equal(big.letterId, again.letterId);
    assert.deepEqual(big.record, {});
    assert.match(big.reason, /\.\.\. \(cut: the reason ran to 16385 characters\)$/);
    assert.equal(cutReason("short"), "short");
  });
});
