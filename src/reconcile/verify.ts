// `synced verify`: parity of every table over a range, read from each side the configuration syncs
// from, without writing anything or touching the state. Where a run would make both sides agree,
// verify says whether they do, and which records do not: a record missing on one side is how a hard
// delete (which no run can see) shows up.
import { directionsOf, type Direction, type DirectionChoice } from "../core/direction.js";
import type { RecordStore, TimeRange } from "./record-store.js";
import { sizedPlan } from "./batch-budget.js";
import { indexExistsBefore, type PlanSettings } from "./plan-tables.js";
import { planSchema, refuseNothingSyncable, type SchemaReader } from "./schema-plan.js";
import type { SchemaGateway } from "./run-sync.js";
import { mapNewFields, noSchemaChanges } from "./schema-changes.js";
import { differences, verifySide, type RepairSettings, type SideParity } from "./verify-side.js";

export interface VerifySettings {
  readonly range: TimeRange;
  readonly direction: DirectionChoice;
  /** Differing ids kept per table and side, and as many bad records. */
  readonly limit: number;
  readonly plan: PlanSettings;
  /** `synced verify --repair`: what differs is written as a run would write it. */
  readonly repair?: RepairSettings;
  /** What the configuration's next run reads; absent: it has no checkpoint, and reads everything. */
  readonly window?: RunWindow;
  /** --batch-size: a table of large rows gets fewer per batch, as in a run (batch-budget.ts). */
  readonly batchSize?: number;
}

/** Where the configuration's next incremental run begins to read: its checkpoint minus its look-back. */
export interface RunWindow {
  readonly checkpoint: bigint;
  readonly lookbackFrom: bigint;
  /** Whether the checkpoint covers a table and direction: one it does not is read from the earliest version. */
  readonly covers: (table: string, direction: Direction) => boolean;
}

