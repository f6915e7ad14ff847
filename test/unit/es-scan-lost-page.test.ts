// A page whose answer is lost after the cluster read it: asked for again where the view says that is
// safe (a point in time), and otherwise the scan starts over in a new view (a scroll, which would
// answer the page after). A fake view stands in for the cluster: this is the paging plan.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type {
  ScanPage,
  ScanPageRequest,
  ScanView,
  SearchClient,
} from "../../src/stores/search/search-client.js";
import { POINT_IN_TIME_RESTARTS, scanIndex, type ScanRestartCause } from "../../src/stores/search/scan.js";
import { formatEsTimestamp } from "../../src/stores/search/timestamps.js";
import { isTransientSearchError } from "../../src/stores/search/transient-errors.js";
import type { SearchError } from "../../src/stores/search/search-error.js";
import { answerError, noAnswerError } from "../../src/stores/search/search-error.js";
import { plan } from "../support/memory-stores.js";

const ids = [1, 2, 3, 4, 5].map((n) => `0000000${n}-0000-4000-8000-000000000000`);
const hits = ids.map((id, i) => ({
  _index: "app-things",
  _id: id,
  _source: { id, tmstmp: formatEsTimestamp(1_700_000_000_000_000n + BigInt(i), "microsecond") },
  _seq_no: i,
  _primary_term: 1,
}));

interface FakeCursor {
  readonly position: number;
}

interface FakeView extends ScanView {
  /** Where the cluster's cursor stands: a scroll moves it with every page it reads. */
  served: number;
}

/**
 * Pages of two hits. A scroll view's continuation reads from where the cluster's cursor stands; a
 * point in time's from the position it names. `fail(n)` may throw instead of answering the n-th
 * page read, after the cluster read that page.
 */
function fakeCluster(
  repeatableContinuations: boolean,
  fail: (read: number, request: ScanPageRequest) => Error | undefined,
): { client: SearchClient; opened: number; closed: number; reads: ScanPageRequest[] } {
  const state = { opened: 0, closed: 0, reads: [] as ScanPageRequest[] };
  const client = {
    openView: (index: string): Promise<ScanView> => {
      state.opened++;
      const view: FakeView = { index, repeatableContinuations, served: 0 };
      return Promise.resolve(view);
    },
    readPage: (view: ScanView, request: ScanPageRequest): Promise<ScanPage> => {
      const fake = view as FakeView;
      state.reads.push(request);
      // A first page opens a new scroll context, or reads a point in time from its start.
      const from =
        request.after === undefined
          ? 0
          : repeatableContinuations
            ? (request.after as FakeCursor).position
            : fake.served;
      const page = hits.slice(from, from + 2);
      fake.served = from + page.length;
      const error = fail(state.reads.length, request);
      if (error) return Promise.reject(error);
      const next: FakeCursor | undefined = page.length === 0 ? undefined : { position: fake.served };
      return Promise.resolve({ hits: page, next });
    },
    closeView: (): Promise<void> => {
      state.closed++;
      return Promise.resolve();
    },
  };
  return {
    client: client as unknown as SearchClient,
    get opened() {
      return state.opened;
    },
    get closed() {
      return state.closed;
    },
    reads: state.reads,
  };
}

/** A retry that tries a transiently failing operation again, up to three times. */
function retrying(counter: { retried: number }) {
  return async <T>(operation: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (attempt >= 3 || !isTransientSearchError(error)) throw error;
        counter.retried++;
      }
    }
  };
}

async function scan(
  client: SearchClient,
  restarts: ScanRestartCause[],
  counter = { retried: 0 },
): Promise<string[]> {
  const seen: string[] = [];
  const settings = {
    client,
    slices: 1,
    batchSize: 2,
    keepAlive: "1m",
    retry: retrying(counter),
    onRestart: (_index: string, cause: ScanRestartCause) => restarts.push(cause),
  };
  for await (const batch of scanIndex(settings, plan(), { begin: 0n, end: 2_000_000_000_000_000n })) {
    seen.push(...batch.records.map((r) => r.id));
  }
  return seen;
}

const lostAnswer = (): SearchError => noAnswerError("socket hang up", false, undefined);

