// A record without a usable id (a document whose key fields give none) is known by the `_id` of the
// document it was read from, the same way wherever a letter of it is shown: plan and a dry run showed
// `(no id)` for what `dead-letters list` shows as `_id 7`, so an operator could not match them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recordName } from "../../src/cli/letter-name.js";
import { renderSummary } from "../../src/cli/summary.js";
import { DryRunDeadLetters } from "../../src/deadletter/dry-run-dead-letters.js";
import { runReport } from "../support/run-report.js";

async function wouldDeadLetterLine(record: unknown): Promise<string> {
  const sink = new DryRunDeadLetters("file ./state/dead-letters");
  await sink.put({
    table: "things",
    direction: "to-cassandra",
    from: "elasticsearch",
    id: undefined,
    reason: "the document has no id field",
    record,
  });
  const report = runReport({ key: "app.app", deadLettered: 1, outcome: "partial" });
  const text = renderSummary({ ...report, dryRun: true, wouldDeadLetter: sink.wouldPut });
  return text.split("\n").find((l) => l.includes("would dead-letter")) ?? "";
}

describe("a record without an id", () => {
  it("is named by the _id it was read from in plan, as dead-letters list names it", async () => {
    assert.equal(recordName(undefined, "7"), "_id 7");
    assert.match(await wouldDeadLetterLine({ _id: "7", tmstmp: "2026-01-01T00:00:00Z" }), / _id 7: /);
  });

  it("is named alike where no _id was kept either", async () => {
    assert.equal(recordName(undefined, undefined), "(no id)");
    assert.match(await wouldDeadLetterLine("not a document"), / \(no id\): /);
  });

  it("is named by its id where it has one", () => {
    assert.equal(recordName("a1", "b2"), "a1");
  });
});
