// In-memory stores behind the engine's own interfaces (RecordStore, StateStore, DeadLetterSink,
// SchemaGateway), for unit tests of the engine's orchestration. They implement the contracts, not
// Cassandra or Elasticsearch: integration tests use the real servers.
import { singleKey } from "../../src/core/table-key.js";
import type { Direction } from "../../src/core/direction.js";
import type { DeadLetter, DeadLetterSink } from "../../src/reconcile/dead-letter.js";
import type { PlanSettings, SchemaSnapshot, TableInput, TypeInput } from "../../src/reconcile/plan-tables.js";
import { makeRecord, type BadRecord, type CurrentRecord, type SyncRecord } from "../../src/core/record.js";
import type {
  PlannedWrite,
  RecordStore,
  ScanBatch,
  TimeRange,
  WriteOutcome,
} from "../../src/reconcile/record-store.js";
import type { SchemaGateway } from "../../src/reconcile/run-sync.js";
import type { MappedField } from "../../src/reconcile/schema-drift.js";
import type { Column, TablePlan } from "../../src/reconcile/table-plan.js";
import type { TableSize } from "../../src/reconcile/batch-budget.js";
import type { VersionPrecision } from "../../src/core/version.js";
import { decideOnLease, expiryAfter, newLease } from "../../src/state/lease-rule.js";
import { LeaseLostError } from "../../src/state/state-errors.js";
import type { Checkpoint, Lease, LeaseResult, RunRecord, StateStore } from "../../src/state/state-store.js";
import type { JsonValue } from "../../src/core/json-value.js";
import { SyncedError, type ConfigError } from "../../src/core/errors.js";

export function record(id: string, version: number, content: Record<string, JsonValue> = {}): SyncRecord {
  return makeRecord(id, BigInt(version), false, content);
}

export function plan(table = "things"): TablePlan {
  return {
    keyspace: "app",
    table,
    shape: "latest",
    timestampType: "timestamp",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    key: singleKey("id"),
    contentColumns: [],
    hasTombstone: false,
    es: { index: `app-${table}`, idPrefix: "", timestampPrecision: "microsecond" },
  };
}

/** A record store of one side: each record carries a write counter, its conditional-write token. */
export class MemoryRecordStore implements RecordStore {
  readonly records = new Map<string, { record: SyncRecord; writes: number }>();
  /** Scanned records that cannot become records, yielded with the first batch. */
  bad: BadRecord[] = [];
  /** What fetchCurrent answers for an id instead of the record, such as an unreadable one. */
  readonly unreadable = new Map<string, BadRecord>();
  /** Ids whose writes the store refuses, with the reason. */
  readonly refuse = new Map<string, string>();
  /** Runs after fetchCurrent answered and before a write lands: a concurrent writer. */
  beforeWrite: ((store: MemoryRecordStore) => void) | undefined;
  /** Every write batch, for assertions. */
  readonly writeCalls: SyncRecord[][] = [];
  /** Every fetchCurrent call's ids, for assertions. */
  readonly fetchCalls: string[][] = [];
  failScan: Error | undefined;
  /** Rows each scan batch says it read, as a whole-table read does; undefined: none said. */
  readPerBatch: number | undefined;
  /** When set, writes wait for it: a slow store. */
  writeGate: Promise<void> | undefined;
  /** Whether the store offers create-only writes into an empty table (emptyForCreates). */
  createsWhenEmpty = false;
  /**
   * Whether emptyForCreates sees no records though the store holds some: an index whose count sees
   * only what its last refresh made visible.
   */
  countsBeforeRefresh = false;
  /**
   * Whether each write batch's answer is lost after it landed, so that it is sent again: what the first
   * sending wrote answers the repeat as a conflict, marked sent again.
   */
  losesAnswers = false;
  /** Runs between a lost answer and the repeat: another writer in between. */
  beforeRepeat: ((store: MemoryRecordStore) => void) | undefined;
  /** Whether records carry a tag that changes with each write (as Elasticsearch documents do). */
  tagged = false;
  /** What tableSize answers: the size the store tells of its records (batch-budget.ts). */
  size: TableSize | undefined;
  /** The plan of every scan, for assertions. */
  readonly scannedPlans: TablePlan[] = [];
  /** Set: records of a version before this would have expired here (a table's default TTL). */
  expiredBefore: bigint | undefined;

  expired(_plan: TablePlan, version: bigint): boolean {
    return this.expiredBefore !== undefined && version < this.expiredBefore;
  }

  constructor(
    readonly side: "cassandra" | "elasticsearch",
    private readonly precision: VersionPrecision = "microsecond",
    private readonly batchSize = 2,
  ) {}

  get name(): string {
    return this.side === "cassandra" ? "Cassandra" : "Elasticsearch";
  }

