// The last log line of a run: its outcome, exit code and counts in one line, for whoever reads the
// logs rather than the summary on stdout (a CronJob's log collector, an alert on error lines, a
// multi-line `--json` summary that a line-based collector cannot parse). A failed run's line is an
// error with the reason, so `--quiet`, which keeps errors only, keeps it too.
import { formatMicros } from "../core/micros.js";
import { followedBy, leaseEndWords } from "../reconcile/lease-end.js";
import { totals } from "../reconcile/run-report.js";
import type { ShownReport } from "./summary.js";
import { runStop } from "./stop-words.js";
import { isBug } from "./unexpected-error.js";

export interface RunEndLine {
  readonly level: "info" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** The line, or undefined for a bug, whose report (with its stack) is then the run's error line. */
export function runEndLine(report: ShownReport, exitCode: number): RunEndLine | undefined {
  if (report.error !== undefined && isBug(report.error)) return undefined;
  const written = totals(report.tables)["written"] ?? 0;
  const waiting = report.deadLettersWaiting;
  const fields = {
    runId: report.runId,
    key: report.key,
    outcome: report.outcome,
    exitCode,
    written,
    deadLettered: report.deadLettered,
    ...(report.lettersSettled === 0 ? {} : { deadLettersSettled: report.lettersSettled }),
    ...(waiting === undefined ? {} : { deadLettersWaiting: waiting }),
    durationMs: Math.round(report.durationMs),
    checkpoint: report.checkpointAfter === undefined ? null : formatMicros(report.checkpointAfter),
    ...(report.leaseLeft === undefined ? {} : { leaseExpiresAt: report.leaseLeft.expiresAt.toISOString() }),
  };
  const left = leaseLeftWords(report);
  const withLease = (text: string): string => (left === undefined ? text : followedBy(text, left));
  const run = report.dryRun ? "dry run" : "run";
  const wrote = `${written} ${report.dryRun ? "would be written" : "written"}`;
  if (report.outcome === "failed") {
    const why = report.error?.message ?? "the summary says why";
    return { level: "error", message: withLease(`${run} failed: ${why}`), fields };
  }
  if (report.outcome === "interrupted") {
    return {
      level: "info",
      message: `${run} stopped by a signal: ${wrote}; ${runStop(report.dryRun)}`,
      fields,
    };
  }
  const letters = waiting === undefined || waiting === 0 ? "" : `, ${waiting} dead letters waiting`;
  return {
    level: "info",
    message: withLease(
      `${run} finished: ${report.outcome}, ${wrote}, ${report.deadLettered} dead-lettered${letters}`,
    ),
    fields,
  };
}

/**
 * A lease the state store did not take back, as a clause: the next run elsewhere waits for it, so the
 * line that ends the run says so. A stop by a signal says it in its own error already.
 */
export function leaseLeftWords(report: ShownReport): string | undefined {
  const left = report.leaseLeft;
  if (left === undefined || report.outcome === "interrupted") return undefined;
  return leaseEndWords({ released: false, ...left });
}
