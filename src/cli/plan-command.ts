// `synced plan`: what a run would do, without doing it. A dry run of the configuration (the same
// range, lease and decisions, nothing written, the checkpoint left alone), its summary, and a sample
// of the decisions per table, direction and reason, each with both sides' copies side by side.
import type { SyncOptions } from "../config/options.js";
import { stableStringify } from "../core/canonical-json.js";
import type { JsonValue } from "../core/json-value.js";
import { formatMicros } from "../core/micros.js";
import type { SyncRecord } from "../core/record.js";
import { NumberLiteral } from "../core/number-literal.js";
import { TablesRefusedError } from "../reconcile/run-errors.js";
import type { DecidedRecord } from "../reconcile/sync-table.js";
import { EXIT } from "./exit-codes.js";
import { runCommand, type RunContext } from "./run-command.js";
import { inCommandWords, loggerInCommandWords, PLAN_STOP } from "./stop-words.js";
import { visibleInLine } from "./visible-text.js";

export async function planCommand(
  options: SyncOptions,
  sample: number,
  context: RunContext,
): Promise<number> {
  const kept = new Map<string, DecidedRecord[]>();
  let output = "";
  let failure: Error | undefined;
  // The run's messages say to run again where the user repeats the plan.
  const code = await runCommand(
    { ...options, dryRun: true },
    {
      ...context,
      logger: loggerInCommandWords(context.logger, PLAN_STOP),
      stdout: (text) => {
        output += inCommandWords(text, PLAN_STOP);
      },
      onDecision: (decided) => {
        // What the target already holds equal is the bulk of a rerun and says nothing: counted only.
        if (decided.decision.reason === "unchanged") return;
        const group = `${decided.table} ${decided.direction} ${decided.decision.reason}`;
        const list = kept.get(group) ?? [];
        if (list.length < sample) list.push(decided);
        kept.set(group, list);
      },
      onReport: (report) => {
        failure = report.error;
      },
    },
  );
  const shown = [...kept.values()].flat();
  const end: PlanEnd =
    code === EXIT.success || code === EXIT.partial
      ? "finished"
      : failure instanceof TablesRefusedError
        ? "refused"
        : "unfinished";
  if (options.json) {
    const summary = JSON.parse(output) as Record<string, unknown>;
    context.stdout(JSON.stringify({ ...summary, decisions: shown.map(decisionJson) }, null, 2));
  } else {
    context.stdout([output, "", ...decisionsText(shown, sample, end)].join("\n"));
  }
  return code;
}

const SIDES = {
  "to-es": ["cassandra", "elasticsearch"],
  "to-cassandra": ["elasticsearch", "cassandra"],
} as const;

const BECAUSE = {
  absent: "the target has no such record",
  newer: "the source is newer",
  "tie-break": "same version, other content: the source wins the tie",
  "target-newer": "the target is newer",
  "tie-lost": "same version, other content: the target wins the tie",
  unchanged: "both are equal",
  expired:
    "the target's rows expire (default_time_to_live, or the table's ttl setting), and a row of this " +
    "version would have expired already",
} as const;

function copyJson(side: string, record: SyncRecord | undefined): unknown {
  if (record === undefined) return { side, present: false };
  return {
    side,
    present: true,
    version: formatMicros(record.version),
    deleted: record.deleted,
    content: plain(record.content),
  };
}

/** JSON for --json: a big integer (or a number no double holds) becomes its digits as a string, so no digit is lost. */
function plain(value: JsonValue): unknown {
  if (typeof value === "bigint" || value instanceof NumberLiteral) return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function decisionJson(decided: DecidedRecord): unknown {
  const [from, to] = SIDES[decided.direction];
  return {
    table: decided.table,
    direction: decided.direction,
    id: decided.record.id,
    action: decided.decision.action,
    reason: decided.decision.reason,
    source: copyJson(from, decided.record),
    target: copyJson(to, decided.current),
  };
}

function copyText(record: SyncRecord | undefined): string {
  if (record === undefined) return "(none)";
  return `${formatMicros(record.version)}${record.deleted ? " deleted" : ""} ${stableStringify(record.content)}`;
}

/**
 * How far a plan went: through every table (exit 0 or 3), through every table but those it refused
 * (exit 1, none of theirs read), or not to the end (stopped, or failed on the way).
 */
export type PlanEnd = "finished" | "refused" | "unfinished";

export function decisionsText(shown: readonly DecidedRecord[], sample: number, end: PlanEnd): string[] {
  // With --sample 0 nothing is shown, whatever would change: the table above says what would.
  if (sample === 0) return [];
  const unfinished = "The plan did not finish (its error above says why), so it has not read every record";
  if (shown.length === 0)
    return end === "finished"
      ? ["No record would change, and none is newer on its target."]
      : end === "refused"
        ? ["No record of the tables not refused would change, and none is newer on its target."]
        : [
            `${unfinished}: none of those it read before it ended would change. Run it again to see the rest.`,
          ];
  const lines = [
    ...(end === "unfinished"
      ? [`${unfinished}; the decisions below are those it made before it ended.`, ""]
      : []),
    `Sample of the decisions (up to ${sample} per table, direction and reason):`,
  ];
  for (const decided of shown) {
    const [from, to] = SIDES[decided.direction];
    const width = Math.max(from.length, to.length);
    const verb = decided.decision.action === "write" ? "would write" : "would skip";
    lines.push(
      "",
      visibleInLine(
        `${decided.table} ${decided.direction} ${decided.record.id}: ${verb}, ${BECAUSE[decided.decision.reason]}`,
      ),
      visibleInLine(`  ${from.padEnd(width)}  ${copyText(decided.record)}`),
      visibleInLine(`  ${to.padEnd(width)}  ${copyText(decided.current)}`),
    );
  }
  return lines;
}
