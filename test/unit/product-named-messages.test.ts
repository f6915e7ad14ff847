// Messages made while a run works name the product that answers on the search side: against
// OpenSearch they say OpenSearch, not Elasticsearch. Fake clients stand in for the products': this is
// the text synced writes, not what a server answers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SearchClient } from "../../src/stores/search/search-client.js";
import { bulkWrite } from "../../src/stores/search/bulk-write.js";
import { fetchDocuments } from "../../src/stores/search/fetch-current.js";
import { IndexGoneError } from "../../src/stores/search/index-gone.js";
import { IndexReplacedError } from "../../src/reconcile/run-errors.js";
import { bulkLines } from "../support/bulk-lines.js";
import { plan, record } from "../support/memory-stores.js";

const ID = "00000001-0000-4000-8000-000000000000";

/** An OpenSearch client whose bulk answers every item that the index is missing. */
function indexGoneOnWrite(): SearchClient {
  const bulk = ({ lines }: { lines: string }): Promise<unknown> =>
    Promise.resolve({
      errors: true,
      items: bulkLines(lines)
        .filter((_, i) => i % 2 === 0)
        .map(() => ({
          create: { status: 404, error: { type: "index_not_found_exception", reason: "gone" } },
        })),
    });
  return { productName: "OpenSearch", bulk } as unknown as SearchClient;
}

function namesOnlyOpenSearch(message: string): void {
  assert.match(message, /OpenSearch/);
  assert.doesNotMatch(message, /Elasticsearch/);
}

describe("messages made during a run against OpenSearch", () => {
  it("name OpenSearch where an index went away during a write", async () => {
    await assert.rejects(
      bulkWrite(
        {
          client: indexGoneOnWrite(),
          versioning: "optimistic",
          concurrency: 1,
          maxBulkBytes: 1_000_000,
          maxBulkOperations: 100,
          maxDocumentBytes: 1_000_000,
          retry: (operation) => operation(),
          retryWindowMs: 1_000,
        },
        plan(),
        [{ record: record(ID, 10), current: undefined, version: 10n }],
      ),
      (error: unknown) => {
        assert.ok(error instanceof IndexGoneError, String(error));
        assert.match(error.message, /OpenSearch may already have made it again/);
        namesOnlyOpenSearch(error.message);
        return true;
      },
    );
  });

  it("name OpenSearch where an index went away during a read, and where it was made again", () => {
    const read = new IndexGoneError(plan(), "deleted", "OpenSearch", "read");
    assert.match(read.message, /one that syncs toward OpenSearch copies the table/);
    namesOnlyOpenSearch(read.message);
    const replaced = new IndexReplacedError("things", "app-things", "OpenSearch");
    assert.match(replaced.message, /by OpenSearch from a later write/);
    namesOnlyOpenSearch(replaced.message);
  });

  it("name OpenSearch where a document comes back without its sequence number", async () => {
    const getDocuments = (): Promise<unknown> =>
      Promise.resolve([{ _id: ID, found: true, _source: { id: ID, tmstmp: "2024-01-01T00:00:00.000000Z" } }]);
    const client = { productName: "OpenSearch", getDocuments } as unknown as SearchClient;
    await assert.rejects(fetchDocuments(client, plan(), [ID]), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, new RegExp(`^OpenSearch returned ${ID} without _seq_no`));
      return true;
    });
  });
});
