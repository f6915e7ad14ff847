// How a read of an index is paged (scan.ts): pages of four batches, passed on a batch at a time, and
// pages within an index.max_result_window that an administrator lowered. A fake client stands in,
// answering as Elasticsearch does: this is the paging plan (integration/index-result-window.test.ts
// runs it against the servers).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errors, type Client } from "@elastic/elasticsearch";
import { ElasticsearchClient } from "../../src/stores/elasticsearch/elasticsearch-client.js";
import { pageSize, scanIndex } from "../../src/stores/search/scan.js";
import { isSearchError } from "../../src/stores/search/search-error.js";
import { plan } from "../support/memory-stores.js";
import { scanHits } from "../support/scan-hits.js";

const ids = Array.from({ length: 25 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
const hits = scanHits(ids);

/** Elasticsearch's refusal of a page larger than the index allows, as a shard's failure under it. */
function windowRefusal(limit: number, asked: number): errors.ResponseError {
  const reason =
    `Result window is too large, from + size must be less than or equal to: [${limit}] but was ` +
    `[${asked}]. See the scroll api for a more efficient way to request large data sets. This limit ` +
    "can be set by changing the [index.max_result_window] index level setting.";
  const cause = { type: "illegal_argument_exception", reason };
  return new errors.ResponseError({
    body: {
      error: {
        root_cause: [cause],
        type: "search_phase_execution_exception",
        reason: "all shards failed",
        failed_shards: [{ shard: 0, index: "app-things", reason: cause }],
      },
      status: 400,
    },
    statusCode: 400,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

/**
 * Pages of what each search asks for, refusing any larger than the window (`window`, or what it gives
 * for the number of searches before this one); records the sizes asked.
 */
function fakeClient(window: number | ((searches: number) => number) = Infinity): {
  client: Client;
  sizes: number[];
} {
  const sizes: number[] = [];
  const client = {
    openPointInTime: () => Promise.resolve({ id: "pit" }),
    closePointInTime: () => Promise.resolve({}),
    search: ({ size, search_after }: { size: number; search_after?: number[] }) => {
      const limit = typeof window === "number" ? window : window(sizes.length);
      sizes.push(size);
      if (size > limit) return Promise.reject(windowRefusal(limit, size));
      const from = search_after === undefined ? 0 : (search_after[0] ?? 0) + 1;
      return Promise.resolve({ hits: { hits: hits.slice(from, from + size) } });
    },
  };
  return { client: client as unknown as Client, sizes };
}

/** The size of each batch the scan passes on, and every id it read. */
async function scan(client: Client, batchSize: number): Promise<{ batches: number[]; seen: string[] }> {
  const settings = {
    client: new ElasticsearchClient(client),
    slices: 1,
    batchSize,
    keepAlive: "1m",
    retry: <T>(operation: () => Promise<T>) => operation(),
  };
  const range = { begin: 0n, end: 2_000_000_000_000_000n };
  const batches: number[] = [];
  const seen: string[] = [];
  for await (const batch of scanIndex(settings, plan(), range)) {
    batches.push(batch.records.length);
    seen.push(...batch.records.map((r) => r.id));
  }
  return { batches, seen };
}

describe("the pages of a read from Elasticsearch", () => {
  it("asks for four batches a page, at most 10,000 documents", () => {
    assert.equal(pageSize(500), 2000);
    assert.equal(pageSize(3), 12);
    assert.equal(pageSize(2500), 10_000);
    assert.equal(pageSize(20_000), 10_000);
  });

  it("passes each page on a batch at a time", async () => {
    const fake = fakeClient();
    const { batches, seen } = await scan(fake.client, 3);
    // Pages of 12: 12, 12, and a short one, which ends the read.
    assert.deepEqual(fake.sizes, [12, 12, 12]);
    assert.deepEqual(batches, [3, 3, 3, 3, 3, 3, 3, 3, 1]);
    assert.deepEqual(seen, ids);
  });

  it("asks again within a lowered index.max_result_window, and keeps to it", async () => {
    const fake = fakeClient(5);
    const { batches, seen } = await scan(fake.client, 3);
    // The refused page, then five full pages of 5 and an empty one.
    assert.deepEqual(fake.sizes, [12, 5, 5, 5, 5, 5, 5]);
    assert.deepEqual(batches, [3, 2, 3, 2, 3, 2, 3, 2, 3, 2]);
    assert.deepEqual(seen, ids);
  });

  it("asks a later page again within a window lowered in the middle of the read", async () => {
    // A point in time checks the setting at every page: lowered after the first page was read.
    const fake = fakeClient((searches) => (searches === 0 ? Infinity : 5));
    const { batches, seen } = await scan(fake.client, 3);
    // A page of 12, the next refused, then pages of 5 from where the read was.
    assert.deepEqual(fake.sizes, [12, 12, 5, 5, 5]);
    assert.deepEqual(batches, [3, 3, 3, 3, 3, 2, 3, 2, 3]);
    assert.deepEqual(seen, ids);
  });

  it("rethrows a refusal that gives no smaller window", async () => {
    // A window the page is within already: the refusal is not about the page's size.
    const fake = fakeClient();
    const client = fake.client as unknown as { search: () => Promise<never> };
    client.search = () => Promise.reject(windowRefusal(100, 12));
    await assert.rejects(scan(fake.client, 3), (error) => isSearchError(error, "refused"));
  });
});
