import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validate, version } from "uuid";
import { newRunId } from "../../src/core/run-id.js";

describe("run ids", () => {
  it("are version 7 UUIDs, which sort in the order they were made", () => {
    const ids = Array.from({ length: 1000 }, () => newRunId());
    for (const id of ids) {
      assert.ok(validate(id), id);
      assert.equal(version(id), 7, id);
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });
});