  put(...records: SyncRecord[]): this {
    for (const r of records) {
      const writes = (this.records.get(r.id)?.writes ?? 0) + 1;
      this.records.set(r.id, { record: r, writes });
    }
    return this;
  }

  #tagged(r: SyncRecord, writes: number): SyncRecord {
    return this.tagged ? { ...r, tag: { high: 1, low: writes } } : r;
  }

  get(id: string): SyncRecord | undefined {
    return this.records.get(id)?.record;
  }

  versionPrecision(): VersionPrecision {
    return this.precision;
  }

  tableSize(): Promise<TableSize | undefined> {
    return Promise.resolve(this.size);
  }

  async *scan(plan: TablePlan, range: TimeRange): AsyncIterable<ScanBatch> {
    this.scannedPlans.push(plan);
    await Promise.resolve();
    if (this.failScan) throw this.failScan;
    const inRange = [...this.records.values()]
      .map((e) => this.#tagged(e.record, e.writes))
      // As the real stores do: with a future limit, the scan reads on past the end.
      .filter((r) => r.version >= range.begin && (range.futureLimit !== undefined || r.version < range.end))
      .sort((a, b) => a.id.localeCompare(b.id));
    let bad = this.bad;
    for (let i = 0; i === 0 || i < inRange.length; i += this.batchSize) {
      const records = inRange.slice(i, i + this.batchSize);
      yield this.readPerBatch === undefined ? { records, bad } : { records, bad, read: this.readPerBatch };
      bad = [];
    }
  }

  fetchCurrent(_plan: TablePlan, ids: readonly string[]): Promise<Map<string, CurrentRecord | BadRecord>> {
    this.fetchCalls.push([...ids]);
    const found = new Map<string, CurrentRecord | BadRecord>();
    for (const id of ids) {
      const bad = this.unreadable.get(id);
      const entry = this.records.get(id);
      if (bad) found.set(id, bad);
      else if (entry) found.set(id, { ...this.#tagged(entry.record, entry.writes), token: entry.writes });
    }
    return Promise.resolve(found);
  }

  emptyForCreates(): Promise<boolean> {
    return Promise.resolve(this.createsWhenEmpty && (this.countsBeforeRefresh || this.records.size === 0));
  }

  /** Tables whose every write fails with the error given (an index blocked for writes). */
  readonly blockedTables = new Map<string, Error>();

  async write(plan: TablePlan, writes: readonly PlannedWrite[]): Promise<WriteOutcome[]> {
    await this.writeGate;
    const blocked = this.blockedTables.get(plan.table);
    if (blocked) throw blocked;
    this.beforeWrite?.(this);
    this.writeCalls.push(writes.map((w) => w.record));
    if (this.losesAnswers) {
      this.#land(writes);
      this.beforeRepeat?.(this);
      return this.#land(writes).map((o) =>
        o.status === "conflict" ? { status: "conflict", sentAgain: true } : o,
      );
    }
    return this.#land(writes);
  }

  #land(writes: readonly PlannedWrite[]): WriteOutcome[] {
    return writes.map((w): WriteOutcome => {
      const refused = this.refuse.get(w.record.id);
      if (refused !== undefined) return { status: "rejected", reason: refused };
      const held = this.records.get(w.record.id)?.writes;
      const expected = w.current?.token as number | undefined;
      if (held !== expected) return { status: "conflict" };
      this.put({ ...w.record, version: w.version });
      const writes = this.records.get(w.record.id)?.writes ?? 0;
      return this.tagged ? { status: "written", tag: { high: 1, low: writes } } : { status: "written" };
    });
  }
}

/** Holds letters until `flush`, as the real sink may, so a test sees only what the engine flushed. */
export class MemoryDeadLetters implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  readonly location = "memory";
  /** What the engine said it reconciled, as "<direction> <id>": whose letters a run settles. */
  readonly settledRecords: string[] = [];
  #held: DeadLetter[] = [];

  settle(_table: string, direction: Direction, id: string): void {
    this.settledRecords.push(`${direction} ${id}`);
  }

  get count(): number {
    return this.letters.length + this.#held.length;
  }

  put(letter: DeadLetter): Promise<void> {
    this.#held.push(letter);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    this.letters.push(...this.#held);
    this.#held = [];
    return Promise.resolve();
  }
}

export class MemoryStateStore implements StateStore {
  readonly backend = "file";
  readonly location = "memory";
  readonly checkpoints = new Map<string, Checkpoint>();
  readonly leases = new Map<string, Lease>();
  readonly runs: RunRecord[] = [];

  getCheckpoint(key: string): Promise<Checkpoint | undefined> {
    return Promise.resolve(this.checkpoints.get(key));
  }

  setCheckpoint(key: string, position: bigint, runId: string, covers?: readonly string[]): Promise<void> {
    this.checkpoints.set(key, { key, position, runId, updatedAt: new Date(), ...(covers ? { covers } : {}) });
    return Promise.resolve();
  }

