// `synced verify`: whether both sides hold the same records over a range (by default everything up to
// now minus --lag), per table and side, with the first differing ids. It takes no lease and leaves the
// checkpoint alone, so it can run beside the job. Without --repair it writes nothing; with it, each
// differing record is written as a run writes it (decided again, conditionally), which is as safe
// beside the job as a second run of it, and what cannot be written goes to the dead letters.
import type { SyncOptions } from "../config/options.js";
import { UsageError } from "../core/errors.js";
import { formatMicros, nowMicros } from "../core/micros.js";
import { newRunId } from "../core/run-id.js";
import type { DeadLetterStore } from "../deadletter/dead-letter-store.js";
import { RunDeadLetters } from "../deadletter/run-dead-letters.js";
import { ErrorBudget } from "../reconcile/error-budget.js";
import { resolveRange } from "../reconcile/range.js";
import { verify, type VerifyReport } from "../reconcile/verify.js";
import { differences, type RepairSettings, type SideParity } from "../reconcile/verify-side.js";
import { stateKeyFor } from "../state/state-key.js";
import type { VerifyFlags } from "./command-flags.js";
import { withClients } from "./connections.js";
import { EXIT } from "./exit-codes.js";
import { planOptions, recordStores } from "./record-stores.js";
import { openDeadLetters, type RunContext } from "./run-command.js";
import { textTable, type Align } from "./text-table.js";

export async function verifyCommand(
  options: SyncOptions,
  flags: VerifyFlags,
  context: RunContext,
): Promise<number> {
  if (flags.repair && options.dryRun) {
    throw new UsageError(
      "--repair writes what differs, and --dry-run promises to write nothing: give one of them " +
        "(synced verify alone lists the differences without writing).",
      { option: "dry-run" },
    );
  }
  // No checkpoint: parity is a question about everything, unless -b says otherwise.
  const range = resolveRange({
    begin: options.begin,
    end: options.end,
    lagMs: options.lagMs,
    now: nowMicros(),
    allowFutureEnd: options.allowFutureEnd,
  });
  return withClients(options, async (clients) => {
    const stores = await recordStores(options, clients, context);
    const key = stateKeyFor(options);
    const letters: DeadLetterStore | undefined = flags.repair
      ? await openDeadLetters(options, key, clients)
      : undefined;
    const repair: RepairSettings | undefined =
      letters === undefined
        ? undefined
        : {
            copyMissing: flags.copyMissing,
            deadLetters: new RunDeadLetters(letters, key, newRunId()),
            budget: new ErrorBudget(options.maxErrors),
          };
    const report = await verify(
      {
        range: { begin: range.begin, end: range.end },
        direction: options.direction,
        limit: flags.limit,
        plan: planOptions(options),
        ...(repair === undefined ? {} : { repair }),
      },
      {
        ...stores,
        signal: context.signal,
        log: (message, fields) => {
          context.logger.info(message, fields);
        },
        onSide: (parity) => {
          context.logger.info(`verified ${parity.table} from ${parity.side}`, {
            scanned: parity.scanned,
            differences: differences(parity),
            ...(repair === undefined ? {} : { repaired: parity.repaired, repairFailed: parity.repairFailed }),
          });
        },
      },
    ).finally(() => letters?.close());
    const repaired = repair !== undefined;
    if (repaired) context.metrics?.verified(report, new Date());
    context.stdout(
      options.json
        ? JSON.stringify(reportJson(report, repaired), null, 2)
        : reportText(report, repaired).join("\n"),
    );
    return verifyExitCode(report, repaired);
  });
}

/**
 * 0: the sides agree (or a repair settled every difference); 3: a repair stored dead letters;
 * 7: differences remain that only a person can settle (or, without --repair, any difference).
 */
function verifyExitCode(report: VerifyReport, repaired: boolean): number {
  if (repaired && report.sides.some((s) => s.repairFailed > 0)) return EXIT.partial;
  return report.unresolved === 0 ? EXIT.success : EXIT.differ;
}

