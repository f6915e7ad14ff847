// The end-of-run summary: a table for people, the same data as JSON for machines.
import { shardOfKey } from "../state/state-key.js";
import { LATE_LINES_PER_TABLE } from "./late-log.js";
import { formatMicros } from "../core/micros.js";
import type { RunReport } from "../reconcile/run-report.js";
import { totals } from "../reconcile/run-report.js";
import { readPerInRange } from "../reconcile/read-ratio.js";
import { skippedCount, type TableStats } from "../reconcile/stats.js";
import { tablesByDirection } from "./covered-tables.js";
import { recordName } from "./letter-name.js";
import { lettersElsewhereLines, type LettersElsewhere } from "./sharded-letters.js";
import { leaseLeftWords } from "./run-end-line.js";
import { textTable, type Align } from "./text-table.js";
import { visibleInLine } from "./visible-text.js";

function rate(stats: TableStats): number {
  return stats.durationMs > 0 ? Math.round((stats.scanned * 1000) / stats.durationMs) : 0;
}

function why(stats: TableStats): string {
  const parts: string[] = [];
  if (stats.unchanged > 0) parts.push(`${stats.unchanged} unchanged`);
  if (stats.targetNewer > 0) parts.push(`${stats.targetNewer} older than target`);
  if (stats.tieLost > 0) parts.push(`${stats.tieLost} lost tie`);
  if (stats.expired > 0) parts.push(`${stats.expired} expired`);
  return parts.join(", ");
}

/**
 * From how many rows the table leaves out those of tables that read nothing, named on one line
 * instead: a keyspace of 150 tables, most of them quiet, made 300 rows of zeros, among which the
 * few that wrote or dead-lettered were hard to find. `--json` keeps every row.
 */
const FOLD_FROM = 20;

function readNothing(s: TableStats): boolean {
  return (
    s.scanned === 0 &&
    s.written === 0 &&
    skippedCount(s) === 0 &&
    s.conflicts === 0 &&
    s.deadLettered === 0 &&
    s.late === 0
  );
}

/** Table and direction, the counts, then the reasons for skipping. */
const SUMMARY_ALIGN: readonly Align[] = ["left", "left", ...Array<Align>(6).fill("right"), "left"];

/** The run's report, with the dead letters of the configuration that wait after it, where counted. */
export type ShownReport = RunReport & {
  readonly deadLettersWaiting?: number;
  /** Letters waiting under this configuration's keys of other shard counts. */
  readonly lettersElsewhere?: readonly LettersElsewhere[];
};

