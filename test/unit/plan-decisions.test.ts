// What synced plan says under its summary: a plan stopped by a signal, or failed on the way, has not
// seen every record, so it cannot say that none would change.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decisionsText } from "../../src/cli/plan-command.js";

describe("the decisions under a plan's summary", () => {
  it("says no record would change only once the plan went through every table", () => {
    assert.deepEqual(decisionsText([], 5, "finished"), [
      "No record would change, and none is newer on its target.",
    ]);
  });

  // Tried as a new user would: Ctrl-C on a plan printed its summary, outcome interrupted, and under it
  // that no record would change.
  it("says a plan that did not finish saw no decision before it ended, not that none would change", () => {
    const text = decisionsText([], 5, "unfinished").join("\n");
    assert.doesNotMatch(text, /No record would change/);
    assert.match(text, /did not finish/);
  });

  // Tried as an operator would: a plan that refused a table (exit 1) said it did not finish and had not
  // read every record, though it went through every other table; it read none of the refused ones.
  it("says a plan that refused a table went through the others, and read none of the refused", () => {
    const text = decisionsText([], 5, "refused").join("\n");
    assert.doesNotMatch(text, /did not finish/);
    assert.match(text, /No record of the tables not refused would change/);
  });
});
