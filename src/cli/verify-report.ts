// What `synced verify` prints: a table of counts per table and side, the first differing records and
// the first that cannot be read as records, and a last line saying what to do; or the same as JSON.
import { formatMicros } from "../core/micros.js";
import type { VerifyReport } from "../reconcile/verify.js";
import { differences, type BadSample, type SideParity } from "../reconcile/verify-side.js";
import { textTable, type Align } from "./text-table.js";
import { visibleInLine } from "./visible-text.js";

function badJson(bad: BadSample): unknown {
  return {
    ...(bad.id === undefined ? {} : { id: bad.id }),
    ...(bad.documentId === undefined ? {} : { documentId: bad.documentId }),
    reason: bad.reason,
    ...(bad.version === undefined ? {} : { version: formatMicros(bad.version) }),
  };
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
      ...(d.deleted === true ? { deleted: true } : {}),
      ...(d.otherDeleted === true ? { otherDeleted: true } : {}),
    })),
    badRecords: side.badRecords.map(badJson),
  };
}

/**
 * Where a backfill must begin to read again every record verify could not read, on any side: a run
 * dead-letters such a record only as it reads it, so one behind the checkpoint waits for a backfill.
 */
function backfillFrom(report: VerifyReport): bigint | undefined {
  let since: bigint | undefined;
  for (const side of report.sides) {
    if (side.badSince !== undefined && (since === undefined || side.badSince < since)) since = side.badSince;
  }
  return since;
}

export function reportJson(report: VerifyReport, repaired: boolean): unknown {
  const since = backfillFrom(report);
  return {
    range: { begin: formatMicros(report.range.begin), end: formatMicros(report.range.end) },
    outcome: outcome(report, repaired),
    differences: report.differences,
    ...(repaired ? { unresolved: report.unresolved } : {}),
    sides: report.sides.map((side) => sideJson(side, repaired)),
    skipped: report.skipped,
    ...(since === undefined ? {} : { backfillFrom: formatMicros(since) }),
    run: runJson(report),
  };
}

/** What the configuration's next run fixes of the differences, and what it leaves, as counted. */
function runJson(report: VerifyReport): unknown {
  const { fixes, leaves, since, notCopied } = byNextRun(report);
  if (report.window === undefined) return { checkpoint: null, fixes, leaves, notCopied };
  return {
    checkpoint: formatMicros(report.window.checkpoint),
    lookbackFrom: formatMicros(report.window.lookbackFrom),
    fixes,
    leaves,
    notCopied,
    ...(since === undefined ? {} : { backfillFrom: formatMicros(since) }),
  };
}

/**
 * Differences the next run reads (dated at or after its checkpoint minus its look-back, or any, for a
 * table it reads from the earliest version) and those it does not, with the earliest date of these.
 * Bad records have their own advice, and a table on one side only is no record's. A copy newer on the
 * side a one-way configuration does not copy from is no run's to write back (`notCopied`).
 */
function byNextRun(report: VerifyReport): {
  fixes: number;
  leaves: number;
  since?: bigint;
  notCopied: number;
} {
  let fixes = 0;
  let leaves = 0;
  let notCopied = 0;
  let since: bigint | undefined;
  for (const side of report.sides) {
    fixes += differences(side) - side.bad - side.beforeReach - side.notCopied;
    leaves += side.beforeReach;
    notCopied += side.notCopied;
    const at = side.beforeReachSince;
    if (at !== undefined && (since === undefined || at < since)) since = at;
  }
  return { fixes, leaves, notCopied, ...(since === undefined ? {} : { since }) };
}

