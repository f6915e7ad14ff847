// What a run changes in the schemas before it syncs: with --create-tables, a table for an index that
// has none; and where a table and its index have drifted apart (schema-drift.ts), the fields of columns
// added to the table are mapped in its index, and with --create-columns each document field that no
// column holds becomes a column, typed from the mapping, synced in the same run. The engine decides
// here; the schema gateway carries it out.
import { formatCqlType } from "../core/cql-type.js";
import { SyncedError } from "../core/errors.js";
import type { PlanEntry, PlanSettings } from "./plan-tables.js";
import type { AddedField, ColumnNotCreated, CreatedColumn, SkippedType } from "./run-report.js";
import type { SchemaGateway } from "./run-sync.js";
import { adviceForLetters } from "../core/field-advice.js";
import { planSchema, refuseNothingSyncable } from "./schema-plan.js";
import type { Column, TablePlan } from "./table-plan.js";
import { fieldOf } from "../core/column-field.js";

type Log = (message: string, fields?: Record<string, unknown>) => void;
type SyncEntry = Extract<PlanEntry, { kind: "sync" }>;

/** What the run changed in the schemas, for its report. */
export interface SchemaChanges {
  readonly addedFields: AddedField[];
  readonly createdColumns: CreatedColumn[];
  readonly columnsNotCreated: ColumnNotCreated[];
}

/** Nothing changed yet: where a run, a repair or a replay gathers what it changes. */
export function noSchemaChanges(): SchemaChanges {
  return { addedFields: [], createdColumns: [], columnsNotCreated: [] };
}

/** The message of a failure that concerns this one table (a refusal by the store), or the error again. */
function tableFailure(error: unknown): string {
  if (error instanceof SyncedError && error.kind === "failed") return error.message;
  throw error;
}

type SkipEntry = Extract<PlanEntry, { kind: "skip" }>;

/** A type whose table --create-tables could not make, for the summary and the refusal. */
function notCreated(name: string, index: string, reason: string): SkipEntry {
  return {
    kind: "skip",
    name,
    reason: `cannot create the table from index ${index}: ${reason}`,
    tableNotCreated: true,
  };
}

/**
 * With --create-tables, each type whose mapping cannot become a table (schema.tableRefusal) is skipped
 * with the reason before anything is created, so that a dry run says what the run would, and a
 * selection of such types alone is refused as one that can copy nothing.
 */
export async function skipUncreatableTables(
  schema: Pick<SchemaGateway, "tableRefusal">,
  entries: readonly PlanEntry[],
): Promise<PlanEntry[]> {
  const checked: PlanEntry[] = [];
  for (const entry of entries) {
    const refusal =
      entry.kind === "create-table"
        ? await schema.tableRefusal(entry.name, entry.index, entry.typeFilter)
        : undefined;
    checked.push(
      refusal === undefined || entry.kind !== "create-table"
        ? entry
        : notCreated(entry.name, entry.index, refusal),
    );
  }
  return checked;
}

/**
 * With --create-tables, tables are created from their indices first, then the schema is read again.
 * Where Cassandra refuses every table the selection needed, the run is refused as one that can copy
 * nothing (refuseNothingSyncable), as it would be had the mapping told it beforehand.
 */
export async function createTables(
  schema: SchemaGateway,
  settings: { readonly plan: PlanSettings; readonly dryRun: boolean },
  entries: readonly PlanEntry[],
  createdTables: string[],
  skipped: SkippedType[],
): Promise<readonly PlanEntry[]> {
  const toCreate = entries.filter((e) => e.kind === "create-table");
  if (toCreate.length === 0) return entries;
  if (settings.dryRun) {
    // Those whose mapping cannot become a table are skipped already, with the run's reason.
    for (const entry of toCreate)
      skipped.push({ name: entry.name, reason: "would create the table (dry run)" });
    return entries.filter((e) => e.kind !== "create-table");
  }
  // Read again below, the types whose table is still missing are these, with their reasons.
  const missing = new Map<string, SkipEntry>();
  for (const entry of entries)
    if (entry.kind === "skip" && entry.tableNotCreated) missing.set(entry.name, entry);
  for (const entry of toCreate) {
    try {
      await schema.createTable(entry.name, entry.index, entry.typeFilter);
      createdTables.push(entry.name);
    } catch (error) {
      // A table Cassandra refuses leaves that one type unsynced; an unreachable store or a bug still
      // stops the run.
      if (!(error instanceof SyncedError) || error.kind !== "failed") throw error;
      missing.set(entry.name, notCreated(entry.name, entry.index, error.message));
    }
  }
  const replanned = (await planSchema(schema, settings.plan)).flatMap((e) => {
    if (e.kind !== "create-table") return [e];
    const reason = missing.get(e.name);
    return reason === undefined ? [] : [reason];
  });
  if (createdTables.length < toCreate.length) refuseNothingSyncable(replanned, "run");
  return replanned;
}

