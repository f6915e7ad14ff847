// `synced verify`: whether both sides hold the same records over a range (by default everything up to
// now minus --lag), per table and side, with the first differing ids. It writes nothing, takes no
// lease and leaves the state alone, so it can run beside the job.
import type { SyncOptions } from "../config/options.js";
import { formatMicros, nowMicros } from "../core/micros.js";
import { resolveRange } from "../reconcile/range.js";
import { verify, type VerifyReport } from "../reconcile/verify.js";
import { differences, type SideParity } from "../reconcile/verify-side.js";
import { withClients } from "./connections.js";
import { EXIT } from "./exit-codes.js";
import { planOptions, recordStores } from "./record-stores.js";
import type { RunContext } from "./run-command.js";
import { textTable, type Align } from "./text-table.js";

export async function verifyCommand(
  options: SyncOptions,
  limit: number,
  context: RunContext,
): Promise<number> {
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
    const report = await verify(
      {
        range: { begin: range.begin, end: range.end },
        direction: options.direction,
        limit,
        plan: planOptions(options),
      },
      {
        ...stores,
        signal: context.signal,
        onSide: (parity) => {
          context.logger.info(`verified ${parity.table} from ${parity.side}`, {
            scanned: parity.scanned,
            differences: differences(parity),
          });
        },
      },
    );
    context.stdout(
      options.json ? JSON.stringify(reportJson(report), null, 2) : reportText(report).join("\n"),
    );
    return report.differences === 0 ? EXIT.success : EXIT.differ;
  });
}

function sideJson(side: SideParity): unknown {
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
    bad: side.bad,
    differing: side.differing.map((d) => ({
      id: d.id,
      difference: d.difference,
      version: formatMicros(d.version),
      ...(d.otherVersion === undefined ? {} : { otherVersion: formatMicros(d.otherVersion) }),
    })),
  };
}

function reportJson(report: VerifyReport): unknown {
  return {
    range: { begin: formatMicros(report.range.begin), end: formatMicros(report.range.end) },
    outcome: report.differences === 0 ? "equal" : "different",
    differences: report.differences,
    sides: report.sides.map(sideJson),
    skipped: report.skipped,
  };
}

const COLUMNS = ["scanned", "equal", "missing", "older", "newer", "tie", "unreadable"] as const;

/** What each difference means, read from `side` and looked up on `other`. */
const MEANING = {
  missing: "not on",
  older: "older on",
  newer: "newer on",
  tie: "same version, other content on",
  unreadable: "unreadable on",
} as const;

function reportText(report: VerifyReport): string[] {
  const header = ["table", "read from", ...COLUMNS];
  const rows = report.sides.map((s) => [s.table, s.side, ...COLUMNS.map((c) => String(s[c]))]);
  const lines = [
    `verify [${formatMicros(report.range.begin)}, ${formatMicros(report.range.end)})`,
    textTable([header, ...rows], ["left", "left", ...COLUMNS.map((): Align => "right")]),
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
  for (const s of report.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  lines.push(
    report.differences === 0
      ? "both sides agree"
      : `${report.differences} difference${report.differences === 1 ? "" : "s"} (each side counts what it read); ` +
          "a run makes the sides agree where tmstmp decides; a record missing on one side may be a hard " +
          "delete, which no run sees",
  );
  return lines;
}