  deleteCheckpoint(key: string): Promise<void> {
    this.checkpoints.delete(key);
    return Promise.resolve();
  }

  /**
   * The backends' rule (decideOnLease), without their compare-and-set, since one test runs one thread;
   * like theirs, a refusal of the time-to-live comes as a rejected promise.
   */
  acquireLease(
    key: string,
    owner: string,
    holder: string,
    ttlMs: number,
    now = new Date(),
  ): Promise<LeaseResult> {
    return Promise.resolve().then((): LeaseResult => {
      const held = this.leases.get(key);
      const decision = held === undefined ? "take-over" : decideOnLease(held, owner, now);
      if (held !== undefined && decision === "refuse") return { acquired: false, heldBy: held };
      if (held !== undefined && decision === "already-held") return { acquired: true, lease: held };
      const lease = newLease(key, owner, holder, ttlMs, now);
      this.leases.set(key, lease);
      return held === undefined ? { acquired: true, lease } : { acquired: true, lease, tookOverFrom: held };
    });
  }

  renewLease(lease: Lease, ttlMs: number, now = new Date()): Promise<Lease> {
    return Promise.resolve().then(() => {
      const held = this.leases.get(lease.key);
      if (held?.owner !== lease.owner) throw new LeaseLostError(lease.key, lease.owner, held?.owner);
      const renewed = { ...held, expiresAt: expiryAfter(now, ttlMs) };
      this.leases.set(lease.key, renewed);
      return renewed;
    });
  }

  releaseLease(lease: Lease): Promise<void> {
    if (this.leases.get(lease.key)?.owner === lease.owner) this.leases.delete(lease.key);
    return Promise.resolve();
  }

  getLease(key: string): Promise<Lease | undefined> {
    return Promise.resolve(this.leases.get(key));
  }

  appendRun(run: RunRecord): Promise<void> {
    this.runs.push(run);
    return Promise.resolve();
  }

  recentRuns(key: string, limit: number): Promise<RunRecord[]> {
    return Promise.resolve(
      this.runs
        .filter((r) => r.key === key)
        .slice(-limit)
        .reverse(),
    );
  }