/**
 * Maps the fields of the columns added to the table since its index was made, each as synced maps its
 * column's type, before any document holds one: dynamic mapping would guess instead (long for an int,
 * text for an inet). So are the key and tombstone fields of an index made beforehand without them. Returns why the table cannot be synced when the index refuses the fields.
 * A dry run maps none, and returns the refusal where the index's field limit would refuse them.
 */
export async function mapNewFields(
  schema: Pick<SchemaGateway, "addFields" | "fieldLimitRefusal">,
  entry: SyncEntry,
  dryRun: boolean,
  changes: SchemaChanges,
  log: Log,
): Promise<string | undefined> {
  const columns = entry.drift?.newFields ?? [];
  if (columns.length === 0 || entry.createIndex) return undefined;
  const { table, es } = entry.plan;
  const names = columns.map((c) => c.name);
  if (dryRun) {
    // The one refusal a dry run can tell beforehand; any other, the run meets only when it maps them.
    const refusal = await schema.fieldLimitRefusal?.(entry.plan, columns);
    if (refusal !== undefined) return fieldsRefused(entry, columns, refusal, true);
    log(`would map the fields of table ${table}'s columns that index ${es.index} lacks (dry run)`, {
      columns: names,
    });
    return undefined;
  }
  try {
    const added = await schema.addFields(entry.plan, columns);
    for (const field of added) changes.addedFields.push({ table, index: es.index, ...field });
    log(`mapped the fields of table ${table}'s columns that index ${es.index} lacked`, {
      fields: added.map((a) => `${a.field} (${a.type})`),
    });
    return undefined;
  } catch (error) {
    return fieldsRefused(entry, columns, tableFailure(error));
  }
}

/** Why the table cannot be synced where its index refuses (or, in a dry run, would refuse) its new columns' fields. */
function fieldsRefused(entry: SyncEntry, columns: readonly Column[], refusal: string, would = false): string {
  const { es } = entry.plan;
  const failure = refusal.replace(/\.?$/, ".");
  // The one refusal with a setting to change rather than a column to fix.
  const advice = /limit of total fields/i.test(failure)
    ? ` Raise the index's index.mapping.total_fields.limit (PUT ${es.index}/_settings), or leave ` +
      "columns out with the table's exclude setting in the config file."
    : derivedFieldAdvice(failure, entry.plan, columns);
  const names = columns.map((c) => c.name).join(", ");
  const refused = would
    ? "would refuse the fields of the table's columns it lacks"
    : "refused the fields of the table's columns it lacked";
  return `index ${es.index} ${refused} (${names}): ${failure}${advice}`;
}

/**
 * What to do where a column's field is one OpenSearch computes (a derived field, its counterpart of a
 * runtime field): unlike Elasticsearch, which lets a runtime field shadow a field of `_source`,
 * OpenSearch refuses every document holding a field of a derived field's name, and the field cannot be
 * mapped over it.
 */
