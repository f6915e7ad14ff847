// Matches the keyspace's tables with the index's types and decides, for each name, whether it is
// synced, created or skipped, and why. Pure: both schemas are read elsewhere and passed in.
import { closestNames } from "../core/did-you-mean.js";
import type { DirectionChoice } from "../core/direction.js";
import type { OptionSource } from "../core/errors.js";
import type { Layout } from "../core/layout.js";
import type { Column, ColumnNames, NanosColumn, TablePlan, TypeFilter } from "./table-plan.js";
import type { TimestampMapping } from "../core/version.js";
import type { TableKey } from "../core/table-key.js";
import type { TableSettings } from "../core/table-settings.js";
import { settingSource, tableColumnNames } from "../core/table-settings.js";
import { columnChoice } from "./column-choice.js";
import {
  applySettings,
  checkSettings,
  settingsByTable,
  unknownTable,
  type SettingProblem,
  type SettingsPlan,
} from "./table-settings-plan.js";
import {
  schemaDrift,
  timestampPaths,
  typeConflicts,
  type MappedField,
  type SchemaDrift,
} from "./schema-drift.js";
import { unusableFields } from "./field-names.js";
import { fieldOf } from "../core/column-field.js";
import { aliasClash, caseTwins, routingRefusal, timestampRefusal } from "./plan-refusals.js";
import { sharedFieldClashes } from "./shared-index-fields.js";
import { fieldHolders, type FieldHolders } from "./field-holders.js";

export interface TableInput {
  readonly name: string;
  readonly shape:
    | {
        readonly supported: true;
        readonly shape: "versioned" | "latest";
        readonly timestampType: "timeuuid" | "timestamp";
        readonly hasTombstone: boolean;
      }
    | { readonly supported: false; readonly reason: string };
  readonly content: readonly Column[];
  /** The primary key without the timestamp; present when the shape is supported. */
  readonly key?: TableKey;
  /**
   * Every column of the table, to tell a mistyped column option from a table that lacks it, with its
   * kind where known (`static`: one cell per partition, TablePlan.staticColumns).
   */
  readonly columns: readonly { readonly name: string; readonly kind?: string }[];
  /** Whether an index on the timestamp column serves range reads (absent: no). */
  readonly timestampIndexed?: boolean;
  /** The names of the indexes on the timestamp column (absent: none known). */
  readonly timestampIndexes?: readonly string[];
  /** The table's default_time_to_live in seconds (absent or 0: its rows do not expire by default). */
  readonly defaultTtlSeconds?: number;
  /** The table's id (TablePlan.tableId); absent: not known. */
  readonly id?: string;
  /**
   * Columns dropped from the table: documents synced before still hold their fields, which are read
   * past and kept as they are (TablePlan.foreignFields), not refused as fields of no column.
   */
  readonly droppedColumns?: readonly string[];
  /** Columns dropped and added again, by column: the last microsecond the drop hid (TablePlan.droppedUntil). */
  readonly readdedColumns?: ReadonlyMap<string, bigint>;
}

export interface TypeInput {
  readonly name: string;
  readonly index: string;
  readonly timestamp: TimestampMapping;
  /**
   * The index's top-level fields, by name, to tell what has drifted from the table since the index was
   * made (schema-drift.ts). Absent: not known, and nothing is judged.
   */
  readonly fields?: ReadonlyMap<string, MappedField>;
  /**
   * Why the table cannot be synced with this index as it is (an alias over several indices, a closed
   * index), with what to do: the table is refused, and the checkpoint stays. Only a table's type has
   * one: without a table of its name, the type is left out.
   */
  readonly refusal?: string;
  /**
   * The indices behind `index` when it is an alias named as a table's index. Where the table exists,
   * the alias is its index and the indices behind it are no types of their own; an alias that no
   * table is named by (one grouping indices, say) is left out.
   */
  readonly aliasOf?: readonly string[];
  /**
   * The index holds no document; asked only of one that maps no timestamp field. Such an index, made
   * ahead with its settings only (shards, analyzers), is given the table's mapping as synced gives an
   * index it creates, instead of refusing the table.
   */
  readonly empty?: boolean;
  /**
   * The indices a table's `index` setting names, by their own names: the index, or the indices behind
   * the alias it names. Absent for a table without one.
   */
  readonly concrete?: readonly string[];
  /**
   * The index refuses a document without a routing value (`"_routing": {"required": true}`), and
   * finds none by id without it: only a table with a routing setting can live there.
   */
  readonly routingRequired?: boolean;
  /**
   * The ingest pipelines the index's own settings send every write through (index.default_pipeline,
   * index.final_pipeline): like a table's pipeline setting, they may add fields of their own.
   */
  readonly indexPipelines?: readonly string[];
  /** The index's settings set index.mapping.ignore_malformed: its fields keep a value they cannot index. */
  readonly ignoresMalformed?: boolean;
}