/** The line for copies newer on the side a one-way configuration only writes to, if any. */
function notCopiedLines(report: VerifyReport, notCopied: number): string[] {
  const side = report.sides.find((s) => s.notCopied > 0);
  if (side === undefined) return [];
  const direction = side.side === "cassandra" ? "to-es" : "to-cassandra";
  const [read, other] = [sideName(report, side.side), sideName(report, side.other)];
  return [
    `${plural(notCopied, "difference")} newer on ${other} than on ${read}: this configuration ` +
      `copies only from ${read} (--direction ${direction}) and a run keeps the newer copy, so no ` +
      "run or repair of it writes them back; where the newer copies are right, a run with --direction " +
      "both copies them, and where they are not, write the record again at its source",
  ];
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

export function reportText(report: VerifyReport, repaired: boolean): string[] {
  const columns = repaired ? [...COLUMNS, ...REPAIR_COLUMNS] : COLUMNS;
  const header = ["table", "read from", ...columns.map((c) => (c === "repairFailed" ? "dead-lettered" : c))];
  const rows = report.sides.map((s) => [
    s.table,
    sideName(report, s.side),
    ...columns.map((c) => String(s[c])),
  ]);
  const lines = [
    `verify [${formatMicros(report.range.begin)}, ${formatMicros(report.range.end)})`,
    textTable([header, ...rows], ["left", "left", ...columns.map((): Align => "right")]),
  ];
  for (const side of report.sides) {
    if (side.differing.length === 0 && side.badRecords.length === 0) continue;
    lines.push(
      "",
      `${side.table}, read from ${sideName(report, side.side)}:`,
      ...differingLines(side, sideName(report, side.other)),
      ...badLines(side),
    );
  }
  const since = backfillFrom(report);
  if (since !== undefined) lines.push(badAdvice(since));
  for (const s of report.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  lines.push(...(repaired ? [repairLine(report)] : verdictLines(report)));
  return lines;
}

/** A side as the text names it: the search side by its product (opensearch), the JSON by its side. */
function sideName(report: VerifyReport, side: SideParity["side"]): string {
  return report.sideNames?.[side] ?? side;
}

function differingLines(side: SideParity, other: string): string[] {
  const lines = side.differing.map((d) => {
    // A delete is marked as synced plan marks it: one the other side lacks is no lost record.
    const version = `${formatMicros(d.version)}${d.deleted === true ? " deleted" : ""}`;
    const versions =
      d.otherVersion === undefined
        ? version
        : `${version} vs ${formatMicros(d.otherVersion)}${d.otherDeleted === true ? " deleted" : ""}`;
    return visibleInLine(`  ${d.id}  ${MEANING[d.difference]} ${other} (${versions})`);
  });
  const more = differences(side) - side.bad - side.differing.length;
  if (more > 0) lines.push(`  ... and ${more} more (--limit shows more)`);
  return lines;
}

/**
 * A document by its `_id`, which is what finds it in the index; a row by its id. "bad", not "cannot be
 * read": some can be, and what is wrong is that the other side cannot hold them, which the reason says.
 */
function badLines(side: SideParity): string[] {
  const lines = side.badRecords.map((b) => {
    const version = b.version === undefined ? "" : ` (${formatMicros(b.version)})`;
    return visibleInLine(`  ${b.documentId ?? b.id ?? "(no id)"}  bad: ${b.reason}${version}`);
  });
  const more = side.bad - side.badRecords.length;
  if (more > 0) lines.push(`  ... and ${more} more bad (--limit shows more)`);
  return lines;
}

function badAdvice(since: bigint): string {
  return (
    "bad: records that cannot be read as records, or that the other side cannot hold (each with its " +
    "reason above); a run dead-letters one only as it reads it, so one " +
    "dated behind the checkpoint is met by no incremental run: a backfill over their dates " +
    `(synced -b ${formatMicros(since)} -e now, with the run's other options) dead-letters them with ` +
    "the reason, which synced dead-letters list then shows; or fix or delete them at the source"
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function verdictLines(report: VerifyReport): string[] {
  if (report.differences === 0) return ["both sides agree"];
  const bad = report.sides.reduce((n, s) => n + s.bad, 0);
  const counted = `${plural(report.differences, "difference")} (each side counts what it read)`;
  if (bad === report.differences) {
    return [
      `${counted}: records that cannot be read as records or held by the other side, which only a person settles (see bad above)`,
    ];
  }
  return [`${counted}; synced verify --repair writes what differs in this range`, ...nextRunLines(report)];
}

/** Which differences the configuration's next run makes agree, and the command for those it never reads. */
function nextRunLines(report: VerifyReport): string[] {
  const { fixes, leaves, since, notCopied } = byNextRun(report);
  const window = report.window;
  if (window === undefined) {
    return [
      "no run of this configuration has saved a checkpoint: its next run reads everything and makes " +
        "the sides agree where tmstmp decides, copying a record found on one side only (a hard delete " +
        "there comes back)",
      ...notCopiedLines(report, notCopied),
    ];
  }
  const from = formatMicros(window.lookbackFrom);
  const lines: string[] = [];
  if (fixes > 0) {
    lines.push(
      `${plural(fixes, "difference")} dated from ${from} on: the next run of this configuration reads ` +
        `them (its checkpoint ${formatMicros(window.checkpoint)} minus --lookback) and makes the sides ` +
        "agree where tmstmp decides, copying a record found on one side only" +
        (report.sides.some((s) => s.missing > 0) ? " (a hard delete there comes back)" : ""),
    );
  }
  if (leaves > 0 && since !== undefined) {
    const range = `-b ${formatMicros(since)} -e ${from}`;
    lines.push(
      `${plural(leaves, "difference")} dated before ${from}: no incremental run reads them (a late ` +
        "record older than the look-back window, such as from a writer whose clock runs behind, or a " +
        `hard delete); a backfill over their dates (synced ${range}, with the run's other options) ` +
        `copies them as a run does, and synced verify --repair --copy-missing ${range} does so without ` +
        "moving the checkpoint; either brings back a hard delete, so leave out --copy-missing where one " +
        "side only may be a delete",
    );
  }
  lines.push(...notCopiedLines(report, notCopied));
  return lines;
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
        "them, unless they are hard deletes), newer copies on the side --direction does not write " +
        "from, unreadable ones, bad ones, and tables on one side only",
    );
  }
  return parts.join("; ");
}
