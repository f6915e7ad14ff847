import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mapConcurrent } from "../../src/util/map-concurrent.js";
import { mergeAsync } from "../../src/util/merge-async.js";
import { backoffDelay, retryDelay, withRetry } from "../../src/util/retry.js";
import { cutText, textPrefix } from "../../src/util/cut-text.js";

describe("withRetry", () => {
  const policy = { windowMs: 200, baseDelayMs: 1, maxDelayMs: 2 };

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

  it("gives up once the window since the first failure has passed, and at once on a permanent failure", async () => {
    let calls = 0;
    let clock = 0;
    const failing = () => {
      calls++;
      clock += 50;
      return Promise.reject(new Error(calls === 1 ? "busy" : "still busy"));
    };
    const timed = { ...policy, now: () => clock, isTransient: () => true };
    await assert.rejects(withRetry(failing, timed), /still busy/);
    // Failures at 50, 100, 150, 200 and 250: the window of 200 from the first ends at 250.
    assert.equal(calls, 5);
    calls = 0;
    await assert.rejects(withRetry(failing, { ...policy, isTransient: () => false }), /busy/);
    assert.equal(calls, 1);
  });

  it("neither retries nor reports a retry once the command is stopping", async () => {
    // A stopped command closes its connections, and what was in flight fails with "Socket was closed":
    // a line saying the store failed transiently would send the operator looking for an outage.
    const stop = new AbortController();
    stop.abort(new Error("stopped by SIGTERM"));
    const retries: number[] = [];
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error("Socket was closed"));
    };
    const policy = { windowMs: 200, baseDelayMs: 1, maxDelayMs: 2, isTransient: () => true };
    await assert.rejects(
      withRetry(failing, { ...policy, signal: stop.signal, onRetry: (_e, attempt) => retries.push(attempt) }),
      /Socket was closed/,
    );
    assert.deepEqual({ calls, retries }, { calls: 1, retries: [] });
  });
});

describe("retryDelay", () => {
  const policy = { windowMs: 10_000, baseDelayMs: 100, maxDelayMs: 4_000, random: () => 1 };
  const transient = { ...policy, isTransient: () => true };

  it("waits longer after each try, up to the ceiling", () => {
    assert.deepEqual(
      [1, 2, 3, 6, 9].map((attempt) => retryDelay("e", attempt, 0, 0, transient)),
      [100, 200, 400, 3_200, 4_000],
    );
  });

  it("cuts the last wait to the end of the window, and gives up past it", () => {
    assert.equal(retryDelay("e", 9, 0, 9_000, transient), 1_000);
    assert.equal(retryDelay("e", 9, 0, 9_999, transient), 1);
    assert.equal(retryDelay("e", 9, 0, 10_000, transient), undefined);
    assert.equal(retryDelay("e", 1, 5_000, 14_000, transient), 100);
  });

  it("never retries what is not transient, nor with no window", () => {
    assert.equal(retryDelay("e", 1, 0, 0, { ...policy, isTransient: () => false }), undefined);
    assert.equal(retryDelay("e", 1, 0, 0, { ...transient, windowMs: 0 }), undefined);
  });
});

describe("backoffDelay", () => {
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

  it("asks the other sources for nothing more once one failed, and closes them", async () => {
    // Each item stands for a page read from a store: one asked for after the merge stopped is a request
    // (and its retries) for a read that is already over.
    let produced = 0;
    let taken = 0;
    let close = (): void => undefined;
    const closed = new Promise<void>((resolve) => (close = resolve));
    async function* pages(): AsyncGenerator<string> {
      try {
        for (let i = 0; i < 100; i++) {
          await Promise.resolve();
          produced++;
          yield `page${i}`;
        }
      } finally {
        close();
      }
    }
    async function* failing(): AsyncGenerator<string> {
      for (let tick = 0; tick < 5; tick++) await Promise.resolve();
      yield* [];
      throw new Error("slice failed");
    }
    await assert.rejects(async () => {
      for await (const item of mergeAsync([pages, failing], 2)) if (item.startsWith("page")) taken++;
    }, /slice failed/);
    await closed;
    // The one item waiting to be taken when the merge stopped is the only one not taken.
    assert.equal(produced - taken, 1, `${produced} produced, ${taken} taken`);
  });
});

// Tried as a new user would: a letter's reason naming an emoji key, cut for the list, printed a
// replacement character where the cut split the emoji's two halves.
describe("cutText", () => {
  it("never cuts a character of two UTF-16 units in half", () => {
    const text = `${"a".repeat(6)}😀tail`;
    assert.equal(textPrefix(text, 7), "aaaaaa");
    assert.equal(textPrefix(text, 8), "aaaaaa😀");
    assert.equal(cutText(text, 10), "aaaaaa...");
    assert.equal(cutText("short", 10), "short");
    for (let n = 1; n < text.length; n++)
      assert.ok(!/[\ud800-\udbff]$/.test(textPrefix(text, n)), `a half character at ${n}`);
  });
});