/** The two schemas as read, which the engine plans from. */
export interface SchemaSnapshot {
  /** The keyword field that selects a type's documents: the type field or its keyword sub-field. */
  readonly typeQueryField: string;
  readonly tables: readonly TableInput[];
  readonly types: readonly TypeInput[];
  /** PlanInput.indexRefusal. */
  readonly indexRefusal?: string;
  /** PlanInput.sharedFields. */
  readonly sharedFields?: ReadonlyMap<string, MappedField>;
  /** PlanInput.sharedTimestamps. */
  readonly sharedTimestamps?: ReadonlyMap<string, TimestampMapping>;
  /** PlanInput.sharedRoutingRequired. */
  readonly sharedRoutingRequired?: boolean;
  /**
   * Indices the alias over every table's index (`-i`) names, though no table lives in them: one a
   * table's `index` setting moved it from, say. Searches through the alias find their documents too.
   */
  readonly strayIndices?: readonly string[];
}

/** What the options say of the plan: the selection, the names, the layout. */
export type PlanSettings = Omit<PlanInput, keyof SchemaSnapshot>;

export interface PlanInput {
  readonly keyspace: string;
  readonly names: ColumnNames;
  /**
   * Where each column name was set. The id and timestamp columns must exist in a selected table, and
   * so must a tombstone column the user named; a default tombstone column is optional.
   */
  readonly columnSources: ColumnSources;
  readonly layout: Layout;
  readonly typeField: string;
  /** The keyword field that selects a type's documents: the type field or its keyword sub-field. */
  readonly typeQueryField: string;
  /** The index (or alias) a table's type lives in when it has none yet, and its `_id` prefix. */
  readonly indexFor: (table: string) => string;
  readonly idPrefixFor: (table: string) => string;
  readonly tables: readonly TableInput[];
  readonly types: readonly TypeInput[];
  /**
   * Why no table can be synced in the one index of the type-field layout (its `_source` is not
   * whole), whether it holds documents of that table yet or not; absent: none.
   */
  readonly indexRefusal?: string;
  /**
   * The fields the type-field layout's one index maps, whichever type's documents hold them: a table
   * with no document there yet is judged against them too (shared-index-fields.ts). Absent: the
   * index does not exist yet, or another layout.
   */
  readonly sharedFields?: ReadonlyMap<string, MappedField>;
  /**
   * What the type-field layout's one index maps each tables' version field as, by the field's name
   * (the timestamp column's, or its rename's): the precision a table whose type has no document there
   * yet is synced at, as a type's own mapping gives it. Absent: as sharedFields.
   */
  readonly sharedTimestamps?: ReadonlyMap<string, TimestampMapping>;
  /**
   * The type-field layout's one index requires a routing value (TypeInput.routingRequired): a table
   * whose type has no document there yet cannot live there without a routing setting either.
   */
  readonly sharedRoutingRequired?: boolean;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /**
   * Tables that hold synced's own state or dead letters in the synced keyspace, in lower case: not
   * the keyspace's data, so left out as if they were not there. Absent: none.
   */
  readonly ownTables?: readonly string[];
  readonly createTables: boolean;
  readonly direction: DirectionChoice;
  /** The config file's per-table settings; absent: none. */
  readonly tableSettings?: readonly TableSettings[];
}

export type ColumnSources = { readonly [K in keyof ColumnNames]: OptionSource };

