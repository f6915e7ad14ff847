// The plan of a run, a verify or a replay: the schemas as the gateway read them, matched by the
// engine's own rule (plan-tables.ts), and refused when the options name what the schemas lack.
import { ConfigError, describeSource } from "../core/errors.js";
import { planTables, type PlanEntry, type PlanSettings, type SchemaSnapshot } from "./plan-tables.js";

/** What the engine needs of the schema gateway to plan: both schemas, read now. */
export interface SchemaReader {
  read(): Promise<SchemaSnapshot>;
}

/**
 * The entries of the plan. Throws a ConfigError for a table's setting in the config file that the
 * schema contradicts, a --tables or --exclude-tables name that is no table or type, and a column
 * option that no selected table has: all are typos, and a run that went on would sync something
 * other than what was meant.
 */
export async function planSchema(
  schema: SchemaReader,
  settings: PlanSettings,
  onNotice?: (notice: string) => void,
): Promise<PlanEntry[]> {
  const snapshot = await schema.read();
  if (onNotice !== undefined) for (const notice of schemaNotices(snapshot)) onNotice(notice);
  const entries = planTables({ ...settings, ...snapshot });
  const badSettings = entries.filter((e) => e.kind === "bad-setting");
  if (badSettings.length > 0) throw refusedSettings(badSettings);
  const unknown = entries.filter((e) => e.kind === "unknown");
  if (unknown.length > 0) throw unknownTables(unknown);
  const unknownColumn = entries.find((e) => e.kind === "unknown-column");
  if (unknownColumn !== undefined) throw unmatchedColumn(unknownColumn);
  refuseEveryTableExcluded(entries, settings, snapshot);
  return entries;
}

/** The table an entry is about, for entries about one table: synced, skipped, refused or made. */
function tableOf(entry: PlanEntry): string | undefined {
  if (entry.kind === "sync") return entry.plan.table;
  return entry.kind === "skip" || entry.kind === "refuse" || entry.kind === "create-table"
    ? entry.name
    : undefined;
}

/**
 * --exclude-tables that leaves no table or type would end every run "successfully" having copied
 * nothing, as a scheduled job would, run after run: a list meant for a few tables that grew, or the
 * wrong variable in a deployment.
 */
function refuseEveryTableExcluded(
  entries: readonly PlanEntry[],
  settings: PlanSettings,
  snapshot: SchemaSnapshot,
): void {
  if (settings.exclude.length === 0 || entries.some((e) => tableOf(e) !== undefined)) return;
  const excluded = planTables({ ...settings, ...snapshot, exclude: [] }).flatMap((e) => tableOf(e) ?? []);
  if (excluded.length === 0) return;
  throw new ConfigError(
    "exclude-tables",
    undefined,
    "--exclude-tables leaves out every table of the keyspace and type of the index " +
      `(${[...new Set(excluded)].sort().join(", ")}), so a run would copy nothing, run after run. ` +
      "Remove the tables to sync from --exclude-tables, or select them with --tables.",
    { details: { excluded } },
  );
}

/** What the user should know of the schemas that changes no plan. */
function schemaNotices(snapshot: SchemaSnapshot): string[] {
  const strays = snapshot.strayIndices ?? [];
  if (strays.length === 0) return [];
  return [
    `the alias over the tables' indices also names ${strays.join(", ")}, where no table of this ` +
      "configuration lives: searches through the alias find those documents too, beside the tables' " +
      "own. If a table's index setting moved it from there, take each out of the alias (POST _aliases " +
      "with a remove action), or delete it once its documents are not needed.",
  ];
}

/**
 * Refuses a plan in which no selected table can be synced as it stands (its shape, or a column option
 * that skips it), which would otherwise end "successfully" having copied nothing, run after run. A
 * plan that is empty, or whose tables only wait for their other side to exist, is not refused.
 */