describe("a page whose answer was lost", () => {
  it("starts a scroll over in a new view instead of asking for the next page again", async () => {
    const fake = fakeCluster(false, (n) => (n === 2 ? lostAnswer() : undefined));
    const restarts: ScanRestartCause[] = [];
    const counter = { retried: 0 };
    const seen = await scan(fake.client, restarts, counter);
    assert.deepEqual(seen, [...ids.slice(0, 2), ...ids]);
    assert.deepEqual(
      restarts.map((r) => r.kind),
      ["page lost"],
    );
    assert.ok(restarts[0]?.kind === "page lost" && isTransientSearchError(restarts[0].error));
    assert.equal(counter.retried, 0);
    assert.equal(fake.opened, 2);
    assert.equal(fake.closed, 2);
  });

  it("asks for the first page of a scroll again: it only opens the view", async () => {
    const fake = fakeCluster(false, (n) => (n === 1 ? lostAnswer() : undefined));
    const restarts: ScanRestartCause[] = [];
    const counter = { retried: 0 };
    assert.deepEqual(await scan(fake.client, restarts, counter), ids);
    assert.deepEqual(restarts, []);
    assert.equal(counter.retried, 1);
  });

  it("asks a point in time for the same page again, without starting over", async () => {
    const fake = fakeCluster(true, (n) => (n === 2 ? lostAnswer() : undefined));
    const restarts: ScanRestartCause[] = [];
    const counter = { retried: 0 };
    assert.deepEqual(await scan(fake.client, restarts, counter), ids);
    assert.deepEqual(restarts, []);
    assert.equal(counter.retried, 1);
    assert.deepEqual(fake.reads[1]?.after, fake.reads[2]?.after);
    assert.equal(fake.opened, 1);
  });

  it("rethrows a refusal of a scroll page without starting over", async () => {
    const refusal = answerError(
      400,
      { error: { type: "parsing_exception" } },
      "parsing_exception",
      undefined,
    );
    const fake = fakeCluster(false, (n) => (n === 2 ? refusal : undefined));
    const restarts: ScanRestartCause[] = [];
    await assert.rejects(scan(fake.client, restarts), (error) => error === refusal);
    assert.deepEqual(restarts, []);
    assert.equal(fake.opened, 1);
  });

  it("starts a scroll over in smaller pages when its page size is refused in the middle of a read", async () => {
    // OpenSearch's words, once an administrator lowered index.max_result_window below the page size.
    const reason =
      "Batch size is too large, size must be less than or equal to: [1] but was [8]. Scroll batch " +
      "sizes cost as much memory as result windows so they are controlled by the " +
      "[index.max_result_window] index level setting.";
    const body = {
      error: {
        root_cause: [{ type: "illegal_argument_exception", reason }],
        type: "search_phase_execution_exception",
        reason: "all shards failed",
      },
      status: 400,
    };
    const refusal = answerError(400, body, "search_phase_execution_exception", undefined);
    const fake = fakeCluster(false, (n) => (n === 2 ? refusal : undefined));
    const restarts: ScanRestartCause[] = [];
    const seen = await scan(fake.client, restarts);
    assert.deepEqual(seen, [...ids.slice(0, 2), ...ids]);
    assert.deepEqual(restarts, [{ kind: "window lowered", window: 1 }]);
    // Pages of four batches of 2 until the refusal, then a new scroll asking for the size allowed.
    assert.deepEqual(
      fake.reads.map((read) => read.size),
      [8, 8, 1, 1, 1, 1],
    );
    assert.equal(fake.opened, 2);
    assert.equal(fake.closed, 2);
  });

  it("gives up with the failure itself when scroll answers keep being lost", async () => {
    const fake = fakeCluster(false, (_n, request) =>
      request.after === undefined ? undefined : lostAnswer(),
    );
    const restarts: ScanRestartCause[] = [];
    await assert.rejects(scan(fake.client, restarts), (error) => isTransientSearchError(error));
    assert.equal(restarts.length, POINT_IN_TIME_RESTARTS);
    assert.equal(fake.opened, POINT_IN_TIME_RESTARTS + 1);
    assert.equal(fake.closed, fake.opened);
  });
});
