// The last log line of a run: one line a log collector can count and alert on, where the summary on
// stdout is for people and for `--json` readers. The real runs are in integration/bad-input.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runEndLine } from "../../src/cli/run-end-line.js";
import { renderSummary, summaryJson } from "../../src/cli/summary.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { CircuitOpenError } from "../../src/reconcile/run-errors.js";
import { emptyStats } from "../../src/reconcile/stats.js";
import { runReport } from "../support/run-report.js";

const report = runReport({
  runId: "01a2",
  key: "app.app",
  beginFrom: "checkpoint",
  tables: [
    { ...emptyStats("users", "to-es"), scanned: 12, written: 5 },
    { ...emptyStats("users", "to-cassandra"), scanned: 4, written: 2 },
  ],
  checkpointBefore: 0n,
  checkpointAfter: 1_000_000n,
  durationMs: 1234.5,
});

describe("the line that ends a run's log", () => {
  it("says a run finished, with what it did, at info level", () => {
    const line = runEndLine(report, EXIT.success);
    assert.deepEqual(line, {
      level: "info",
      message: "run finished: success, 7 written, 0 dead-lettered",
      fields: {
        runId: "01a2",
        key: "app.app",
        outcome: "success",
        exitCode: 0,
        written: 7,
        deadLettered: 0,
        durationMs: 1235,
        checkpoint: "1970-01-01T00:00:01.000000Z",
      },
    });
  });

  it("counts the dead letters that wait, and says a dry run wrote nothing", () => {
    const partial = runEndLine({ ...report, outcome: "partial", deadLettered: 2, deadLettersWaiting: 3 }, 3);
    assert.ok(partial);
    assert.equal(partial.level, "info");
    assert.equal(
      partial.message,
      "run finished: partial, 7 written, 2 dead-lettered, 3 dead letters waiting",
    );
    assert.equal(partial.fields["deadLettersWaiting"], 3);
    const dry = runEndLine({ ...report, dryRun: true, checkpointAfter: 0n }, EXIT.success);
    assert.equal(dry?.message, "dry run finished: success, 7 would be written, 0 dead-lettered");
  });

  it("makes a failed run an error line with its reason, so --quiet keeps it and alerts can count it", () => {
    const error = new CircuitOpenError(2, "users", "to-es");
    const line = runEndLine({ ...report, outcome: "failed", checkpointAfter: 0n, error }, EXIT.circuitOpen);
    assert.ok(line);
    assert.equal(line.level, "error");
    assert.equal(line.message, `run failed: ${error.message}`);
    assert.equal(line.fields["exitCode"], EXIT.circuitOpen);
    assert.equal(line.fields["outcome"], "failed");
    assert.equal(line.fields["checkpoint"], "1970-01-01T00:00:00.000000Z");
  });

  it("says a failed run left its lease held, and until when, where the state store did not take the release", () => {
    const error = new CircuitOpenError(2, "users", "to-es");
    const expiresAt = new Date("2026-01-01T00:01:00.000Z");
    const leaseLeft = { expiresAt, reason: "connect ECONNREFUSED 127.0.0.1:9200", ranOut: false };
    const line = runEndLine({ ...report, outcome: "failed", error, leaseLeft }, EXIT.circuitOpen);
    assert.ok(line);
    assert.equal(line.level, "error");
    assert.match(
      line.message,
      /\. The lease could not be released and runs out at 2026-01-01T00:01:00\.000Z: until then a run of this configuration on another host or in another container is refused with exit 4/,
    );
    // A sentence ended is followed by another, not by a clause after its full stop.
    assert.doesNotMatch(line.message, /\.;/);
    assert.equal(line.fields["leaseExpiresAt"], "2026-01-01T00:01:00.000Z");
    const summary = renderSummary({ ...report, outcome: "failed", error, leaseLeft });
    assert.match(
      summary,
      /^lease: the lease could not be released and runs out at 2026-01-01T00:01:00\.000Z/m,
    );
    assert.deepEqual(summaryJson({ ...report, outcome: "failed", error, leaseLeft })["lease"], {
      released: false,
      expiresAt: "2026-01-01T00:01:00.000Z",
      ranOut: false,
      reason: "connect ECONNREFUSED 127.0.0.1:9200",
    });
    assert.doesNotMatch(renderSummary({ ...report, outcome: "failed", error }), /^lease:/m);
  });

  it("says a lease left by a failed release has run out where its end had passed as the release failed", () => {
    const error = new CircuitOpenError(2, "users", "to-es");
    const leaseLeft = { expiresAt: new Date("2026-01-01T00:01:00.000Z"), reason: "timed out", ranOut: true };
    const line = runEndLine({ ...report, outcome: "failed", error, leaseLeft }, EXIT.circuitOpen);
    assert.ok(line);
    assert.match(
      line.message,
      /\. The lease could not be released and ran out at 2026-01-01T00:01:00\.000Z: the next run of this configuration takes it at once\. The release failed: timed out$/,
    );
    const summary = renderSummary({ ...report, outcome: "failed", error, leaseLeft });
    assert.match(
      summary,
      /^lease: the lease could not be released and ran out at 2026-01-01T00:01:00\.000Z: the next run/m,
    );
    assert.doesNotMatch(summary, /until then/);
    assert.deepEqual(summaryJson({ ...report, outcome: "failed", error, leaseLeft })["lease"], {
      released: false,
      expiresAt: "2026-01-01T00:01:00.000Z",
      ranOut: true,
      reason: "timed out",
    });
  });

  it("says a run stopped by a signal kept its checkpoint, at info level", () => {
    const line = runEndLine({ ...report, outcome: "interrupted", checkpointAfter: 0n }, EXIT.interrupted);
    assert.ok(line);
    assert.equal(line.level, "info");
    assert.equal(line.message, "run stopped by a signal: 7 written; the checkpoint did not move");
  });

  it("says a dry run (and so a plan) stopped by a signal wrote nothing and left the checkpoint alone", () => {
    const stopped = { ...report, dryRun: true, outcome: "interrupted" as const, checkpointAfter: 0n };
    const line = runEndLine(stopped, EXIT.interrupted);
    assert.ok(line);
    assert.equal(line.level, "info");
    assert.equal(
      line.message,
      "dry run stopped by a signal: 7 would be written; a dry run writes nothing and leaves the checkpoint alone",
    );
    assert.doesNotMatch(line.message, /did not move/);
  });

  it("leaves a bug to its own report, which is the run's one error line", () => {
    const line = runEndLine({ ...report, outcome: "failed", error: new TypeError("x is undefined") }, 1);
    assert.equal(line, undefined);
  });
});
