// A scan whose point in time is lost (the node holding it restarted) starts over with a new one.
// A fake `search` stands in for the client: this is the paging plan, not Elasticsearch.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errors, type Client } from "@elastic/elasticsearch";
import { ElasticsearchClient } from "../../src/stores/elasticsearch/elasticsearch-client.js";
import { POINT_IN_TIME_RESTARTS, scanIndex } from "../../src/stores/search/scan.js";
import { isSearchError } from "../../src/stores/search/search-error.js";
import { plan } from "../support/memory-stores.js";
import { scanHits } from "../support/scan-hits.js";

function responseError(statusCode: number, type: string): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { type: "search_phase_execution_exception", root_cause: [{ type }] }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

const pitLost = (): errors.ResponseError => responseError(404, "search_context_missing_exception");

const ids = [1, 2, 3, 4, 5].map((n) => `0000000${n}-0000-4000-8000-000000000000`);
const hits = scanHits(ids);

/** Pages of what each search asks for; `fail(n)` may throw instead of answering the n-th search. */
function fakeClient(fail: (search: number) => Error | undefined): {
  client: Client;
  opened: string[];
  closed: string[];
} {
  const opened: string[] = [];
  const closed: string[] = [];
  let searches = 0;
  const client = {
    openPointInTime: () => {
      const id = `pit-${opened.length + 1}`;
      opened.push(id);
      return Promise.resolve({ id });
    },
    closePointInTime: ({ id }: { id: string }) => {
      closed.push(id);
      return Promise.resolve({});
    },
    search: ({ size, search_after }: { size: number; search_after?: number[] }) => {
      const error = fail(++searches);
      if (error) return Promise.reject(error);
      const from = search_after === undefined ? 0 : (search_after[0] ?? 0) + 1;
      return Promise.resolve({ hits: { hits: hits.slice(from, from + size) } });
    },
  };
  return { client: client as unknown as Client, opened, closed };
}

async function scan(client: Client, restarted: string[] = []): Promise<string[]> {
  const seen: string[] = [];
  const range = { begin: 0n, end: 2_000_000_000_000_000n };
  const settings = {
    client: new ElasticsearchClient(client),
    slices: 1,
    // Pages of four (scan.ts, pageSize): the index's five documents take two.
    batchSize: 1,
    keepAlive: "1m",
    retry: <T>(operation: () => Promise<T>) => operation(),
    onRestart: (index: string) => restarted.push(index),
  };
  for await (const batch of scanIndex(settings, plan(), range)) seen.push(...batch.records.map((r) => r.id));
  return seen;
}

describe("Elasticsearch scan after a lost point in time", () => {
  it("opens a new point in time and reads the index again from its start", async () => {
    const fake = fakeClient((n) => (n === 2 ? pitLost() : undefined));
    const restarted: string[] = [];
    const seen = await scan(fake.client, restarted);
    assert.deepEqual(restarted, ["app-things"]);
    assert.deepEqual(fake.opened, ["pit-1", "pit-2"]);
    assert.deepEqual(fake.closed, ["pit-1", "pit-2"]);
    // The first page is read twice: once before the loss and once after.
    assert.deepEqual(seen, [...ids.slice(0, 4), ...ids]);
  });

  it("rethrows any other error without starting over", async () => {
    const fake = fakeClient((n) => (n === 2 ? responseError(400, "parsing_exception") : undefined));
    await assert.rejects(scan(fake.client), (error) => isSearchError(error, "refused"));
    assert.deepEqual(fake.opened, ["pit-1"]);
    assert.deepEqual(fake.closed, ["pit-1"]);
  });

  it("gives up when the point in time keeps being lost", async () => {
    const fake = fakeClient(() => pitLost());
    const restarted: string[] = [];
    await assert.rejects(scan(fake.client, restarted), (error) => isSearchError(error, "view-lost"));
    assert.equal(restarted.length, POINT_IN_TIME_RESTARTS);
    assert.equal(fake.opened.length, POINT_IN_TIME_RESTARTS + 1);
    assert.equal(fake.closed.length, fake.opened.length);
  });
});
