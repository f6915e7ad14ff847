// A run's report for unit tests of what is shown from it (the summary, the log's last line): a run that
// did nothing, with what each test is about given over it.
import type { RunReport } from "../../src/reconcile/run-report.js";

export function runReport(given: Partial<RunReport> = {}): RunReport {
  return {
    runId: "r",
    key: "k",
    begin: 0n,
    end: 1_000_000n,
    beginFrom: "option",
    dryRun: false,
    outcome: "success",
    tables: [],
    skipped: [],
    refused: [],
    addedFields: [],
    createdColumns: [],
    columnsNotCreated: [],
    createdIndices: [],
    mappedIndices: [],
    timestampIndexes: [],
    createdTables: [],
    checkpointBefore: undefined,
    checkpointAfter: undefined,
    deadLettered: 0,
    lettersSettled: 0,
    deadLetterLocation: "/tmp/letters",
    durationMs: 10,
    notices: [],
    ...given,
  };
}
