// The summary's outcome line agrees with the exit code: a run that succeeded while dead letters of
// earlier runs wait exits 3, and says so beside its own outcome.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderSummary } from "../../src/cli/summary.js";
import { exitCodeForOutcome, EXIT } from "../../src/cli/exit-codes.js";
import { emptyStats } from "../../src/reconcile/stats.js";
import { runReport } from "../support/run-report.js";

const outcomeLine = (text: string): string => text.split("\n").find((l) => l.startsWith("outcome: ")) ?? "";

describe("the summary's outcome line", () => {
  it("names exit 3 and the letters of earlier runs beside a successful run's outcome", () => {
    const report = { ...runReport({ outcome: "success" }), deadLettersWaiting: 4 };
    assert.equal(exitCodeForOutcome("success", undefined, 4), EXIT.partial);
    assert.match(
      outcomeLine(renderSummary(report)),
      /^outcome: success \(exit 3: 4 dead letters of earlier runs wait\), /,
    );
  });

  it("says nothing more where none wait", () => {
    const report = { ...runReport({ outcome: "success" }), deadLettersWaiting: 0 };
    assert.match(outcomeLine(renderSummary(report)), /^outcome: success, /);
  });

  it("says what a late record is known to be", () => {
    const report = runReport({ tables: [{ ...emptyStats("events", "to-es"), late: 3 }] });
    const late = renderSummary(report)
      .split("\n")
      .filter((l) => l.startsWith("late: "));
    assert.equal(late.length, 1);
    assert.match(
      late[0] ?? "",
      /3 records .*absent or older on the target: they arrived late, or their copies were removed/,
    );
  });
});