export type PlanEntry =
  | {
      readonly kind: "sync";
      readonly plan: TablePlan;
      /** The run makes the table's index, or maps the table's fields in it, before its first write. */
      readonly createIndex: boolean;
      /**
       * With createIndex, in the type-field layout: the one index exists already, and only the table's
       * type has no document in it yet. The run maps the table's fields there and creates no index, and
       * the checkpoint's coverage tells whether the table is new (see run-sync.ts, `whole`).
       */
      readonly sharedIndexExists?: true;
      /**
       * With createIndex: the index was made ahead by hand with its settings only, and is empty. The run
       * maps the table's fields in it as in an index it creates, and creates none.
       */
      readonly madeAhead?: true;
      /** Present when the table and its existing index have drifted apart (a column added, a field). */
      readonly drift?: SchemaDrift;
    }
  | {
      readonly kind: "create-table";
      readonly name: string;
      readonly index: string;
      /** In the type-field layout: what selects the type's documents, whose ids key the table. */
      readonly typeFilter?: TypeFilter;
    }
  | {
      readonly kind: "skip";
      readonly name: string;
      readonly reason: string;
      /**
       * Skipped only while its other side is missing (an index without a table, a table without an
       * index when copying to Cassandra): something that appears later, as in an empty keyspace.
       */
      readonly waitsForOtherSide?: true;
      /** A type whose table --create-tables cannot make from its index: the reason says why. */
      readonly tableNotCreated?: true;
    }
  /**
   * A table that cannot be synced as it is: its index maps a column's field with a type that no
   * longer fits it, a column's field is a name no document may hold (field-names.ts), or the index
   * cannot hold the table (TypeInput.refusal). The run
   * syncs the other tables, leaves the checkpoint where it was, and fails naming this one.
   */
  | { readonly kind: "refuse"; readonly name: string; readonly reason: string }
  /** A --tables or --exclude-tables name that is neither a table nor a type: a typo, which the run refuses. */
  | {
      readonly kind: "unknown";
      readonly option: "tables" | "exclude-tables";
      readonly name: string;
      readonly closest: readonly string[];
    }
  /** A column option that no selected table has a column for: a typo, which the run refuses. */
  | {
      readonly kind: "unknown-column";
      readonly column: keyof ColumnNames;
      readonly name: string;
      readonly source: OptionSource;
      readonly closest: readonly string[];
    }
  /** A table's setting in the config file that the schema contradicts, which the run refuses. */
  | ({ readonly kind: "bad-setting"; readonly name: string } & SettingProblem);

/**
 * Whether the entry's index exists before the run: one the run does not create, or the type-field
 * layout's one index, where the table's type has no document yet.
 */
export function indexExistsBefore(entry: Extract<PlanEntry, { kind: "sync" }>): boolean {
  return !entry.createIndex || entry.sharedIndexExists === true;
}

export function planTables(planned: PlanInput): PlanEntry[] {
  const own = new Set(planned.ownTables ?? []);
  const given = { ...planned, tables: planned.tables.filter((t) => !own.has(t.name.toLowerCase())) };
  const twins = caseTwinNames(given.tables);
  const tables = new Map(
    given.tables.filter((t) => !twins.has(t.name.toLowerCase())).map((t) => [t.name.toLowerCase(), t]),
  );
  const input = { ...given, types: typesOfTables(given.types, tables) };
  const types = new Map(input.types.map((t) => [t.name.toLowerCase(), t]));
  const names = new Set([
    ...tables.keys(),
    ...twins.keys(),
    ...types.keys(),
    ...input.include.map((n) => n.toLowerCase()),
  ]);
  const include = new Set(input.include.map((n) => n.toLowerCase()));
  const exclude = new Set(input.exclude.map((n) => n.toLowerCase()));
  const settings = settingsByTable(input.tableSettings);
  const entries: PlanEntry[] = [];
  const selectedTables: TableInput[] = [];
  // Every table of the keyspace writes into the type-field layout's one index, selected or not.
  const holders =
    input.layout === "type-field"
      ? fieldHolders([...tables.values()], (name) => settings.get(name.toLowerCase()))
      : undefined;
  for (const key of [...names].sort()) {
    if (include.size > 0 && !include.has(key)) continue;
    if (exclude.has(key)) continue;
    const twinNames = twins.get(key);
    if (twinNames !== undefined) {
      const reason = caseTwins(input.keyspace, twinNames);
      for (const name of twinNames) entries.push({ kind: "refuse", name, reason });
      continue;
    }
    const table = tables.get(key);
    if (table !== undefined) selectedTables.push(table);
    entries.push(planOne(input, table, types.get(key), key, settings.get(key), holders));
  }
  // An excluded name that matches nothing excludes nothing: most likely not what was meant.
  for (const name of input.exclude) {
    const key = name.toLowerCase();
    if (!tables.has(key) && !types.has(key) && !twins.has(key))
      entries.push({
        kind: "unknown",
        option: "exclude-tables",
        name,
        closest: closestNames(name, knownNames(input)),
      });
  }
  return [
    ...settingProblems(input, tables, twins),
    ...sharedIndices(input, entries),
    ...unmatchedColumns(input, selectedTables),
    ...(input.layout === "type-field" ? sharedFieldClashes(entries, input.sharedFields) : entries),
  ];
}

