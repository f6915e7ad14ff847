// The first direction's memory of settled records: exact on id and tag, growing, and bounded.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SettledRecords } from "../../src/reconcile/settled-records.js";

const id = (n: number): string => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
const tag = (low: number, high = 1): { high: number; low: number } => ({ high, low });

describe("SettledRecords", () => {
  it("knows an id only with the tag it was settled with", () => {
    const settled = new SettledRecords();
    assert.equal(settled.has(id(1), tag(5)), false);
    settled.add(id(1), tag(5));
    assert.equal(settled.has(id(1), tag(5)), true);
    assert.equal(settled.has(id(1), tag(6)), false);
    assert.equal(settled.has(id(1), tag(5, 2)), false);
    assert.equal(settled.has(id(2), tag(5)), false);
  });

  it("tells apart ids that differ in any one of their 128 bits, the nil UUID included", () => {
    const settled = new SettledRecords();
    const base = "00000000-0000-0000-0000-000000000000";
    settled.add(base, tag(1));
    const hex = Array.from({ length: base.length }, (_, i) => i).filter((i) => base[i] !== "-");
    for (const at of hex) {
      for (const digit of ["1", "8", "f"]) {
        const other = base.slice(0, at) + digit + base.slice(at + 1);
        assert.equal(settled.has(other, tag(1)), false, other);
        settled.add(other, tag(2));
      }
    }
    assert.equal(settled.size, 1 + hex.length * 3);
    assert.equal(settled.has(base, tag(1)), true);
  });

  it("keeps only the latest tag of an id settled twice", () => {
    const settled = new SettledRecords();
    settled.add(id(3), tag(7));
    settled.add(id(3), tag(9));
    assert.equal(settled.size, 1);
    assert.equal(settled.has(id(3), tag(7)), false);
    assert.equal(settled.has(id(3), tag(9)), true);
  });

  it("does not remember what is not a canonical lowercase UUID", () => {
    const settled = new SettledRecords();
    const upper = id(4).toUpperCase().replace("0000-4000", "ABCD-4000");
    assert.equal(settled.add(upper, tag(1)), false);
    assert.equal(settled.add("not-a-uuid", tag(1)), false);
    assert.equal(settled.has(upper, tag(1)), false);
    assert.equal(settled.size, 0);
  });

  it("keeps every entry as it grows, and counts each once", () => {
    const settled = new SettledRecords();
    for (let n = 0; n < 20_000; n++) settled.add(id(n), tag(n));
    settled.add(id(7), tag(7));
    assert.equal(settled.size, 20_000);
    // Every one: the entries added as the table grows (the 769th, the 1,537th, ...) included.
    const lost = Array.from({ length: 20_000 }, (_, n) => n).filter((n) => !settled.has(id(n), tag(n)));
    assert.deepEqual(lost, []);
    assert.equal(settled.has(id(20_001), tag(20_001)), false);
  });

  it("never knows an id with the tag of another, as it grows", () => {
    const settled = new SettledRecords();
    const count = 1_600; // past two growths
    for (let n = 0; n < count; n++) settled.add(id(n), tag(n));
    const mixed: string[] = [];
    for (let n = 0; n < count; n++) {
      for (let m = 0; m < count; m++)
        if (m !== n && settled.has(id(n), tag(m))) mixed.push(`${n} with ${m}'s tag`);
    }
    assert.deepEqual(mixed, []);
  });

  it("stops remembering at its capacity, so memory stays bounded", () => {
    const settled = new SettledRecords(100);
    for (let n = 0; n < 150; n++) settled.add(id(n), tag(0));
    assert.equal(settled.size, 100);
    assert.equal(settled.add(id(500), tag(0)), false);
    assert.equal(settled.has(id(120), tag(0)), false);
  });
});
