// What synced plan says under its summary: a plan stopped by a signal, or failed on the way, has not
// seen every record, so it cannot say that none would change.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decisionsText } from "../../src/cli/plan-command.js";

describe("the decisions under a plan's summary", () => {
  it("says no record would change only once the plan went through every table", () => {
    assert.deepEqual(decisionsText([], 5, true), [
      "No record would change, and none is newer on its target.",
    ]);
  });

  // Tried as a new user would: Ctrl-C on a plan printed its summary, outcome interrupted, and under it
  // that no record would change.
  it("says a plan that did not finish saw no decision before it ended, not that none would change", () => {
    const text = decisionsText([], 5, false).join("\n");
    assert.doesNotMatch(text, /No record would change/);
    assert.match(text, /did not finish/);
  });
});