export interface VerifyDependencies {
  readonly cassandra: RecordStore;
  readonly elasticsearch: RecordStore;
  /**
   * Reads the schema; maps the fields of new columns, or of a table whose type has no document in the
   * type-field layout's index yet, before a repair writes documents holding them.
   */
  readonly schema: SchemaReader & Pick<SchemaGateway, "addFields" | "createIndex" | "awaitTimestampIndex">;
  readonly signal: AbortSignal;
  /** Told when one table's side is done, for progress. */
  readonly onSide?: (parity: Readonly<SideParity>) => void;
  /** Told of what a repair changed in the schema (the fields it mapped). */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface VerifyReport {
  readonly range: TimeRange;
  readonly sides: readonly SideParity[];
  /** Tables or types not compared, and why; `differs` when one side lacks the table or index whole. */
  readonly skipped: readonly { readonly name: string; readonly reason: string; readonly differs: boolean }[];
  /** Differing records, plus one for each table or index that exists on one side only. */
  readonly differences: number;
  /**
   * With a repair: the differences it leaves for a person, a record on one side only (without
   * copyMissing), one unreadable on either side, or a newer copy on a side this direction does not read; plus the
   * tables or indices on one side only. Without a repair: every difference.
   */
  readonly unresolved: number;
  readonly window?: RunWindow;
  /** Each side as the text report names it: the search side by the product that holds it. */
  readonly sideNames?: Readonly<Record<SideParity["side"], string>>;
}

export async function verify(settings: VerifySettings, deps: VerifyDependencies): Promise<VerifyReport> {
  const entries = await planSchema(deps.schema, settings.plan);
  refuseNothingSyncable(entries, "verify");
  const sides: SideParity[] = [];
  const writesDocuments = settings.repair !== undefined && directionsOf(settings.direction).includes("to-es");
  const skipped: { name: string; reason: string; differs: boolean }[] = [];
  for (const entry of entries) {
    if (entry.kind === "skip") skipped.push({ name: entry.name, reason: entry.reason, differs: false });
    // The two sides no longer agree on a column's type: the table cannot be compared as it stands.
    if (entry.kind === "refuse") skipped.push({ name: entry.name, reason: entry.reason, differs: true });
    if (entry.kind === "create-table") {
      skipped.push({
        name: entry.name,
        reason: `index ${entry.index} has no table in Cassandra (a run with --create-tables creates it)`,
        differs: true,
      });
    }
    if (entry.kind !== "sync") continue;
    if (!indexExistsBefore(entry)) {
      const index = entry.plan.es.index;
      skipped.push({
        name: entry.plan.table,
        reason:
          entry.madeAhead === true
            ? `index ${index} holds no mapping of the table yet (a run maps it)`
            : `the table has no index ${index} in ${deps.elasticsearch.name} yet (a run creates it)`,
        differs: true,
      });
      continue;
    }
    // A repair writes documents as a run does: a column added since the index was made gets its field
    // mapped first, with synced's type, or the first document holding it would have the cluster guess
    // one (text for an inet), which the index then keeps for good. What it maps is only logged.
    // A table whose type has no document in the type-field layout's index yet is compared like any
    // other (an empty table agrees with no documents); a repair maps all its fields there first.
    if (writesDocuments && entry.createIndex) await deps.schema.createIndex(entry.plan);
    const unmappable = writesDocuments
      ? await mapNewFields(deps.schema, entry, false, noSchemaChanges(), deps.log ?? (() => undefined))
      : undefined;
    if (unmappable !== undefined) {
      skipped.push({ name: entry.plan.table, reason: unmappable, differs: true });
      continue;
    }
    // Cassandra refuses reads through a timestamp index that is still being built (a run stopped
    // while it built it): wait for it, as a run does.
    if (entry.plan.timestampIndexed === true)
      await deps.schema.awaitTimestampIndex(entry.plan, deps.signal, deps.log ?? (() => undefined));
    const plan =
      settings.batchSize === undefined
        ? entry.plan
        : await sizedPlan(
            entry.plan,
            [deps.cassandra, deps.elasticsearch],
            settings.batchSize,
            deps.log ?? (() => undefined),
          );
    for (const direction of directionsOf(settings.direction)) {
      const [source, other] =
        direction === "to-es" ? [deps.cassandra, deps.elasticsearch] : [deps.elasticsearch, deps.cassandra];
      const parity = await verifySide({
        plan,
        source,
        other,
        range: settings.range,
        limit: settings.limit,
        signal: deps.signal,
        ...(settings.repair === undefined ? {} : { repair: settings.repair }),
        ...reachOf(settings.window, entry.plan.table, direction),
        copiesBack: settings.direction === "both",
      });
      sides.push(parity);
      deps.onSide?.(parity);
    }
  }
  const wholes = skipped.filter((s) => s.differs).length;
  const total = sides.reduce((n, side) => n + differences(side), 0) + wholes;
  const repair = settings.repair;
  const unresolved =
    repair === undefined
      ? total
      : wholes + sides.reduce((n, side) => n + leftByRepair(side, repair, settings.direction), 0);
  return {
    range: settings.range,
    sides,
    skipped,
    differences: total,
    unresolved,
    ...(settings.window === undefined ? {} : { window: settings.window }),
    sideNames: { cassandra: "cassandra", elasticsearch: deps.elasticsearch.name.toLowerCase() },
  };
}

function reachOf(window: RunWindow | undefined, table: string, direction: Direction): { reach?: bigint } {
  return window?.covers(table, direction) === true ? { reach: window.lookbackFrom } : {};
}

/**
 * What a repair of one side does not settle. Older copies and ties are written from this side; a
 * newer copy is written back by the other side's pass when the direction reads both sides.
 */
function leftByRepair(side: SideParity, repair: RepairSettings, direction: DirectionChoice): number {
  const newerLeft = direction === "both" ? 0 : side.newer;
  return (repair.copyMissing ? 0 : side.missing) + side.unreadable + side.bad + newerLeft;
}
