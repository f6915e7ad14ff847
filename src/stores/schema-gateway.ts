// Reads both schemas, plans the tables, and creates what is missing: an index from a table's columns,
// or (only with --create-tables) a table from an index's mapping.
import { keyspaceNames, missingKeyspaceMessage } from "./cassandra/missing-keyspace.js";
import type { SearchClient } from "./search/search-client.js";
import type cassandra from "cassandra-driver";
import { ConfigError } from "../core/errors.js";
import { StoreError } from "./store-errors.js";
import { indexNotCreated } from "./search/index-not-created.js";
import { plannedWrites, refuseTemplatedIndex } from "./template-checks.js";
import { BLOCK_SETTINGS } from "./search/write-blocks.js";
import type { PlanSettings, SchemaSnapshot } from "../reconcile/plan-tables.js";
import type { MappedField } from "../reconcile/schema-drift.js";
import type { SchemaGateway } from "../reconcile/run-sync.js";
import type { Column, ColumnNames, TablePlan, TypeFilter } from "../reconcile/table-plan.js";
import { rethrowing } from "../util/rethrow.js";
import { cassandraFailure, hostStates } from "./cassandra/cassandra-errors.js";
import { readKeyspaceSchema } from "./cassandra/keyspace-schema.js";
import { awaitTimestampIndex, createTimestampIndex } from "./cassandra/timestamp-index.js";
import { createdKey, isKeyword, UUID_TERM } from "./cassandra/created-key.js";
import {
  columnTypeRefusal,
  timestampIndexRefusal,
  type CassandraCapabilities,
} from "./cassandra/capabilities.js";
import { ValueError } from "../core/value-error.js";
import { searchFailure } from "./search/search-failure.js";
import { isSearchError, SearchError } from "./search/search-error.js";
import { idPrefixForTable, indexForTable, type LayoutSettings } from "./search/index-layout.js";
import {
  discoverTypes,
  ensureTableIndex,
  keyMapping,
  timestampPrecision,
  type TableOverrides,
} from "./search/index-schema.js";
import { fieldOf } from "../core/column-field.js";
import { settingsOf, tableColumnNames, type TableSettings } from "../core/table-settings.js";
import { formatCqlType, formatCreateType, type UdtType } from "../core/cql-type.js";
import { quoteIdentifier } from "../core/cql-identifier.js";
import { keyColumns } from "../core/table-key.js";
import { cqlTypeForMapping, esMappingFor } from "./values/es-mapping.js";
import { copyTargets, mappedFields } from "./search/mapped-fields.js";
import type { FieldMapping, FieldMappings } from "./search/mapping.js";
import type { IndexSettings } from "./search/search-client.js";
import { settingsTogether } from "./search/settings-together.js";
import { fieldLimitRefusal } from "./search/field-limit.js";
import { FIELD_LIMIT_SETTING } from "./search/field-count.js";
import type { Query } from "./search/query.js";
import { durationMillis } from "../config/duration.js";

export interface SchemaSettings {
  readonly keyspace: string;
  readonly layout: LayoutSettings;
  /**
   * The names a table's shape is read with: which columns are the id, the version, the tombstone,
   * unless the table's settings name its own.
   */
  readonly names: ColumnNames;
  /** What the Cassandra cluster can do (connect.ts's clusterCapabilities). */
  readonly capabilities: CassandraCapabilities;
  /** The config file's per-table settings; absent: none. */
  readonly tableSettings?: readonly TableSettings[];
  /** --retry-window, which a dry run names where a run would wait out a block in vain. */
  readonly retryWindowMs: number;
}

/** What a run's plan is made with, from the options: its selection, its names and its layout. */
export function planSettings(
  settings: Omit<SchemaSettings, "capabilities">,
  selection: Pick<
    PlanSettings,
    "include" | "exclude" | "ownTables" | "createTables" | "direction" | "columnSources"
  >,
): PlanSettings {
  const { layout, tableSettings } = settings;
  return {
    keyspace: settings.keyspace,
    names: settings.names,
    layout: layout.layout,
    typeField: layout.typeField,
    indexFor: (table) => indexForTable(layout, table),
    idPrefixFor: (table) => idPrefixForTable(layout, table),
    ...selection,
    ...(tableSettings === undefined ? {} : { tableSettings }),
  };
}