/** The names of tables that differ only in case, by their lowercase name. */
function caseTwinNames(tables: readonly TableInput[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const { name } of tables)
    byKey.set(name.toLowerCase(), [...(byKey.get(name.toLowerCase()) ?? []), name]);
  return new Map(
    [...byKey].filter(([, names]) => names.length > 1).map(([key, names]) => [key, names.sort()]),
  );
}

/**
 * The types to plan with: an alias named as a table's index replaces the indices behind it where that
 * table exists, and a type that only refuses a table is kept only for one (TypeInput).
 */
function typesOfTables(given: readonly TypeInput[], tables: ReadonlyMap<string, TableInput>): TypeInput[] {
  const ofTable = (type: TypeInput): boolean => tables.has(type.name.toLowerCase());
  // An alias named like one table over another table's own index (one made for searches) would mix
  // the two tables' documents: the alias's table is refused, and the index stays its own table's.
  const owners = new Map(
    given.filter((t) => t.aliasOf === undefined && ofTable(t)).map((t) => [t.index, t.name]),
  );
  const clashes = new Set<TypeInput>();
  const types = given.map((type) => {
    if (type.aliasOf === undefined || type.refusal !== undefined || !ofTable(type)) return type;
    const index = type.aliasOf.find((i) => {
      const owner = owners.get(i);
      return owner !== undefined && owner.toLowerCase() !== type.name.toLowerCase();
    });
    if (index === undefined) return type;
    const refused = { ...type, refusal: aliasClash(type.name, type.index, index, owners.get(index) ?? "") };
    clashes.add(refused);
    return refused;
  });
  const behind = new Set(
    types
      .filter((t) => t.aliasOf !== undefined && ofTable(t) && !clashes.has(t))
      .flatMap((t) => t.aliasOf ?? []),
  );
  return types.filter((type) =>
    type.aliasOf !== undefined || type.refusal !== undefined ? ofTable(type) : !behind.has(type.index),
  );
}

/** Every table's settings checked against its schema, selected or not: a typo is a typo either way. */
function settingProblems(
  input: PlanInput,
  tables: ReadonlyMap<string, TableInput>,
  twins: ReadonlyMap<string, readonly string[]>,
): PlanEntry[] {
  const problems: PlanEntry[] = [];
  const tableNames = input.tables.map((t) => t.name).sort();
  for (const settings of input.tableSettings ?? []) {
    // Settings of tables that differ only in case cannot say which they are for; both are refused.
    if (twins.has(settings.table.toLowerCase())) continue;
    const table = tables.get(settings.table.toLowerCase());
    const context = {
      keyspace: input.keyspace,
      names: tableColumnNames(input.names, settings),
      ...(input.layout === "type-field" ? { typeField: input.typeField } : {}),
    };
    const found =
      table === undefined
        ? [unknownTable(settings, input.keyspace, tableNames)]
        : checkSettings(settings, table, context);
    for (const problem of found) problems.push({ kind: "bad-setting", name: settings.table, ...problem });
  }
  return problems;
}

/**
 * In the index-per-table layout an index holds one table: a table's `index` setting that names the
 * index another synced table has, or an alias over it, or the index another table of the keyspace has
 * by its name (`<index>-<table>`, synced or not: excluded, or in another configuration), would mix
 * their documents.
 */
