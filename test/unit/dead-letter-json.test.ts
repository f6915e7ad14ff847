// A letter keeps the raw record it was made of as plain JSON, whatever kind of object held it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { plainJson } from "../../src/deadletter/dead-letter-store.js";

describe("a letter's raw record as JSON", () => {
  // A row's cells are copied into an object without a prototype, so that a column named
  // `constructor` or `toString` is a cell like any other: such an object is data, not a driver value.
  it("keeps an object without a prototype as an object, its cells as JSON", () => {
    const row = Object.assign(Object.create(null) as Record<string, unknown>, {
      id: "a",
      constructor: "c",
      n: 7n,
      at: new Date(0),
    });
    assert.deepEqual(plainJson(row), { id: "a", constructor: "c", n: 7n, at: "1970-01-01T00:00:00.000Z" });
  });

  it("prints a driver value as its canonical text", () => {
    const uuid = cassandra.types.Uuid.fromString("6d1f1f0e-8a43-4d6c-9a43-1b2c3d4e5f60");
    assert.deepEqual(plainJson({ id: uuid }), { id: "6d1f1f0e-8a43-4d6c-9a43-1b2c3d4e5f60" });
  });
});
