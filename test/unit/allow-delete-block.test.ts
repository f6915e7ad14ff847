// The read-only-allow-delete block, in each wording a server gives it, is named as that block with
// both ways out (free disk space, or lift it), whatever request it refused: a bulk write, a mapping
// change (OpenSearch blocks those too), or a state index's write.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ANSWERED_BY } from "../support/error-answers.js";
import { BulkRetriesExhaustedError, IndexBlockedError } from "../../src/stores/search/bulk-write.js";
import { searchFailure } from "../../src/stores/search/search-failure.js";
import { indexBlock } from "../../src/state/blocked-index.js";
import { exitCodeForError, EXIT } from "../../src/cli/exit-codes.js";
import { plan } from "../support/memory-stores.js";

const INDEX = "app-things";

/** The block's words and status, as each server answers a write to a blocked index. */
const WORDINGS: readonly (readonly [string, number, string])[] = [
  [
    "Elasticsearch 8.19 and 9",
    429,
    `index [${INDEX}] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has ` +
      "read-only-allow-delete block; for more information, see " +
      "https://www.elastic.co/guide/en/elasticsearch/reference/8.19/fix-watermark-errors.html];",
  ],
  [
    "OpenSearch 2 and 3, and Elasticsearch from 7.10 until its words gained a link",
    429,
    `index [${INDEX}] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has ` +
      "read-only-allow-delete block];",
  ],
  [
    "Elasticsearch before 7.10",
    403,
    `index [${INDEX}] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];`,
  ],
];

const BLOCK = /has the read-only-allow-delete block \(index\.blocks\.read_only_allow_delete\)/;
const WAYS_OUT = new RegExp(
  `Free disk space or add nodes .*lift the block \\(PUT ${INDEX}/_settings \\{"index\\.blocks\\.read_only_allow_delete": null\\}\\)`,
);

const PRODUCTS = ANSWERED_BY;

describe("the read-only-allow-delete block", () => {
  it("is named with both ways out where it refuses a request, in each server's words", () => {
    for (const [server, status, reason] of WORDINGS) {
      for (const [product, answer] of PRODUCTS) {
        const cause = { type: "cluster_block_exception", reason };
        const refused = answer(status, { error: { ...cause, root_cause: [cause] }, status });
        const failure = searchFailure(refused, `map new fields in index ${INDEX}`, product);
        const said = `${server}, ${product}: ${failure.message}`;
        assert.match(failure.message, BLOCK, said);
        assert.match(failure.message, WAYS_OUT, said);
        // No wait lifts it: the cluster is not unhealthy, nor the login refused.
        assert.doesNotMatch(failure.message, /once the cluster is healthy|privilege/, said);
        assert.equal(exitCodeForError(failure), EXIT.failure, said);
      }
    }
  });

  it("is named with both ways out where it refuses a bulk write, in each server's words", () => {
    for (const [server, status, reason] of WORDINGS) {
      const error =
        status === 429
          ? new BulkRetriesExhaustedError("Elasticsearch", plan(), status, 6, 60_000, reason)
          : new IndexBlockedError(plan(), reason);
      assert.match(error.message, BLOCK, server);
      assert.match(error.message, WAYS_OUT, server);
    }
  });

  it("is named with both ways out where it refuses a state index's write, in each server's words", () => {
    for (const [server, status, reason] of WORDINGS) {
      const cause = { type: "cluster_block_exception", reason };
      const refused = PRODUCTS[0][1](status, { error: { ...cause, root_cause: [cause] }, status });
      const block = indexBlock(refused, `Elasticsearch index ${INDEX}`);
      assert.match(block?.why ?? "", /read-only-allow-delete block/, server);
      assert.match(`${block?.todo ?? ""})`, WAYS_OUT, server);
    }
  });
});
