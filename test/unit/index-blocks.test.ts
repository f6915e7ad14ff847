// An index block set by hand or by a template (index.blocks.read, .metadata, .read_only, .write)
// refuses requests other than writes too: a count, a scan, reading or changing a mapping. The cluster
// answers 403 cluster_block_exception, as it does a missing privilege: the message must name the
// block, its setting and how to lift it, not send the user to grant a role.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ANSWERED_BY } from "../support/error-answers.js";
import { searchFailure } from "../../src/stores/search/search-failure.js";
import { exitCodeForError, EXIT } from "../../src/cli/exit-codes.js";

const INDEX = "app-things";

/** Each block's setting, and the words Elasticsearch 8/9 and OpenSearch 2/3 name it with (alike). */
const BLOCKS: readonly (readonly [string, string])[] = [
  ["index.blocks.read", "FORBIDDEN/7/index read (api)"],
  ["index.blocks.metadata", "FORBIDDEN/9/index metadata (api)"],
  ["index.blocks.read_only", "FORBIDDEN/5/index read-only (api)"],
  ["index.blocks.write", "FORBIDDEN/8/index write (api)"],
];

const PRODUCTS = ANSWERED_BY;

describe("an index block met by a request other than a write", () => {
  it("is named as the block with its setting and how to lift it, not as a missing privilege", () => {
    for (const [setting, words] of BLOCKS) {
      for (const [product, answer] of PRODUCTS) {
        const cause = { type: "cluster_block_exception", reason: `index [${INDEX}] blocked by: [${words}];` };
        const refused = answer(403, { error: { ...cause, root_cause: [cause] }, status: 403 });
        const failure = searchFailure(refused, `count the documents of index ${INDEX}`, product);
        const said = `${setting}, ${product}: ${failure.message}`;
        assert.match(
          failure.message,
          new RegExp(`index ${INDEX} is blocked \\(${setting.replace(/\./g, "\\.")}\\)`),
          said,
        );
        assert.match(failure.message, /a block .*not a missing privilege/, said);
        assert.ok(failure.message.includes(`PUT ${INDEX}/_settings {"${setting}": null}`), said);
        assert.doesNotMatch(failure.message, /role lacks|grant it/, said);
        assert.equal(failure.details["setting"], setting, said);
        // Nothing but lifting the block lets the request through: not a store out of reach (exit 5).
        assert.equal(exitCodeForError(failure), EXIT.failure, said);
      }
    }
  });

  it("names an index closed under the request as closed, with how to open it", () => {
    const cause = {
      type: "cluster_block_exception",
      reason: `index [${INDEX}] blocked by: [FORBIDDEN/4/index closed];`,
    };
    for (const [product, answer] of PRODUCTS) {
      const refused = answer(400, { error: { ...cause, root_cause: [cause] }, status: 400 });
      const failure = searchFailure(refused, `read index ${INDEX}`, product);
      assert.match(failure.message, new RegExp(`POST ${INDEX}/_open`), failure.message);
      assert.equal(exitCodeForError(failure), EXIT.failure, failure.message);
    }
  });
});