function sideJson(side: SideParity, repaired: boolean): unknown {
  return {
    table: side.table,
    side: side.side,
    other: side.other,
    scanned: side.scanned,
    equal: side.equal,
    missing: side.missing,
    older: side.older,
    newer: side.newer,
    tie: side.tie,
    unreadable: side.unreadable,
    expired: side.expired,
    bad: side.bad,
    ...(repaired ? { repaired: side.repaired, repairFailed: side.repairFailed } : {}),
    differing: side.differing.map((d) => ({
      id: d.id,
      difference: d.difference,
      version: formatMicros(d.version),
      ...(d.otherVersion === undefined ? {} : { otherVersion: formatMicros(d.otherVersion) }),
    })),
  };
}

function reportJson(report: VerifyReport, repaired: boolean): unknown {
  return {
    range: { begin: formatMicros(report.range.begin), end: formatMicros(report.range.end) },
    outcome: outcome(report, repaired),
    differences: report.differences,
    ...(repaired ? { unresolved: report.unresolved } : {}),
    sides: report.sides.map((side) => sideJson(side, repaired)),
    skipped: report.skipped,
  };
}

function outcome(report: VerifyReport, repaired: boolean): string {
  if (report.differences === 0) return "equal";
  return repaired ? (report.unresolved === 0 ? "repaired" : "partly repaired") : "different";
}

const COLUMNS = [
  "scanned",
  "equal",
  "missing",
  "older",
  "newer",
  "tie",
  "unreadable",
  "expired",
  "bad",
] as const;
const REPAIR_COLUMNS = ["repaired", "repairFailed"] as const;

/** What each difference means, read from `side` and looked up on `other`. */
const MEANING = {
  missing: "not on",
  older: "older on",
  newer: "newer on",
  tie: "same version, other content on",
  unreadable: "unreadable on",
} as const;

function reportText(report: VerifyReport, repaired: boolean): string[] {
  const columns = repaired ? [...COLUMNS, ...REPAIR_COLUMNS] : COLUMNS;
  const header = ["table", "read from", ...columns.map((c) => (c === "repairFailed" ? "dead-lettered" : c))];
  const rows = report.sides.map((s) => [s.table, s.side, ...columns.map((c) => String(s[c]))]);
  const lines = [
    `verify [${formatMicros(report.range.begin)}, ${formatMicros(report.range.end)})`,
    textTable([header, ...rows], ["left", "left", ...columns.map((): Align => "right")]),
  ];
  for (const side of report.sides) {
    if (side.differing.length === 0) continue;
    const more = differences(side) - side.differing.length;
    lines.push("", `${side.table}, read from ${side.side}:`);
    for (const d of side.differing) {
      const versions =
        d.otherVersion === undefined
          ? formatMicros(d.version)
          : `${formatMicros(d.version)} vs ${formatMicros(d.otherVersion)}`;
      lines.push(`  ${d.id}  ${MEANING[d.difference]} ${side.other} (${versions})`);
    }
    if (more > 0) lines.push(`  ... and ${more} more (--limit shows more)`);
  }
  if (report.sides.some((side) => side.bad > 0)) {
    lines.push(
      "bad: documents or rows that cannot be read as records; a run dead-letters them, and " +
        "synced dead-letters list shows them",
    );
  }
  for (const s of report.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  lines.push(repaired ? repairLine(report) : verdictLine(report));
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function verdictLine(report: VerifyReport): string {
  if (report.differences === 0) return "both sides agree";
  return (
    `${plural(report.differences, "difference")} (each side counts what it read); ` +
    "a run makes the sides agree where tmstmp decides, and synced verify --repair writes what differs " +
    "in this range; a record missing on one side may be a hard delete, which no run sees"
  );
}

function repairLine(report: VerifyReport): string {
  if (report.differences === 0) return "both sides agree; nothing to repair";
  const written = report.sides.reduce((n, s) => n + s.repaired, 0);
  const failed = report.sides.reduce((n, s) => n + s.repairFailed, 0);
  const parts = [`${plural(report.differences, "difference")} found, ${plural(written, "record")} written`];
  if (failed > 0)
    parts.push(`${plural(failed, "record")} dead-lettered (synced dead-letters list shows them)`);
  if (report.unresolved > 0) {
    parts.push(
      `${plural(report.unresolved, "difference")} left: records on one side only (--copy-missing copies ` +
        "them, unless they are hard deletes), unreadable ones, and tables on one side only",
    );
  }
  return parts.join("; ");
}