function sharedIndices(input: PlanInput, entries: readonly PlanEntry[]): PlanEntry[] {
  if (input.layout !== "index-per-table") return [];
  const settings = settingsByTable(input.tableSettings);
  const concrete = new Map(input.types.map((t) => [t.name.toLowerCase(), t.concrete]));
  const holders = new Map<string, Set<string>>();
  const hold = (index: string, table: string): void => {
    holders.set(index, (holders.get(index) ?? new Set()).add(table));
  };
  for (const table of input.tables) hold(input.indexFor(table.name), table.name);
  for (const entry of entries) {
    if (entry.kind !== "sync") continue;
    const { table, es } = entry.plan;
    for (const index of concrete.get(table.toLowerCase()) ?? [es.index]) hold(index, table);
  }
  const problems: PlanEntry[] = [];
  for (const entry of entries) {
    if (entry.kind !== "sync") continue;
    const configured = settings.get(entry.plan.table.toLowerCase());
    if (configured?.index === undefined) continue;
    const behind = concrete.get(configured.table.toLowerCase()) ?? [configured.index];
    const others = new Set(
      behind.flatMap((index) => [...(holders.get(index) ?? [])]).filter((t) => t !== entry.plan.table),
    );
    if (others.size === 0) continue;
    const named = configured.index;
    const alias = behind.length === 1 && behind[0] === named ? "" : ` (an alias over ${behind.join(", ")})`;
    problems.push({
      kind: "bad-setting",
      name: configured.table,
      source: settingSource(configured, "index"),
      problem:
        `'${named}'${alias} is the index of table ${[...others].sort().join(", ")} too, and an index holds one ` +
        "table in the index-per-table layout. Name another index.",
    });
  }
  return problems;
}

/**
 * Column options that name a column no selected table has. Every table would be skipped for lacking
 * it, and a run that syncs nothing must not pass for one that synced everything.
 */
function unmatchedColumns(input: PlanInput, selected: readonly TableInput[]): PlanEntry[] {
  const settings = settingsByTable(input.tableSettings);
  const unmatched: PlanEntry[] = [];
  for (const column of ["id", "timestamp", "tombstone"] as const) {
    const name = input.names[column];
    const source = input.columnSources[column];
    // The key is the primary key; an id column given explicitly picks the tables keyed by it alone.
    if (column !== "timestamp" && source.kind === "default") continue;
    // A table that names its own column in the config file does not use the flag's.
    const using = selected.filter((t) => settings.get(t.name.toLowerCase())?.[column] === undefined);
    if (using.length === 0) continue;
    if (using.some((t) => t.columns.some((c) => c.name === name))) continue;
    const known = [...new Set(using.flatMap((t) => t.columns.map((c) => c.name)))].sort();
    unmatched.push({ kind: "unknown-column", column, name, source, closest: closestNames(name, known) });
  }
  return unmatched;
}

function knownNames(input: PlanInput): string[] {
  return [...new Set([...input.tables.map((t) => t.name), ...input.types.map((t) => t.name)])].sort();
}

