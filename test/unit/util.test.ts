import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mapConcurrent } from "../../src/util/map-concurrent.js";
import { mergeAsync } from "../../src/util/merge-async.js";
import { backoffDelay, withRetry } from "../../src/util/retry.js";

describe("withRetry", () => {
  const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

  it("retries a transient failure until it succeeds", async () => {
    let calls = 0;
    const result = await withRetry(
      () => {
        calls++;
        return calls < 3 ? Promise.reject(new Error("busy")) : Promise.resolve("done");
      },
      { ...policy, isTransient: () => true },
    );
    assert.deepEqual({ result, calls }, { result: "done", calls: 3 });
  });

  it("gives up after the last attempt, and at once on a permanent failure", async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error(calls === 1 ? "busy" : "still busy"));
    };
    await assert.rejects(withRetry(failing, { ...policy, isTransient: () => true }), /still busy/);
    assert.equal(calls, 4);
    calls = 0;
    await assert.rejects(withRetry(failing, { ...policy, isTransient: () => false }), /busy/);
    assert.equal(calls, 1);
  });

  it("backs off exponentially up to the ceiling, with jitter in the upper half", () => {
    assert.equal(
      backoffDelay(1, 100, 10_000, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(3, 100, 10_000, () => 1),
      400,
    );
    assert.equal(
      backoffDelay(20, 100, 10_000, () => 1),
      10_000,
    );
  });
});

describe("mapConcurrent", () => {
  it("keeps input order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return n * 10;
    });
    assert.deepEqual(results, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });
});

describe("mergeAsync", () => {
  async function* source(name: string, count: number, started: string[]): AsyncGenerator<string> {
    started.push(name);
    for (let i = 0; i < count; i++) {
      await Promise.resolve();
      yield `${name}${i}`;
    }
  }

  it("yields every item of every source, starting at most `concurrency` sources at a time", async () => {
    const started: string[] = [];
    const seen: string[] = [];
    const merged = mergeAsync(
      ["a", "b", "c"].map((name) => () => source(name, 3, started)),
      2,
    );
    for await (const item of merged) {
      if (seen.length === 0) assert.deepEqual(started, ["a", "b"]);
      seen.push(item);
    }
    assert.deepEqual(seen.sort(), ["a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2"]);
  });

  it("passes a source's failure to the consumer", async () => {
    async function* broken(): AsyncGenerator<string> {
      yield await Promise.resolve("ok");
      throw new Error("split failed");
    }
    await assert.rejects(async () => {
      for await (const item of mergeAsync([broken], 1)) assert.equal(item, "ok");
    }, /split failed/);
  });
});
