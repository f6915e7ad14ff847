// The second direction's light read (scan.ts, settledPage): pages without sources, the settled
// documents counted and left out, the others fetched whole by id. A fake SearchClient stands in: this
// is the paging and fetching plan, not Elasticsearch (integration/settled-reads.test.ts runs it there).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordTag } from "../../src/core/record.js";
import { scanIndex } from "../../src/stores/search/scan.js";
import { isSearchError } from "../../src/stores/search/search-error.js";
import type {
  FetchedDocument,
  GetDocumentsRequest,
  ScanPageRequest,
  SearchClient,
} from "../../src/stores/search/search-client.js";
import { formatEsTimestamp } from "../../src/stores/search/timestamps.js";
import { plan } from "../support/memory-stores.js";

const ids = [1, 2, 3].map((n) => `0000000${n}-0000-4000-8000-000000000000`);
const tmstmp = formatEsTimestamp(1_700_000_000_000_000n, "microsecond");

/** One page of the three documents; `answer` gives what each fetch by id answers. */
function fakeClient(answer: (call: number, request: GetDocumentsRequest) => FetchedDocument[]): {
  client: SearchClient;
  pages: ScanPageRequest[];
  fetches: GetDocumentsRequest[];
} {
  const pages: ScanPageRequest[] = [];
  const fetches: GetDocumentsRequest[] = [];
  const client = {
    openView: (index: string) => Promise.resolve({ index, repeatableContinuations: true }),
    closeView: () => Promise.resolve(),
    readPage: (_view: unknown, request: ScanPageRequest) => {
      pages.push(request);
      return Promise.resolve({
        hits: ids.map((id, i) => ({ _id: id, _seq_no: i, _primary_term: 1 })),
        next: undefined,
      });
    },
    getDocuments: (request: GetDocumentsRequest) => {
      fetches.push(request);
      return Promise.resolve(answer(fetches.length, request));
    },
  };
  return { client: client as unknown as SearchClient, pages, fetches };
}

function whole(id: string, seqNo: number): FetchedDocument {
  return { _id: id, found: true, _source: { id, tmstmp }, _seq_no: seqNo, _primary_term: 1 };
}

/** The first id settled with the tag its hit carries. */
const settled = {
  size: 1,
  has: (id: string, tag: RecordTag) => id === ids[0] && tag.high === 1 && tag.low === 0,
};

/** Asks again while the failure is transient, as the store's retry does within its window. */
async function retry<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= 3 || !isSearchError(error, "transient")) throw error;
    }
  }
}

async function scan(client: SearchClient) {
  const settings = { client, slices: 1, batchSize: 10, keepAlive: "1m", retry };
  const range = { begin: 0n, end: 2_000_000_000_000_000n };
  const batches = [];
  for await (const batch of scanIndex(settings, plan(), range, settled)) batches.push(batch);
  return batches;
}

describe("the light read of settled documents", () => {
  it("counts the settled, fetches the others whole, and leaves out one deleted since", async () => {
    const fake = fakeClient((_, request) =>
      request.ids.map((id) =>
        id === ids[1] ? whole(id, 7) : { _id: typeof id === "string" ? id : id.id, found: false },
      ),
    );
    const batches = await scan(fake.client);
    assert.equal(batches.length, 1);
    const [batch] = batches;
    assert.ok(batch);
    assert.ok(fake.pages.every((p) => p.withoutSource === true));
    assert.deepEqual(fake.fetches[0]?.ids, [ids[1], ids[2]]);
    assert.equal(batch.settled, 1);
    // The fetched copy, with the tag it has now.
    assert.deepEqual(
      batch.records.map((r) => [r.id, r.tag?.low]),
      [[ids[1], 7]],
    );
  });

  it("asks again for a document whose fetch failed alone, rather than read it as gone", async () => {
    const fake = fakeClient((call, request) =>
      request.ids.map((id) => {
        const name = typeof id === "string" ? id : id.id;
        // The first answer names the document without saying whether it exists: its shard failed.
        return call === 1 && name === ids[2] ? { _id: name } : whole(name, 3);
      }),
    );
    const [batch] = await scan(fake.client);
    assert.equal(fake.fetches.length, 2);
    assert.ok(batch);
    assert.deepEqual(batch.records.map((r) => r.id).sort(), [ids[1], ids[2]]);
  });
});