  listKeys(): Promise<string[]> {
    const keys = [...this.checkpoints.keys(), ...this.runs.map((r) => r.key), ...this.leases.keys()];
    return Promise.resolve([...new Set(keys)].sort());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A latest table of `id`, `tmstmp` and `v`, as the schema gateway reads it. */
export function tableInput(
  name: string,
  options: { shape?: TableInput["shape"]; timestampIndexed?: boolean } = {},
): TableInput {
  return {
    name,
    shape: options.shape ?? {
      supported: true,
      shape: "latest",
      timestampType: "timestamp",
      hasTombstone: false,
    },
    content: [],
    key: singleKey("id"),
    columns: [{ name: "id" }, { name: "tmstmp" }, { name: "v" }],
    ...(options.timestampIndexed === undefined ? {} : { timestampIndexed: options.timestampIndexed }),
  };
}

/** A type whose index is `app-<name>`, with a date_nanos version field. */
export function typeInput(
  name: string,
  timestamp: TypeInput["timestamp"] = { precision: "microsecond" },
): TypeInput {
  return { name, index: `app-${name}`, timestamp };
}

/** The plan settings of keyspace and index `app`, one index per table, as the options give them. */
export function planSettings(overrides: Partial<PlanSettings> = {}): PlanSettings {
  const byDefault = { kind: "default" } as const;
  return {
    keyspace: "app",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    columnSources: { id: byDefault, timestamp: byDefault, tombstone: byDefault },
    layout: "index-per-table",
    typeField: "type",
    indexFor: (table) => `app-${table}`,
    idPrefixFor: () => "",
    include: [],
    exclude: [],
    createTables: false,
    direction: "both",
    ...overrides,
  };
}

/**
 * Both schemas, as given: tables by name (see tableInput) and the types of the index. Creating a
 * table or an index is recorded, or fails as told; a created table is read from then on.
 */
export class MemorySchema implements SchemaGateway {
  readonly createdIndices: string[] = [];
  readonly createdTables: string[] = [];
  createTableError: Error | undefined;
  readonly tables: TableInput[];
  readonly types: TypeInput[];

  constructor(tables: readonly (string | TableInput)[], types: readonly (string | TypeInput)[] = []) {
    this.tables = tables.map((t) => (typeof t === "string" ? tableInput(t) : t));
    this.types = types.map((t) => (typeof t === "string" ? typeInput(t) : t));
  }

  /** SchemaSnapshot.strayIndices. */
  strayIndices: readonly string[] = [];

  /** The type-field layout's one index, where it exists, and what it maps (SchemaSnapshot.sharedFields). */
  sharedIndex: { readonly name: string; readonly fields: ReadonlyMap<string, MappedField> } | undefined;

  read(): Promise<SchemaSnapshot> {
    return Promise.resolve({
      typeQueryField: "type",
      tables: [...this.tables],
      types: [...this.types],
      ...(this.strayIndices.length > 0 ? { strayIndices: this.strayIndices } : {}),
      ...(this.sharedIndex === undefined ? {} : { sharedFields: this.sharedIndex.fields }),
    });
  }

  /** Tables whose index the cluster will not create, with the error it fails with. */
  readonly indexRefusals = new Map<string, Error>();

  createIndex(p: TablePlan): Promise<string> {
    const refusal = this.indexRefusals.get(p.table);
    if (refusal) return Promise.reject(refusal);
    this.createdIndices.push(p.es.index);
    return Promise.resolve(p.es.index);
  }

  readonly timestampIndexes: string[] = [];
  /** Set: the server cannot hold a timestamp index, and checkTimestampIndexSupport throws this. */
  timestampIndexRefusal: ConfigError | undefined;

  checkTimestampIndexSupport(): void {
    if (this.timestampIndexRefusal) throw this.timestampIndexRefusal;
  }

  /** The index.max_slices_per_scroll of the indices that set one. */
  readonly sliceLimits = new Map<string, number>();

  scrollSliceLimits(indices: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return Promise.resolve(
      new Map(indices.flatMap((i) => (this.sliceLimits.has(i) ? [[i, this.sliceLimits.get(i) ?? 0]] : []))),
    );
  }

  /** The index.refresh_interval of the indices that set one. */
  readonly refreshSettings = new Map<string, number | "off">();

  refreshIntervals(indices: readonly string[]): Promise<ReadonlyMap<string, number | "off">> {
    return Promise.resolve(
      new Map(
        indices.flatMap((i) => {
          const interval = this.refreshSettings.get(i);
          return interval === undefined ? [] : [[i, interval] as const];
        }),
      ),
    );
  }

  /** Tables whose timestamp index exists and is still being built; awaitTimestampIndex waits them out. */
  readonly buildingTimestampIndexes = new Set<string>();
  readonly awaitedTimestampIndexes: string[] = [];

  awaitTimestampIndex(p: TablePlan): Promise<string[]> {
    if (!this.buildingTimestampIndexes.delete(p.table)) return Promise.resolve([]);
    this.awaitedTimestampIndexes.push(p.table);
    return Promise.resolve([`${p.keyspace}.${p.table}_tmstmp_idx`]);
  }

  createTimestampIndex(p: TablePlan): Promise<string> {
    this.timestampIndexes.push(p.table);
    return Promise.resolve(`${p.keyspace}.${p.table}_tmstmp_idx`);
  }

  /** Why a table cannot be made from a type's mapping, by the type's name (tableRefusal). */
  readonly tableRefusals = new Map<string, string>();

  tableRefusal(name: string): Promise<string | undefined> {
    return Promise.resolve(this.tableRefusals.get(name));
  }

  createTable(name: string): Promise<void> {
    const refusal = this.tableRefusals.get(name);
    if (refusal !== undefined) return Promise.reject(new SyncedError(refusal));
    if (this.createTableError) return Promise.reject(this.createTableError);
    this.createdTables.push(name);
    this.tables.push(tableInput(name));
    return Promise.resolve();
  }

  /** Fields mapped in existing indices, as `table.field`; set addFieldsError to have them refused. */
  readonly addedFields: string[] = [];
  addFieldsError: Error | undefined;

  addFields(p: TablePlan, columns: readonly Column[]): Promise<readonly { field: string; type: string }[]> {
    if (this.addFieldsError) return Promise.reject(this.addFieldsError);
    this.addedFields.push(...columns.map((c) => `${p.table}.${c.name}`));
    return Promise.resolve(columns.map((c) => ({ field: c.name, type: "keyword" })));
  }

  /** How many documents hold each field, by `table.field`; none where absent. */
  readonly documentsWith = new Map<string, number>();

  documentsHolding(p: TablePlan, fields: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return Promise.resolve(new Map(fields.map((f) => [f, this.documentsWith.get(`${p.table}.${f}`) ?? 0])));
  }

  /** Columns added, as `table.column`; the table is read with them from then on. */
  readonly addedColumns: string[] = [];

  addColumn(p: TablePlan, column: Column): Promise<void> {
    this.addedColumns.push(`${p.table}.${column.name}`);
    const at = this.tables.findIndex((t) => t.name === p.table);
    const table = this.tables[at];
    if (table !== undefined) {
      this.tables[at] = {
        ...table,
        content: [...table.content, column],
        columns: [...table.columns, { name: column.name }],
      };
    }
    return Promise.resolve();
  }
}
