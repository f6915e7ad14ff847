// The first direction's memory of settled records: exact on id and tag, growing, and bounded.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SettledRecords } from "../../src/reconcile/settled-records.js";

const id = (n: number): string => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

describe("SettledRecords", () => {
  it("knows an id only with the tag it was settled with", () => {
    const settled = new SettledRecords();
    assert.equal(settled.has(id(1), "1:5"), false);
    settled.add(id(1), "1:5");
    assert.equal(settled.has(id(1), "1:5"), true);
    assert.equal(settled.has(id(1), "1:6"), false);
    assert.equal(settled.has(id(2), "1:5"), false);
  });

  it("keeps every entry as it grows, and counts each once", () => {
    const settled = new SettledRecords();
    for (let n = 0; n < 20_000; n++) settled.add(id(n), `1:${n}`);
    settled.add(id(7), "1:7");
    assert.equal(settled.size, 20_000);
    for (let n = 0; n < 20_000; n += 997) assert.equal(settled.has(id(n), `1:${n}`), true);
    assert.equal(settled.has(id(20_001), "1:20001"), false);
  });

  it("stops remembering at its capacity, so memory stays bounded", () => {
    const settled = new SettledRecords(100);
    for (let n = 0; n < 150; n++) settled.add(id(n), "t");
    assert.equal(settled.size, 100);
    assert.equal(settled.add(id(500), "t"), false);
    assert.equal(settled.has(id(120), "t"), false);
  });
});
