// The summary's outcome line agrees with the exit code: a run that succeeded while dead letters of
// earlier runs wait exits 3, and says so beside its own outcome.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderSummary, summaryJson } from "../../src/cli/summary.js";
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

  // Tried as an operator would: a dry run whose every table was refused said "no table was synced",
  // a run's words, where a dry run syncs none and reads them.
  it("says that a dry run read no table, and that a run synced none", () => {
    const refused = [{ name: "notes", reason: "a template would spoil its index" }];
    const dry = renderSummary(runReport({ dryRun: true, outcome: "failed", refused })).split("\n");
    assert.ok(dry.includes("no table was read (a dry run writes nothing)"), dry.join("\n"));
    assert.ok(!dry.some((l) => l.endsWith("synced")), dry.join("\n"));
    const run = renderSummary(runReport({ outcome: "failed", refused })).split("\n");
    assert.ok(run.includes("no table was synced"), run.join("\n"));
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

// Tried as an operator of a keyspace of 150 tables would: 300 rows of zeros, among which the tables
// that wrote or dead-lettered were hard to find.
describe("the summary of a run over many tables", () => {
  const quiet = (n: number) =>
    (["to-es", "to-cassandra"] as const).map((d) => emptyStats(`t${String(n).padStart(3, "0")}`, d));
  const many = [...Array.from({ length: 30 }, (_, n) => quiet(n)).flat()];
  const busy = { ...emptyStats("t007", "to-es"), scanned: 5, written: 5 };

  it("names the tables that read nothing on one line, and keeps a row for those that did", () => {
    const tables = many.map((s) => (s.table === "t007" && s.direction === "to-es" ? busy : s));
    const text = renderSummary(runReport({ tables }));
    const rows = text.split("\n").filter((l) => /^t\d{3} /.test(l));
    assert.deepEqual(
      rows.map((l) => l.split(/ +/).slice(0, 4).join(" ")),
      ["t007 to-es 5 5"],
    );
    const nothing = text.split("\n").filter((l) => l.startsWith("nothing read: "));
    assert.equal(nothing.length, 1);
    assert.match(
      nothing[0] ?? "",
      /^nothing read: t000, t001, .*t029 \(both directions\); t007 \(to-cassandra\)$/,
    );
    assert.doesNotMatch(nothing[0] ?? "", /t007,/);
  });

  it("keeps every row of a run over few tables, and every row in --json", () => {
    const few = many.slice(0, 6);
    const rows = renderSummary(runReport({ tables: few }))
      .split("\n")
      .filter((l) => /^t\d{3} /.test(l));
    assert.equal(rows.length, 6);
    assert.equal((summaryJson(runReport({ tables: many }))["tables"] as unknown[]).length, 60);
  });
});