function derivedFieldAdvice(failure: string, plan: TablePlan, columns: readonly Column[]): string {
  const field = /mapper \[([^\]]+)\] cannot be changed from type \[derived\]/.exec(failure)?.[1];
  if (field === undefined) return "";
  const column = columns.find((c) => fieldOf(plan, c.name) === field)?.name ?? field;
  const setting = `the config file's tables.${plan.table}`;
  return (
    ` '${field}' is a derived field of index ${plan.es.index}, whose values the index computes, and no ` +
    `document may hold a field of that name. Give column ${column} another field (${setting}.rename), ` +
    `leave it out (${setting}.exclude), or give the table an index without that derived field.`
  );
}

/**
 * With --create-columns: a column for each field the index maps, no column holds and some document
 * of the type holds, with the CQL type its mapping gives (a field without one is reported with the
 * reason). The schema is then read again, so the new columns are synced in this same run. A dry run
 * creates none, and gathers in `planned` (by table) the columns it would create.
 */
export async function createColumns(
  schema: SchemaGateway,
  settings: { readonly plan: PlanSettings; readonly dryRun: boolean },
  entries: readonly PlanEntry[],
  changes: SchemaChanges,
  log: Log,
  planned?: Map<string, Column[]>,
): Promise<readonly PlanEntry[]> {
  let created = false;
  for (const entry of entries) {
    const candidates = entry.kind === "sync" ? (entry.drift?.unmapped ?? []) : [];
    if (entry.kind !== "sync" || candidates.length === 0) continue;
    const plan = entry.plan;
    const held = await schema.documentsHolding(
      plan,
      candidates.map((c) => c.field),
    );
    for (const { field, column } of candidates) {
      // A field only the mapping remembers, or another type's in a shared index.
      if ((held.get(field) ?? 0) === 0) continue;
      const notCreated = (reason: string): void => {
        changes.columnsNotCreated.push({ table: plan.table, field, reason });
      };
      if ("problem" in column) {
        notCreated(column.problem);
        continue;
      }
      const type = formatCqlType(column.type);
      if (settings.dryRun) {
        notCreated(`would create it as ${type} (dry run)`);
        planned?.set(plan.table, [...(planned.get(plan.table) ?? []), { name: field, type: column.type }]);
        log(
          `would add column ${field} ${type} to table ${plan.keyspace}.${plan.table} for its documents' ` +
            "field (dry run)",
        );
        continue;
      }
      try {
        await schema.addColumn(plan, { name: field, type: column.type });
      } catch (error) {
        notCreated(tableFailure(error));
        continue;
      }
      changes.createdColumns.push({ table: plan.table, column: field, type });
      log(`added column ${field} ${type} to table ${plan.keyspace}.${plan.table} for its documents' field`);
      created = true;
    }
  }
  if (!created) return entries;
  // Tables --create-tables could not make are reported already.
  return (await planSchema(schema, settings.plan)).filter((e) => e.kind !== "create-table");
}

/** The plan with `columns` added to its content, as if they had been created; the plan when none. */
export function withColumns(plan: TablePlan, columns: readonly Column[] | undefined): TablePlan {
  if (columns === undefined || columns.length === 0) return plan;
  const names = new Set(columns.map((c) => c.name));
  const left = [...(plan.fieldsWithoutColumn ?? [])].filter(([field]) => !names.has(field));
  return {
    ...plan,
    contentColumns: [...plan.contentColumns, ...columns],
    fieldsWithoutColumn: new Map(left),
  };
}

/** Logs each field that no column holds once per table and run, however many documents hold it. */
export function unmappedFieldLog(
  log: Log,
  createColumns: boolean,
): (plan: TablePlan) => (field: string) => void {
  const seen = new Set<string>();
  const advice = createColumns
    ? "--create-columns made no column for it (the summary says why, where the index maps the field): " +
      "add one, then replay them with synced dead-letters replay"
    : "add the column (or run with --create-columns), then replay them with synced dead-letters replay";
  return (plan) => (field) => {
    const key = `${plan.table}\n${field}`;
    if (seen.has(key)) return;
    seen.add(key);
    log(
      `documents of table ${plan.table} hold field '${field}', which no column of ${plan.keyspace}.${plan.table} ` +
        `holds: they go to the dead letters; ${adviceForLetters(field, plan.fieldsWithoutColumn?.get(field)) ?? advice}`,
      { table: plan.table, field },
    );
  };
}