export function refuseNothingSyncable(entries: readonly PlanEntry[], command: "run" | "verify"): void {
  const skipped = entries.filter((e): e is Extract<PlanEntry, { kind: "skip" }> => e.kind === "skip");
  if (skipped.length < entries.length || skipped.every((e) => e.waitsForOtherSide === true)) return;
  const each = [...skipped].sort((a, b) => (a.name < b.name ? -1 : 1)).map((e) => `${e.name}: ${e.reason}`);
  const would = command === "run" ? "the run would copy" : "verify would compare";
  // A table that does not exist has no schema or columns to name: it can only be made otherwise.
  const advice = [
    ...(skipped.some((e) => e.tableNotCreated !== true)
      ? [
          "change the tables' schema, name their columns with --timestamp-column, --id-column or " +
            "--tombstone-column (or a table's settings in the config file)",
        ]
      : []),
    ...(skipped.some((e) => e.tableNotCreated === true)
      ? ["create by hand the tables --create-tables cannot make, as each reason says"]
      : []),
  ];
  throw new ConfigError(
    "tables",
    undefined,
    `no selected table can be synced, so ${would} nothing: ${each.join("; ")}. ` +
      `${capitalized(advice.join("; "))}, or select other tables with --tables.`,
    { details: { skipped: skipped.map((e) => ({ name: e.name, reason: e.reason })) } },
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const UNKNOWN_ADVICE = {
  tables: "Correct the name, or leave --tables out to sync every table.",
  "exclude-tables": "Correct the name, or remove it from --exclude-tables.",
} as const;

export function unknownTables(unknown: readonly Extract<PlanEntry, { kind: "unknown" }>[]): ConfigError {
  const options = [...new Set(unknown.map((e) => e.option))];
  const sentences = options.map((option) => {
    const each = unknown
      .filter((e) => e.option === option)
      .map(
        (e) =>
          `'${e.name}' is neither a table of the keyspace nor a type of the index` +
          (e.closest.length > 0
            ? ` (closest: ${e.closest.join(", ")})`
            : " (the keyspace and the index hold none)"),
      );
    return `--${option} names what does not exist: ${each.join("; ")}. ${UNKNOWN_ADVICE[option]}`;
  });
  return new ConfigError(options[0] ?? "tables", undefined, sentences.join(" "), {
    details: { unknown: unknown.map((e) => e.name) },
  });
}

const COLUMN_OPTIONS = { id: "id-column", timestamp: "timestamp-column", tombstone: "tombstone-column" };

function unmatchedColumn(entry: Extract<PlanEntry, { kind: "unknown-column" }>): ConfigError {
  const option = COLUMN_OPTIONS[entry.column];
  const byDefault = entry.source.kind === "default";
  const closest = entry.closest.length > 0 ? ` (closest: ${entry.closest.join(", ")})` : "";
  return new ConfigError(
    option,
    byDefault ? undefined : entry.source,
    `no table synced here has a column '${entry.name}'${byDefault ? `, the default of --${option}` : ""}` +
      `${closest}, so every table would be skipped. Set --${option} to the column's name` +
      `${entry.column === "tombstone" ? ", or leave it out for tables without deletes" : ""}, or select ` +
      "other tables with --tables.",
    { details: { column: entry.name, closest: entry.closest } },
  );
}

/** Every setting the schema contradicts, each with the key of the config file to fix. */
function refusedSettings(bad: readonly Extract<PlanEntry, { kind: "bad-setting" }>[]): ConfigError {
  const [first] = bad;
  const details = { tables: [...new Set(bad.map((e) => e.name))] };
  if (first !== undefined && bad.length === 1) {
    return new ConfigError("config", first.source, first.problem, { details });
  }
  const each = bad.map((e) => `${describeSource(e.source)}: ${e.problem}`);
  return new ConfigError(
    "config",
    undefined,
    `the config file's table settings do not fit the schema. ${each.join(" ")}`,
    {
      details,
    },
  );
}