function planOne(
  input: PlanInput,
  table: TableInput | undefined,
  type: TypeInput | undefined,
  key: string,
  settings: TableSettings | undefined,
  holders?: FieldHolders,
): PlanEntry {
  const name = table?.name ?? type?.name ?? key;
  const skip = (reason: string, waits = false): PlanEntry =>
    waits ? { kind: "skip", name, reason, waitsForOtherSide: true } : { kind: "skip", name, reason };
  if (table === undefined && type === undefined) {
    const given = input.include.find((n) => n.toLowerCase() === key) ?? key;
    return {
      kind: "unknown",
      option: "tables",
      name: given,
      closest: closestNames(given, knownNames(input)),
    };
  }
  if (type?.refusal !== undefined) return { kind: "refuse", name, reason: type.refusal };
  if (input.indexRefusal !== undefined) return { kind: "refuse", name, reason: input.indexRefusal };
  if (table === undefined && type !== undefined) {
    // A table created from a type whose version field is unusable could never be synced.
    if ("problem" in type.timestamp) return skip(`index ${type.index}: ${type.timestamp.problem}`);
    if (input.createTables) {
      const typeFilter = { field: input.typeField, queryField: input.typeQueryField, value: type.name };
      return {
        kind: "create-table",
        name: type.name,
        index: type.index,
        ...(input.layout === "type-field" ? { typeFilter } : {}),
      };
    }
    return skip(
      `no table ${input.keyspace}.${type.name} in Cassandra; pass --create-tables to create it from the index`,
      true,
    );
  }
  if (table === undefined) return skip("unreachable");
  if (!table.shape.supported) return skip(table.shape.reason);
  if (table.key === undefined) return skip("unreachable: a supported table without its key");
  const keyNames = [...table.key.partition, ...table.key.clustering].map((c) => c.name);
  // A table's own id is checked against its key with the other settings, and refused there.
  const ownId = settings?.id !== undefined;
  if (!ownId && input.columnSources.id.kind !== "default" && keyNames.join() !== input.names.id) {
    return skip(
      `its key is (${keyNames.join(", ")}), not the id column '${input.names.id}' that --id-column names`,
    );
  }
  // Skipped, the table would let the checkpoint move past its rows, which no later run reads again.
  // An empty index made ahead with its settings only is mapped as synced maps one it creates.
  const madeAhead =
    type?.empty === true && "problem" in type.timestamp && type.timestamp.mappedAs === undefined;
  if (type !== undefined && "problem" in type.timestamp && !madeAhead)
    return {
      kind: "refuse",
      name,
      reason: timestampRefusal(table.name, type.index, type.timestamp, input.layout === "type-field"),
    };
  if (type === undefined && input.direction === "to-cassandra") {
    return skip(`no index for ${table.name}, so nothing to copy to Cassandra`, true);
  }
  const index = type?.index ?? settings?.index ?? input.indexFor(table.name);
  // Cassandra folds unquoted names to lowercase; an index keeps the type's own spelling ("Users"),
  // in its type field and in each `_id`, and that is what selects its documents.
  const typeName = type?.name ?? table.name;
  const names = tableColumnNames(input.names, settings);
  const planned = withIndexPipelines(withDroppedColumns(applySettings(settings, table), table), type);
  const shared = type === undefined ? sharedTimestamp(input, fieldOf(planned, names.timestamp)) : undefined;
  if (shared !== undefined && "problem" in shared)
    return { kind: "refuse", name, reason: timestampRefusal(table.name, index, shared, true) };
  const plan: TablePlan = {
    keyspace: input.keyspace,
    table: table.name,
    shape: table.shape.shape,
    timestampType: table.shape.timestampType,
    names,
    key: table.key,
    ...planned,
    hasTombstone: table.shape.hasTombstone,
    timestampIndexed: table.timestampIndexed === true,
    ...(table.timestampIndexes ? { timestampIndexes: table.timestampIndexes } : {}),
    ...ttlOf(settings, table),
    ...(table.id ? { tableId: table.id } : {}),
    ...droppedUntilOf(table, planned.contentColumns),
    ...staticColumnsOf(table, planned.contentColumns),
    columnChoice: columnChoice(settings, names),
    es: {
      index,
      idPrefix: input.idPrefixFor(typeName),
      ...(input.layout === "type-field"
        ? { typeFilter: { field: input.typeField, queryField: input.typeQueryField, value: typeName } }
        : {}),
      timestampPrecision:
        type !== undefined && "precision" in type.timestamp
          ? type.timestamp.precision
          : (shared?.precision ?? "microsecond"),
      ...((type !== undefined && "precision" in type.timestamp ? type.timestamp : shared)?.digitsAsMillis
        ? { digitsAsMillis: true }
        : {}),
      ...(settings?.pipeline === undefined ? {} : { pipeline: settings.pipeline }),
      ...(settings?.routing === undefined ? {} : { routing: settings.routing }),
      ...nanosColumnsOf(planned, type),
    },
  };
  const routingRequired =
    type?.routingRequired ?? (input.layout === "type-field" && input.sharedRoutingRequired === true);
  if (routingRequired && plan.es.routing === undefined)
    return { kind: "refuse", name: table.name, reason: routingRefusal(table.name, index) };
  const unusable = unusableFields(plan);
  if (unusable !== undefined) return { kind: "refuse", name: table.name, reason: unusable };
  if (type?.fields === undefined) {
    const shared = type === undefined && input.layout === "type-field" && input.sharedFields !== undefined;
    return {
      kind: "sync",
      plan,
      createIndex: type === undefined || madeAhead,
      ...(shared ? { sharedIndexExists: true } : {}),
      ...(madeAhead ? { madeAhead: true } : {}),
    };
  }
  const conflicts = typeConflicts(plan, type.fields, input.layout, holders);
  if (conflicts !== undefined) return { kind: "refuse", name: table.name, reason: conflicts };
  // Like an index the run creates: its fields are mapped first, and the table is read whole.
  if (madeAhead) return { kind: "sync", plan, createIndex: true, madeAhead: true };
  const drift = schemaDrift(plan, table.columns, type.fields);
  const drifted = drift.newFields.length > 0 || drift.unmapped.length > 0;
  const withFields: TablePlan =
    drift.unmapped.length === 0
      ? plan
      : {
          ...plan,
          fieldsWithoutColumn: new Map(
            drift.unmapped.map((u) => [u.field, { type: u.type, creatable: "type" in u.column }]),
          ),
        };
  return { kind: "sync", plan: withFields, createIndex: false, ...(drifted ? { drift } : {}) };
}

