// A command stopped by a store's error names the command its user would repeat, once: replay, purge,
// verify and plan (and a dry run of replay or purge) say what they leave, and the store's "run again"
// in their own words, not twice.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inCommandWords, lettersStop, PLAN_STOP, verifyStop } from "../../src/cli/stop-words.js";
import { WriteRefusedError } from "../../src/stores/search/refused-privilege.js";
import { BulkRetriesExhaustedError, IndexBlockedError } from "../../src/stores/search/bulk-write.js";
import { SearchError } from "../../src/stores/search/search-error.js";
import { searchFailure } from "../../src/stores/search/search-failure.js";
import { TableChangedError } from "../../src/stores/cassandra/table-changes.js";
import { plan } from "../support/memory-stores.js";

const FLOOD =
  "index [app-things] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, " +
  "index has read-only-allow-delete block];";

/** What the search side says when it stops a command, as its errors are made. */
const STOPS: readonly [string, string][] = [
  [
    "an overloaded cluster",
    searchFailure(
      new SearchError(
        "transient",
        "overloaded",
        { status: 503, reason: "unavailable" },
        { cause: undefined },
      ),
      "read index app-things",
    ).message,
  ],
  [
    "a write block",
    new IndexBlockedError(plan(), "index [app-things] blocked by: [FORBIDDEN/8/index write (api)];").message,
  ],
  [
    "the flood-stage block",
    new BulkRetriesExhaustedError("Elasticsearch", plan(), 429, 6, 60_000, FLOOD).message,
  ],
  [
    "a busy cluster's bulk",
    new BulkRetriesExhaustedError("Elasticsearch", plan(), 429, 6, 60_000, "rejected").message,
  ],
  [
    "a role that may not write",
    new WriteRefusedError("Elasticsearch", "app-things", "things", 403, "denied").message,
  ],
  [
    "a table changed while it was read",
    new TableChangedError(plan(), "column n was dropped", "read its rows", undefined).message,
  ],
];

/** Each command's stop, with the words its user repeats it with. */
const COMMANDS: readonly [string, string][] = [
  [lettersStop("replay", false), "replay again"],
  [lettersStop("purge", false), "purge again"],
  [verifyStop(true), "verify --repair again"],
  [verifyStop(false), "verify again"],
  [PLAN_STOP, "plan again"],
  [lettersStop("replay", true), "replay --dry-run again"],
  [lettersStop("purge", true), "purge --dry-run again"],
];

function count(text: string, words: string): number {
  return text.toLowerCase().split(words).length - 1;
}

describe("a command stopped by a store", () => {
  it("names the command to repeat once, and never a run", () => {
    for (const [store, said] of STOPS) {
      assert.match(said, /run again/i, store);
      for (const [kept, again] of COMMANDS) {
        const told = inCommandWords(said, kept);
        assert.equal(count(told, again), 1, `${store}, ${again}: ${told}`);
        // "--dry-run again" is a dry run's to repeat, not a run.
        assert.doesNotMatch(told, /(?<!-)\brun again\b|The run stopped|the next run/i, told);
      }
    }
  });

  it("still says what each command leaves", () => {
    const [, said] = STOPS[0] ?? ["", ""];
    assert.match(inCommandWords(said, verifyStop(true)), /what the repair wrote stays/);
    assert.match(inCommandWords(said, lettersStop("replay", false)), /every letter still waits/);
    assert.match(inCommandWords(said, lettersStop("purge", false)), /some letters may be purged already/);
    assert.match(inCommandWords(said, PLAN_STOP), /plan writes nothing/);
  });

  it("gives a stop that says no more what to do the command's own advice", () => {
    const said = "Check that proxy's configuration and logs. The run stopped without moving the checkpoint.";
    for (const [kept, again] of COMMANDS) {
      const told = inCommandWords(said, kept);
      assert.match(told, new RegExp(`It stopped, and ${kept.replace(/[()-]/g, "\\$&")}\\.$`), told);
      assert.ok(count(told, again) <= 1, told);
    }
  });
});
