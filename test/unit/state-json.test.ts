import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunRecord } from "../../src/state/state-store.js";
import { checkpointFromJson, checkpointToJson, runFromJson, runToJson } from "../../src/state/state-json.js";
import { CorruptStateError } from "../../src/state/state-errors.js";

const source = { location: "somewhere.json", remedy: "Delete it." };

const run: RunRecord = {
  runId: "run-1",
  key: "k",
  begin: -5n,
  end: 9_223_372_036_854_775_807n,
  startedAt: new Date("2024-05-01T10:00:00.000Z"),
  finishedAt: new Date("2024-05-01T10:00:01.500Z"),
  durationMs: 1500.25,
  outcome: "partial",
  checkpointAfter: 1_714_557_600_000_001n,
  counts: { written: 3, deadLettered: 1 },
  message: "one record was refused",
};

describe("state JSON", () => {
  it("round-trips a run, keeping 64-bit positions exact and leaving absent fields absent", () => {
    const json = JSON.parse(JSON.stringify(runToJson(run))) as unknown;
    assert.deepEqual(runFromJson(json, source), run);
    assert.equal("checkpointBefore" in runFromJson(json, source), false);
  });

  it("round-trips a checkpoint", () => {
    const checkpoint = { key: "k", position: 1n, updatedAt: new Date(0), runId: "r" };
    assert.deepEqual(checkpointFromJson(checkpointToJson(checkpoint), source), checkpoint);
  });

  it("names the location, the field and the remedy when a record is damaged", () => {
    const good = checkpointToJson({ key: "k", position: 1n, updatedAt: new Date(0), runId: "r" });
    const cases: [unknown, RegExp][] = [
      [null, /expected a JSON object, found null/],
      [[], /expected a JSON object/],
      [{ ...good, position: 12 }, /'position' must be a whole number of microseconds as a string, found 12/],
      [{ ...good, position: "1.5" }, /'position'/],
      [{ ...good, updatedAt: "yesterday" }, /'updatedAt' must be an ISO-8601 time/],
      [{ ...good, runId: undefined }, /'runId' must be a string, found nothing/],
    ];
    for (const [value, reason] of cases) {
      assert.throws(
        () => checkpointFromJson(value, source),
        (error: unknown) => {
          assert.ok(error instanceof CorruptStateError);
          assert.match(error.message, reason);
          assert.match(error.message, /^corrupt state in somewhere\.json: .*\. Delete it\.$/);
          return true;
        },
      );
    }
  });

  it("refuses an unknown outcome and non-numeric counts", () => {
    const json = runToJson(run);
    assert.throws(
      () => runFromJson({ ...json, outcome: "great" }, source),
      /'outcome' must be one of success/,
    );
    assert.throws(() => runFromJson({ ...json, counts: { written: "3" } }, source), /'counts.written'/);
  });
});