export function renderSummary(report: ShownReport): string {
  const lines: string[] = [];
  const dry = report.dryRun ? " (dry run: nothing was written)" : "";
  lines.push(`synced run ${report.runId}, state key ${report.key}${dry}`);
  const window =
    report.lookbackFrom === undefined
      ? ""
      : `, read again from ${formatMicros(report.lookbackFrom)} for late records`;
  lines.push(
    `range [${formatMicros(report.begin)}, ${formatMicros(report.end)}) (begin from ${report.beginFrom}${window})`,
  );
  const header = [
    "table",
    "direction",
    "scanned",
    report.dryRun ? "would write" : "written",
    "skipped",
    "conflicts",
    "dead-lettered",
    "late",
    "rate/s",
    "skipped because",
  ];
  const folded = report.tables.length > FOLD_FROM ? report.tables.filter(readNothing) : [];
  const shown = folded.length === 0 ? report.tables : report.tables.filter((s) => !readNothing(s));
  const rows = shown.map((s) => [
    s.table,
    s.direction,
    String(s.scanned),
    String(s.written),
    String(skippedCount(s)),
    String(s.conflicts),
    String(s.deadLettered),
    String(s.late),
    String(rate(s)),
    why(s),
  ]);
  if (rows.length > 0) lines.push("", textTable([header, ...rows], SUMMARY_ALIGN));
  // A dry run syncs no table in any case: what is true of it is that it read none.
  else if (folded.length === 0)
    lines.push("", report.dryRun ? "no table was read (a dry run writes nothing)" : "no table was synced");
  if (folded.length > 0) {
    if (rows.length === 0) lines.push("");
    lines.push(`nothing read: ${tablesByDirection(folded.map((s) => [s.table, s.direction] as const))}`);
  }
  const late = report.tables.reduce((n, s) => n + s.late, 0);
  if (late > 0) lines.push(lateLine(late));
  for (const s of report.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  for (const s of report.refused) lines.push(`refused ${s.name}: ${s.reason}`);
  lines.push(...schemaLines(report));
  if (report.createdIndices.length > 0) lines.push(`created indices: ${report.createdIndices.join(", ")}`);
  if (report.mappedIndices.length > 0)
    lines.push(`mapped indices made ahead: ${report.mappedIndices.join(", ")}`);
  if (report.timestampIndexes.length > 0)
    lines.push(`created timestamp indexes: ${report.timestampIndexes.join(", ")}`);
  if (report.createdTables.length > 0) lines.push(`created tables: ${report.createdTables.join(", ")}`);
  const before = report.checkpointBefore === undefined ? "none" : formatMicros(report.checkpointBefore);
  const after = report.checkpointAfter === undefined ? "none" : formatMicros(report.checkpointAfter);
  const unmoved = report.checkpointUnmoved === undefined ? "" : `: ${report.checkpointUnmoved}`;
  lines.push(
    before === after ? `checkpoint: ${after} (unchanged${unmoved})` : `checkpoint: ${before} -> ${after}`,
  );
  lines.push(...deadLetterLines(report), ...lettersElsewhereLines(report.lettersElsewhere ?? []));
  for (const notice of report.notices) lines.push(`note: ${notice}`);
  const t = totals(report.tables);
  // A dry run writes nothing and stores no letter: its counts are what a real run would do.
  const [written, lettered] = report.dryRun
    ? ["would be written", "would be dead-lettered"]
    : ["written", "dead-lettered"];
  lines.push(
    `outcome: ${report.outcome}${earlierLetters(report)}, ${t["written"] ?? 0} ${written}, ${report.deadLettered} ${lettered}, ` +
      `in ${(report.durationMs / 1000).toFixed(1)}s`,
  );
  if (report.error) lines.push(`error: ${report.error.message}`);
  const lease = leaseLeftWords(report);
  if (lease !== undefined) lines.push(`lease: ${lease}`);
  return lines.join("\n");
}

/**
 * A run that succeeded while letters of earlier runs wait exits 3 (exitCodeForOutcome): said beside its
 * outcome, which is its own (success: it stored none), so the line and the exit code agree.
 */
function earlierLetters(report: ShownReport): string {
  const waiting = report.deadLettersWaiting ?? 0;
  if (report.outcome !== "success" || waiting === 0) return "";
  return ` (exit 3: ${waiting} dead letter${waiting === 1 ? "" : "s"} of earlier runs wait)`;
}

/** The late column says what the run knows: an absent copy may never have arrived, or have been removed. */
function lateLine(late: number): string {
  return (
    `late: ${late} record${late === 1 ? "" : "s"} dated before the checkpoint a run had passed and ` +
    "absent or older on the target: they arrived late, or their copies were removed (by hand, or with " +
    `an index deleted); the log names the first ${LATE_LINES_PER_TABLE} of each table`
  );
}

/** What the run changed in the schemas, and the document fields no column holds. */
function schemaLines(report: ShownReport): string[] {
  const lines: string[] = [];
  for (const s of report.tables) {
    const fields = Object.entries(s.unmappedFields).sort(([a], [b]) => (a < b ? -1 : 1));
    if (fields.length === 0) continue;
    lines.push(
      `${s.table} ${s.direction}: fields without a column: ${fields.map(([f, n]) => `${f} (${n})`).join(", ")}; ` +
        "their documents wait in the dead letters until the columns exist",
    );
  }
  if (report.addedFields.length > 0) {
    const each = report.addedFields.map((a) => `${a.table}.${a.field} (${a.type}, index ${a.index})`);
    lines.push(`mapped the fields of columns their index lacked: ${each.join(", ")}`);
  }
  if (report.createdColumns.length > 0) {
    const each = report.createdColumns.map((c) => `${c.table}.${c.column} ${c.type}`);
    lines.push(`created columns: ${each.join(", ")}`);
  }
  for (const c of report.columnsNotCreated) lines.push(`no column for ${c.table}.${c.field}: ${c.reason}`);
  return lines;
}

function deadLetterLines(report: ShownReport): string[] {
  const waiting = report.deadLettersWaiting;
  if (report.deadLettered === 0 && report.lettersSettled === 0 && (waiting ?? 0) === 0) return [];
  const settled = report.lettersSettled > 0 ? `, ${report.lettersSettled} settled` : "";
  const all = `${settled}${waiting === undefined ? "" : `, ${waiting} waiting`}`;
  // A shard's letters are under its own key: without its --shard, list shows none of them.
  const shard = shardOfKey(report.key);
  const flag = shard === undefined ? "" : ` --shard ${shard}`;
  const see =
    `see them with synced dead-letters list${flag}, replay them once fixed with synced dead-letters ` +
    `replay${flag}`;
  if (!report.dryRun)
    return [
      `dead letters: ${report.deadLettered} put by this run${all} in ${report.deadLetterLocation}; ${see}`,
    ];
  const sample = report.wouldDeadLetter ?? [];
  return [
    `dead letters: ${report.deadLettered} would be put by a real run (a dry run stores none)${all} in ` +
      `${report.deadLetterLocation}${(waiting ?? 0) > 0 ? `; ${see}` : ""}`,
    ...sample.map((l) =>
      visibleInLine(
        `  would dead-letter ${l.table} ${l.direction} ${recordName(l.id, l.readFrom)}: ${l.reason}`,
      ),
    ),
    ...(report.deadLettered > sample.length ? [`  and ${report.deadLettered - sample.length} more`] : []),
  ];
}

export function summaryJson(report: ShownReport): Record<string, unknown> {
  return {
    runId: report.runId,
    key: report.key,
    range: {
      begin: formatMicros(report.begin),
      end: formatMicros(report.end),
      beginFrom: report.beginFrom,
      ...(report.lookbackFrom === undefined ? {} : { lookbackFrom: formatMicros(report.lookbackFrom) }),
    },
    dryRun: report.dryRun,
    outcome: report.outcome,
    tables: report.tables.map((s) => ({
      ...s,
      skipped: skippedCount(s),
      ratePerSecond: rate(s),
      ...(s.read === undefined ? {} : { readPerInRange: readPerInRange(s) ?? null }),
    })),
    skipped: report.skipped,
    refused: report.refused,
    addedFields: report.addedFields,
    createdColumns: report.createdColumns,
    columnsNotCreated: report.columnsNotCreated,
    createdIndices: report.createdIndices,
    mappedIndices: report.mappedIndices,
    timestampIndexes: report.timestampIndexes,
    createdTables: report.createdTables,
    checkpoint: {
      before: report.checkpointBefore === undefined ? null : formatMicros(report.checkpointBefore),
      after: report.checkpointAfter === undefined ? null : formatMicros(report.checkpointAfter),
      ...(report.checkpointUnmoved === undefined ? {} : { unmoved: report.checkpointUnmoved }),
    },
    totals: totals(report.tables),
    deadLetters: {
      count: report.deadLettered,
      settled: report.lettersSettled,
      waiting: report.deadLettersWaiting ?? null,
      location: report.deadLetterLocation,
      ...(report.wouldDeadLetter === undefined ? {} : { wouldPut: report.wouldDeadLetter }),
      ...(report.lettersElsewhere === undefined ? {} : { elsewhere: report.lettersElsewhere }),
    },
    notices: report.notices,
    durationMs: Math.round(report.durationMs),
    ...(report.error ? { error: { name: report.error.name, message: report.error.message } } : {}),
    ...(report.leaseLeft === undefined
      ? {}
      : {
          lease: {
            released: false,
            expiresAt: report.leaseLeft.expiresAt.toISOString(),
            ranOut: report.leaseLeft.ranOut,
            reason: report.leaseLeft.reason,
          },
        }),
  };
}
