// A write to a state or dead-letter index refused as too large (413): tried as an operator would
// behind nginx, whose bodies stop at 1 MiB by default, a record refused for its size was then refused
// again as a letter, and the run was told to check that the dead-letter store is reachable, which it
// was. The message now names the limit to raise and the option that moves the store.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inStateStore, StateError } from "../../src/state/state-errors.js";
import { answerError } from "../../src/stores/search/search-error.js";

const PAGE =
  "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n" +
  "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

describe("a state or dead-letter write refused as too large", () => {
  for (const [store, option] of [
    ["dead-letter store", "--dead-letter"],
    ["state store", "--state"],
  ] as const) {
    it(`names the limit to raise and ${option}, not a store to reach`, async () => {
      const refused = (): Promise<void> => Promise.reject(answerError(413, PAGE, PAGE, undefined));
      await assert.rejects(
        inStateStore("write dead letters", "Elasticsearch index app_state", refused, {
          timeoutMs: 1000,
          store,
        }),
        (error) => {
          assert.ok(error instanceof StateError);
          assert.match(error.message, /refused as too large: 413 Request Entity Too Large/);
          assert.match(error.message, /client_max_body_size/);
          assert.match(error.message, /http\.max_content_length/);
          assert.match(error.message, new RegExp(`another place with ${option}`));
          assert.doesNotMatch(error.message, /reachable/);
          return true;
        },
      );
    });
  }
});