/** What the table settings change in discovering the types: their indices, their timestamp fields. */
function tableOverrides(settings: Omit<SchemaSettings, "capabilities">): TableOverrides {
  const indices = new Map<string, string>();
  const timestampFields = new Map<string, string>();
  for (const table of settings.tableSettings ?? []) {
    const name = table.table.toLowerCase();
    if (table.index !== undefined) indices.set(name, table.index);
    const column = tableColumnNames(settings.names, table).timestamp;
    const field = table.rename?.find((r) => r.column === column)?.field ?? column;
    if (field !== settings.names.timestamp) timestampFields.set(name, field);
  }
  return { indices, timestampFields };
}

/** The settings that send every write to an index through an ingest pipeline; `_none` names none. */
const INDEX_PIPELINES = ["index.default_pipeline", "index.final_pipeline"] as const;

/** The setting that makes every field of an index keep what it cannot index, where the field says nothing. */
const IGNORE_MALFORMED = "index.mapping.ignore_malformed";

/**
 * The index settings a run reads, asked for together: a run needs an index's refresh interval (and,
 * sharded, its scroll-slice limit) before it syncs, and its uuid before its first write.
 */
const RUN_SETTINGS = [
  "index.uuid",
  "index.refresh_interval",
  "index.max_slices_per_scroll",
  IGNORE_MALFORMED,
  ...INDEX_PIPELINES,
  ...BLOCK_SETTINGS,
  FIELD_LIMIT_SETTING,
] as const;

/** The statements that make a table, or the ValueError saying why none can be made. */
type TableStatements = { readonly statements: string[] } | { readonly refusal: ValueError };

/** Made for one run (record-stores.ts): what it caches is read once per run, and again by the next. */
export class StoreSchemaGateway implements SchemaGateway {
  /** RUN_SETTINGS of each index, by the name asked with; a read that failed is not kept. */
  readonly #settingsRead = new Map<string, Promise<IndexSettings>>();
  /** What #tableStatements made of an index's mapping, for the check and the creation alike. */
  readonly #tablesMade = new Map<string, Promise<TableStatements>>();
  /**
   * The mapping of each index the run's plan was made from, by the name its type has there: a table
   * --create-tables makes is made from the mapping the plan saw, not one read again.
   */
  readonly #mappingsRead = new Map<string, FieldMappings>();

  constructor(
    private readonly cassandra: cassandra.Client,
    private readonly elasticsearch: SearchClient,
    private readonly settings: SchemaSettings,
  ) {}

  /** Both schemas: the keyspace's tables with their shapes, and the index's types. */
  async read(): Promise<SchemaSnapshot> {
    const s = this.settings;
    const overrides = tableOverrides(s);
    const [keyspace, discovery] = await Promise.all([
      rethrowing(
        () =>
          readKeyspaceSchema(this.cassandra, s.keyspace, (table) =>
            tableColumnNames(s.names, settingsOf(s.tableSettings, table)),
          ),
        (error) =>
          cassandraFailure(error, `read the schema of keyspace ${s.keyspace}`, () =>
            hostStates(this.cassandra),
          ),
      ),
      rethrowing(
        () => discoverTypes(this.elasticsearch, s.layout, s.names.timestamp, overrides),
        (error) =>
          searchFailure(error, `read the mappings of ${s.layout.index}`, this.elasticsearch.productName),
      ),
    ]);
    if (!keyspace.exists) {
      throw new ConfigError(
        "keyspace",
        undefined,
        missingKeyspaceMessage(s.keyspace, await keyspaceNames(this.cassandra)),
        {
          details: { keyspace: s.keyspace },
        },
      );
    }
    // Only a type refused nothing (a closed index's mapping is not read) and not behind an alias (its
    // first index's mapping is read only where that index's name matches the tables' pattern).
    for (const type of discovery.types)
      if (type.refusal === undefined && type.aliasOf === undefined)
        this.#mappingsRead.set(type.index, type.properties);
    const product = this.elasticsearch.productName;
    const shared = discovery.sharedProperties;
    // Every version field a table may have there: the timestamp column's, and each table's rename of it.
    const timestampFields = new Set([s.names.timestamp, ...overrides.timestampFields.values()]);
    await this.#settingsOfAll(
      discovery.types.filter((t) => t.refusal === undefined && t.aliasOf === undefined).map((t) => t.index),
    );
    const types = await Promise.all(
      discovery.types.map(async (type) => {
        const pipelines = type.refusal === undefined ? await this.#indexPipelines(type.index) : [];
        const lenient = type.refusal === undefined && (await this.#ignoresMalformed(type.index));
        return {
          ...type,
          fields: this.#onThisCluster(mappedFields(type.properties, product)),
          ...(pipelines.length === 0 ? {} : { indexPipelines: pipelines }),
          ...(lenient ? { ignoresMalformed: true } : {}),
        };
      }),
    );
    return {
      typeQueryField: discovery.typeQueryField,
      tables: keyspace.tables,
      types,
      ...(discovery.refusal === undefined ? {} : { indexRefusal: discovery.refusal }),
      ...(shared === undefined
        ? {}
        : {
            sharedFields: this.#onThisCluster(mappedFields(shared, product)),
            sharedTimestamps: new Map(
              [...timestampFields].map((field) => [field, timestampPrecision(shared, field)]),
            ),
          }),
      ...(discovery.sharedRoutingRequired ? { sharedRoutingRequired: true } : {}),
      ...(discovery.strayIndices === undefined ? {} : { strayIndices: discovery.strayIndices }),
    };
  }

