// A bulk request refused whole as too large (413): a proxy in front of the cluster (nginx's
// client_max_body_size is 1 MiB by default) or the nodes' http.max_content_length. Tried as an
// operator would behind such a proxy, every run failed with exit 1 at its first large batch, and
// every later run failed the same way. The request is now sent again in halves, and a document that
// is refused alone is dead-lettered with the limit it met. A fake `bulk` stands in for the client.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulkRequest, BulkResult, SearchClient } from "../../src/stores/search/search-client.js";
import { bulkWrite, type EsWriteSettings } from "../../src/stores/search/bulk-write.js";
import { BulkBodyLimit } from "../../src/stores/search/body-limit.js";
import { answerError } from "../../src/stores/search/search-error.js";
import type { PlannedWrite } from "../../src/reconcile/record-store.js";
import { plan, record } from "../support/memory-stores.js";
import { bulkLines } from "../support/bulk-lines.js";

const NGINX_413 =
  "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n" +
  "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n";

const ids = [1, 2, 3, 4, 5].map((n) => `0000000${n}-0000-4000-8000-000000000000`);
const writes: PlannedWrite[] = ids.map((id) => ({
  record: record(id, 10),
  current: undefined,
  version: 10n,
}));

/** Refuses, as too large, a request of more than one document, and any holding `tooLarge`. */
function limitedClient(tooLarge: string): { client: SearchClient; requests: string[][] } {
  const requests: string[][] = [];
  const bulk = ({ lines }: BulkRequest): Promise<BulkResult> => {
    const actions = bulkLines(lines).filter((_, i) => i % 2 === 0) as Record<string, { _id: string }>[];
    const sent = actions.map((a) => Object.values(a)[0]?._id ?? "");
    requests.push(sent);
    if (sent.length > 1 || sent.includes(tooLarge)) {
      return Promise.reject(answerError(413, NGINX_413, NGINX_413, undefined));
    }
    return Promise.resolve({ errors: false, items: sent.map(() => ({ create: { status: 201 } })) });
  };
  return { client: { bulk, productName: "Elasticsearch" } as unknown as SearchClient, requests };
}

function settings(client: SearchClient): EsWriteSettings {
  return {
    client,
    versioning: "optimistic",
    concurrency: 1,
    maxBulkBytes: 1024 * 1024,
    maxBulkOperations: 500,
    maxDocumentBytes: 1024 * 1024,
    retry: (operation) => operation(),
    retryWindowMs: 600,
  };
}

describe("a bulk request refused as too large (413)", () => {
  it("is sent again in halves, and a document refused alone is dead-lettered with the limit it met", async () => {
    const fake = limitedClient(ids[2] ?? "");
    const outcomes = await bulkWrite(settings(fake.client), plan(), writes);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["written", "written", "rejected", "written", "written"],
    );
    // Every document was sent alone in the end, each once on its own.
    const alone = fake.requests.filter((r) => r.length === 1).map((r) => r[0]);
    assert.deepEqual([...alone].sort(), [...ids].sort());
    const refused = outcomes[2];
    assert.ok(refused?.status === "rejected");
    assert.match(refused.reason, /413 Request Entity Too Large/);
    assert.match(refused.reason, /nginx/);
    assert.match(refused.reason, /client_max_body_size/);
    assert.match(refused.reason, /http\.max_content_length/);
    assert.match(refused.reason, /replay/);
  });

  it("is remembered for the rest of the run: later requests are kept to the size accepted, and it is told once", async () => {
    // A proxy refusing bodies of more than two documents.
    const requests: number[] = [];
    const bulk = ({ lines }: BulkRequest): Promise<BulkResult> => {
      const sent = bulkLines(lines).length / 2;
      requests.push(sent);
      if (sent > 2) return Promise.reject(answerError(413, NGINX_413, NGINX_413, undefined));
      return Promise.resolve({
        errors: false,
        items: Array.from({ length: sent }, () => ({ create: { status: 201 } })),
      });
    };
    const client = { bulk, productName: "Elasticsearch" } as unknown as SearchClient;
    const told: number[] = [];
    const bodyLimit = new BulkBodyLimit((bytes) => told.push(bytes));
    const many = (from: number): PlannedWrite[] =>
      Array.from({ length: 8 }, (_, n) => ({
        record: record(`000000${String(from + n).padStart(2, "0")}-0000-4000-8000-000000000000`, 10),
        current: undefined,
        version: 10n,
      }));
    const first = await bulkWrite({ ...settings(client), bodyLimit }, plan(), many(10));
    assert.ok(first.every((o) => o.status === "written"));
    assert.ok(
      requests.some((n) => n > 2),
      "the first batch met the limit",
    );
    requests.length = 0;
    const second = await bulkWrite({ ...settings(client), bodyLimit }, plan(), many(30));
    assert.ok(second.every((o) => o.status === "written"));
    assert.deepEqual(
      requests,
      [2, 2, 2, 2],
      "a later batch was refused before it was sent in accepted sizes",
    );
    assert.equal(told.length, 1);
    assert.ok((told[0] ?? 0) > 0);
  });
});