/**
 * TablePlan.es.nanosColumns: the table's columns whose timestamps, the column's own or those in its
 * collections and UDT fields, go to a date_nanos field that refuses what it cannot hold.
 */
function nanosColumnsOf(
  planned: Pick<TablePlan, "contentColumns" | "fields">,
  type: TypeInput | undefined,
): { nanosColumns?: readonly NanosColumn[] } {
  const fields = type?.fields;
  if (fields === undefined) return {};
  const columns = planned.contentColumns.flatMap((column) => {
    const field = fieldOf(planned, column.name);
    const nanos = fields.get(field)?.dateNanos;
    // A field's own ignore_malformed overrides the index's setting.
    const refuses = (path: string): boolean =>
      nanos?.has(path) === true && !(nanos.get(path) ?? type?.ignoresMalformed === true);
    const nanosFields = timestampPaths(column.type)
      .filter(refuses)
      .map((path) => (path === "" ? field : `${field}.${path}`));
    return nanosFields.length === 0 ? [] : [{ name: column.name, type: column.type, field, nanosFields }];
  });
  return columns.length === 0 ? {} : { nanosColumns: columns };
}

/**
 * What the type-field layout's one index maps a table's version field as, where its type has no
 * document there yet: the index's mapping decides the precision as it does for a type with documents,
 * and a field mapped as anything but a date refuses the table alike. Undefined: another layout, no
 * index yet, or the field not mapped yet, which the run maps as it maps an index it creates.
 */
function sharedTimestamp(input: PlanInput, field: string): TimestampMapping | undefined {
  if (input.layout !== "type-field") return undefined;
  const mapped = input.sharedTimestamps?.get(field);
  if (mapped === undefined || ("problem" in mapped && mapped.mappedAs === undefined)) return undefined;
  return mapped;
}

/**
 * How long the table's rows live after their version: its settings' `ttl` (what its application
 * gives each write), else its default_time_to_live; nothing for rows that do not expire.
 */
/** The synced columns that were dropped and added again, with the last microsecond each drop hid. */
function droppedUntilOf(
  table: TableInput,
  columns: readonly { readonly name: string }[],
): { droppedUntil?: ReadonlyMap<string, bigint> } {
  const readded = table.readdedColumns;
  if (readded === undefined || readded.size === 0) return {};
  const synced = columns.flatMap((c) => {
    const until = readded.get(c.name);
    return until === undefined ? [] : [[c.name, until] as const];
  });
  return synced.length === 0 ? {} : { droppedUntil: new Map(synced) };
}

/** The settings' plan with the fields of the table's dropped columns left to others as well. */
function withDroppedColumns(planned: SettingsPlan, table: TableInput): SettingsPlan {
  const dropped = table.droppedColumns ?? [];
  const foreign = planned.foreignFields;
  if (dropped.length === 0 || foreign === "unlisted") return planned;
  return { ...planned, foreignFields: [...(foreign ?? []), ...dropped] };
}

/**
 * The settings' plan with every field that is no synced column's left to others where the index's own
 * settings name a pipeline, as a table's pipeline setting does: the fields it adds to each document
 * synced writes would otherwise send the document to the dead letters on the next read.
 */
function withIndexPipelines(planned: SettingsPlan, type: TypeInput | undefined): SettingsPlan {
  if ((type?.indexPipelines ?? []).length === 0) return planned;
  return { ...planned, foreignFields: "unlisted" };
}

/** The synced content columns that are static, where the table has any. */
function staticColumnsOf(
  table: TableInput,
  columns: readonly { readonly name: string }[],
): { staticColumns?: readonly string[] } {
  const statics = new Set(table.columns.filter((c) => c.kind === "static").map((c) => c.name));
  const synced = columns.filter((c) => statics.has(c.name)).map((c) => c.name);
  return synced.length === 0 ? {} : { staticColumns: synced };
}

function ttlOf(settings: TableSettings | undefined, table: TableInput): { defaultTtlSeconds?: number } {
  const seconds = settings?.ttl ?? table.defaultTtlSeconds ?? 0;
  return seconds > 0 ? { defaultTtlSeconds: seconds } : {};
}