  /**
   * The fields with the column --create-columns would make of each, less those this cluster cannot
   * hold (a vector before Cassandra 5.0), which get the reason and what to do instead.
   */
  #onThisCluster(fields: ReadonlyMap<string, MappedField>): ReadonlyMap<string, MappedField> {
    const { capabilities } = this.settings;
    return new Map(
      [...fields].map(([field, mapped]) => {
        if (!("type" in mapped.column)) return [field, mapped];
        const refusal = columnTypeRefusal(capabilities, field, mapped.type, mapped.column.type);
        if (refusal === undefined) return [field, mapped];
        const problem =
          `${refusal}. Create the column by hand, as another type that holds the field's values (such ` +
          "as list<float>), or list the table's other columns in its include setting in the config " +
          "file, so that synced leaves the field alone";
        return [field, { ...mapped, column: { problem } }];
      }),
    );
  }

  async createIndex(plan: TablePlan): Promise<string> {
    const made = await this.#ensureIndex(plan);
    if (made.created)
      await refuseTemplatedIndex(this.elasticsearch, {
        plan,
        index: made.index,
        shared: this.settings.layout.layout === "type-field",
      });
    return made.index;
  }

  plannedWrites(plan: TablePlan, createsIndex: boolean, writes: false | "run" | "replay"): Promise<string[]> {
    return plannedWrites(
      {
        client: this.elasticsearch,
        shared: this.settings.layout.layout === "type-field",
        pipelines: (index) => this.#indexPipelines(index),
        setting: async (index, name) => [...(await this.#settings([index], name)).values()].flat(),
        retryWindowMs: this.settings.retryWindowMs,
      },
      { plan, createsIndex, writes },
    );
  }

  async #ensureIndex(plan: TablePlan): Promise<{ index: string; created: boolean }> {
    try {
      const field = (column: string): string => fieldOf(plan, column);
      return await ensureTableIndex(this.elasticsearch, this.settings.layout, plan.es.index, {
        key: keyColumns(plan.key).map((c) => ({ ...c, name: field(c.name) })),
        timestamp: field(plan.names.timestamp),
        tombstone: field(plan.names.tombstone),
        content: plan.contentColumns.map((c) => ({ ...c, name: field(c.name) })),
        routed: plan.es.routing !== undefined,
      });
    } catch (error) {
      const failure = searchFailure(
        error,
        `create the index ${plan.es.index} for table ${plan.table}`,
        this.elasticsearch.productName,
      );
      // Only an alias that cannot be made points at the layout: -i names an index that exists, such as
      // one migrated from Elasticsearch 5/6, which cannot also be the alias over every table's index.
      const aliasTaken =
        error instanceof SearchError &&
        error.answer.status !== undefined &&
        error.answer.reason.startsWith("invalid_alias_name_exception");
      if (failure.kind !== "failed") throw failure;
      if (this.settings.layout.layout !== "index-per-table" || !aliasTaken) {
        // A refusal of this one index (the cluster's shard limit, a template that makes data streams
        // only, a setting it refuses) leaves the other tables to sync.
        if (error instanceof SearchError && error.answer.status === 400)
          throw indexNotCreated(plan, failure.message, error.answer.reason);
        throw failure;
      }
      throw new StoreError(
        `${failure.message} If an index named ${this.settings.layout.index} already exists (an index from ` +
          `Elasticsearch 5/6), use --layout type-field, or pick another -i.`,
        { table: plan.table, index: plan.es.index },
        { cause: error },
      );
    }
  }

  async scrollSliceLimits(indices: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const limits = new Map<string, number>();
    for (const [index, values] of await this.#settings(indices, "index.max_slices_per_scroll")) {
      const set = values.map(Number).filter(Number.isInteger);
      if (set.length > 0) limits.set(index, Math.min(...set));
    }
    return limits;
  }

  async refreshIntervals(indices: readonly string[]): Promise<ReadonlyMap<string, number | "off">> {
    const intervals = new Map<string, number | "off">();
    for (const [index, values] of await this.#settings(indices, "index.refresh_interval")) {
      // Behind an alias, the index that refreshes least often is the one a read may miss documents of.
      for (const interval of values.map(refreshInterval)) {
        const known = intervals.get(index);
        if (interval === undefined || known === "off") continue;
        if (interval === "off" || known === undefined || interval > known) intervals.set(index, interval);
      }
    }
    return intervals;
  }

  /** TypeInput.indexPipelines of the index (or the indices behind the alias) `index` names. */
  async #indexPipelines(index: string): Promise<string[]> {
    const found = new Set<string>();
    for (const name of INDEX_PIPELINES) {
      for (const values of (await this.#settings([index], name)).values())
        for (const value of values) if (value !== "_none") found.add(value);
    }
    return [...found].sort();
  }

  /** Whether every index `index` names keeps, by its settings, what its fields cannot index. */
  async #ignoresMalformed(index: string): Promise<boolean> {
    const values = [...(await this.#settings([index], IGNORE_MALFORMED)).values()].flat();
    return values.length > 0 && values.every((value) => value === "true");
  }

  /** The setting `name` of each of `indices` (each index behind an alias its own value), where set. */
  async #settings(indices: readonly string[], name: string): Promise<Map<string, string[]>> {
    const read = await Promise.all(
      indices.map(async (index) => {
        const settings = await rethrowing(
          () => this.#runSettings(index),
          (error) =>
            searchFailure(error, `read the settings of index ${index}`, this.elasticsearch.productName),
        );
        return [index, Object.values(settings).flatMap((s) => s[name] ?? [])] as const;
      }),
    );
    return new Map(read);
  }

  /** RUN_SETTINGS of each of `indices`, read together (settings-together.ts) where not read yet. */
  async #settingsOfAll(indices: readonly string[]): Promise<void> {
    const unread = indices.filter((index) => !this.#settingsRead.has(index));
    const found = await settingsTogether(this.elasticsearch, unread, RUN_SETTINGS);
    for (const [index, settings] of found)
      if (!this.#settingsRead.has(index)) this.#settingsRead.set(index, Promise.resolve(settings));
  }

  /** RUN_SETTINGS of the indices `index` names, read once per run, or again where `fresh`. */
  #runSettings(index: string, fresh = false): Promise<IndexSettings> {
    const known = this.#settingsRead.get(index);
    if (known !== undefined && !fresh) return known;
    const read = this.elasticsearch.readSettings(index, RUN_SETTINGS);
    this.#settingsRead.set(index, read);
    // An index missing now may be made later in the run, and a failed read is asked again.
    read.catch(() => {
      if (this.#settingsRead.get(index) === read) this.#settingsRead.delete(index);
    });
    return read;
  }

  async indexIdentity(plan: TablePlan, fresh = false): Promise<string | undefined> {
    const index = plan.es.index;
    let settings: IndexSettings;
    try {
      settings = await this.#runSettings(index, fresh);
    } catch (error) {
      if (isSearchError(error, "index-missing")) return undefined;
      throw searchFailure(error, `read the settings of index ${index}`, this.elasticsearch.productName);
    }
    const uuids = Object.keys(settings)
      .sort()
      .flatMap((name) => settings[name]?.["index.uuid"] ?? []);
    return uuids.length === 0 ? undefined : uuids.join("+");
  }

  /** The fields addFields maps for `columns`, by name. */
  #newFields(plan: TablePlan, columns: readonly Column[]): Record<string, FieldMapping> {
    const properties: Record<string, FieldMapping> = {};
    const keys = new Set(keyColumns(plan.key).map((c) => c.name));
    for (const column of columns) {
      properties[fieldOf(plan, column.name)] = keys.has(column.name)
        ? keyMapping(column)
        : esMappingFor(column.type);
    }
    return properties;
  }

  async fieldLimitRefusal(plan: TablePlan, columns: readonly Column[]): Promise<string | undefined> {
    const index = plan.es.index;
    return rethrowing(
      () =>
        fieldLimitRefusal(
          {
            productName: this.elasticsearch.productName,
            fieldCounts: (name) => this.elasticsearch.fieldCounts(name),
            // The limit is among the settings the run read of the index already.
            readSettings: (name) => this.#runSettings(name),
          },
          index,
          this.#newFields(plan, columns),
        ),
      (error) =>
        searchFailure(
          error,
          `read the mapping and settings of index ${index}`,
          this.elasticsearch.productName,
        ),
    );
  }

  async addFields(
    plan: TablePlan,
    columns: readonly Column[],
  ): Promise<readonly { readonly field: string; readonly type: string }[]> {
    const properties = this.#newFields(plan, columns);
    await rethrowing(
      () => this.elasticsearch.addFields({ index: plan.es.index, properties }),
      (error) =>
        searchFailure(error, `map new fields in index ${plan.es.index}`, this.elasticsearch.productName),
    );
    return Object.entries(properties).map(([field, mapping]) => ({ field, type: mapping.type ?? "object" }));
  }

  async documentsHolding(plan: TablePlan, fields: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const type = plan.es.typeFilter;
    const counts = await Promise.all(
      fields.map((field) => {
        const filter: Query[] = [{ exists: { field } }];
        if (type) filter.push({ term: { [type.queryField]: type.value } });
        return rethrowing(
          () => this.elasticsearch.count({ index: plan.es.index, query: { bool: { filter } } }),
          (error) =>
            searchFailure(
              error,
              `count the documents of ${plan.table} with field ${field}`,
              this.elasticsearch.productName,
            ),
        );
      }),
    );
    return new Map(fields.map((field, i) => [field, counts[i] ?? 0]));
  }

  async addColumn(plan: TablePlan, column: Column): Promise<void> {
    const q = quoteIdentifier;
    await rethrowing(
      () =>
        this.cassandra.execute(
          `ALTER TABLE ${q(plan.keyspace)}.${q(plan.table)} ADD ${q(column.name)} ${formatCqlType(column.type)}`,
        ),
      (error) =>
        cassandraFailure(error, `add column ${column.name} to ${plan.keyspace}.${plan.table}`, () =>
          hostStates(this.cassandra),
        ),
    );
  }

  checkTimestampIndexSupport(): void {
    const refusal = timestampIndexRefusal(this.settings.capabilities);
    if (refusal !== undefined) {
      throw new ConfigError("create-timestamp-index", undefined, refusal, {
        details: { cassandraRelease: this.settings.capabilities.release },
      });
    }
  }

  awaitTimestampIndex(
    plan: TablePlan,
    signal: AbortSignal,
    log: (message: string) => void,
  ): Promise<string[]> {
    return rethrowing(
      () => awaitTimestampIndex(this.cassandra, plan, signal, log),
      (error) =>
        cassandraFailure(
          error,
          `wait for the index on the ${plan.names.timestamp} column of ${plan.keyspace}.${plan.table}`,
          () => hostStates(this.cassandra),
        ),
    );
  }

  createTimestampIndex(
    plan: TablePlan,
    signal: AbortSignal,
    log?: (message: string) => void,
  ): Promise<string> {
    return rethrowing(
      () => createTimestampIndex(this.cassandra, plan, signal, log),
      (error) =>
        cassandraFailure(
          error,
          `index the ${plan.names.timestamp} column of ${plan.keyspace}.${plan.table}`,
          () => hostStates(this.cassandra),
        ),
    );
  }

  /**
   * Whether no document of the index (of the type, in an index types share) holds a keyword id that
   * is not a UUID (an empty one holds none).
   */
  async #allIdsUuids(
    index: string,
    field: string,
    properties: FieldMappings,
    type: TypeFilter | undefined,
  ): Promise<boolean> {
    if (!isKeyword(properties[field])) return false;
    const filter: Query[] = [{ exists: { field } }];
    if (type !== undefined) filter.push({ term: { [type.queryField]: type.value } });
    const others = await rethrowing(
      () =>
        this.elasticsearch.count({
          index,
          query: { bool: { filter, must_not: { regexp: { [field]: UUID_TERM } } } },
        }),
      (error) => searchFailure(error, `count the ids of index ${index}`, this.elasticsearch.productName),
    );
    return others === 0;
  }

  /** One row per version, PRIMARY KEY ((id), tmstmp) typed from the mapping (created-key.ts), plus a tombstone. */
  async createTable(name: string, index: string, type?: TypeFilter): Promise<void> {
    const { keyspace } = this.settings;
    const made = await this.#tableStatementsOnce(name, index, type);
    if ("refusal" in made) throw made.refusal;
    for (const statement of made.statements) {
      await rethrowing(
        () => this.cassandra.execute(statement),
        (error) =>
          cassandraFailure(error, `create table ${keyspace}.${name}`, () => hostStates(this.cassandra)),
      );
    }
  }

  async tableRefusal(name: string, index: string, type?: TypeFilter): Promise<string | undefined> {
    const made = await this.#tableStatementsOnce(name, index, type);
    return "refusal" in made ? made.refusal.message : undefined;
  }

  /**
   * #tableStatements, made once per run for a table: the run checks every table it would create
   * before it creates any, and creates each from the mapping it checked.
   */
  #tableStatementsOnce(name: string, index: string, type?: TypeFilter): Promise<TableStatements> {
    const key = JSON.stringify([name, index, type?.value ?? null]);
    const known = this.#tablesMade.get(key);
    if (known !== undefined) return known;
    const made = this.#tableStatements(name, index, type).then(
      (statements): TableStatements => ({ statements }),
      (error: unknown): TableStatements => {
        if (error instanceof ValueError) return { refusal: error };
        throw error;
      },
    );
    this.#tablesMade.set(key, made);
    // A failure of the cluster is asked again; a refusal stands for the run.
    made.catch(() => {
      if (this.#tablesMade.get(key) === made) this.#tablesMade.delete(key);
    });
    return made;
  }

  /** The mapping of `index` (of its first index, where it is an alias), as the cluster has it now. */
  async #readMapping(index: string): Promise<FieldMappings> {
    const mapping = await rethrowing(
      () => this.elasticsearch.readMappings({ index }),
      (error) => searchFailure(error, `read the mapping of index ${index}`, this.elasticsearch.productName),
    );
    return Object.values(mapping)[0] ?? {};
  }

  /**
   * The statements that make the table (its user-defined types first), or a ValueError naming the
   * field no column of this cluster can hold.
   */
  async #tableStatements(name: string, index: string, type?: TypeFilter): Promise<string[]> {
    const { keyspace, layout, capabilities } = this.settings;
    const names = tableColumnNames(this.settings.names, settingsOf(this.settings.tableSettings, name));
    const properties = this.#mappingsRead.get(index) ?? (await this.#readMapping(index));
    const reserved = new Set([names.id, names.timestamp, names.tombstone, layout.typeField]);
    // Another field's copy_to fills it at indexing, never in _source: a column of it would stay empty.
    const copied = new Set(copyTargets(properties));
    const columns: string[] = [];
    const udts: UdtType[] = [];
    for (const [field, property] of Object.entries(properties)) {
      if (copied.has(field)) continue;
      if (reserved.has(field) && !(layout.layout === "index-per-table" && field === layout.typeField))
        continue;
      const converted = cqlTypeForMapping(property, field, keyspace, this.elasticsearch.productName);
      const refusal = columnTypeRefusal(capabilities, field, property.type ?? "object", converted.type);
      if (refusal !== undefined) {
        throw new ValueError(
          "",
          `${refusal}. Create the table by hand, with a column of another type that holds the field's ` +
            "values (such as list<float>)",
        );
      }
      udts.push(...converted.udts);
      columns.push(`${quoteIdentifier(field)} ${formatCqlType(converted.type)}`);
    }
    const key = createdKey(
      properties,
      names,
      await this.#allIdsUuids(index, names.id, properties, type),
      this.elasticsearch.productName,
    );
    const q = quoteIdentifier;
    return [
      ...udts.map(formatCreateType),
      `CREATE TABLE IF NOT EXISTS ${q(keyspace)}.${q(name)} (${q(names.id)} ${key.id}, ${q(names.timestamp)} ${key.timestamp}, ` +
        `${q(names.tombstone)} boolean, ${columns.map((c) => `${c}, `).join("")}` +
        `PRIMARY KEY ((${q(names.id)}), ${q(names.timestamp)}))`,
    ];
  }
}

/** An index.refresh_interval in milliseconds, "off" for a negative one; undefined: not one synced reads. */
function refreshInterval(value: string): number | "off" | undefined {
  if (value.trim().startsWith("-")) return "off";
  const ms = durationMillis(value);
  return typeof ms === "number" ? ms : undefined;
}
