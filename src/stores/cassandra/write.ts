// Writes winning records into Cassandra without ever overwriting a newer application write.
//
// Cell write times, not the timestamp column, decide which Cassandra write survives. A write that wins
// by version is therefore made with USING TIMESTAMP above every cell it replaces (so it lands), yet
// below the time of any write made after we read the row (so a newer application write still wins).
// Versions lie before the range end, which lags behind now, so such a write time normally exists.
// When it does not (the cells were written moments ago), a lightweight transaction conditioned on what
// we read takes its place: its ballot time is above those cells, and its condition fails if anyone
// wrote in between. Cells written in the future are above any ballot: there only a write time above
// them lands, and it shadows no application write that those cells did not already shadow.
//
// Cassandra 4.1 cannot read the write time of a non-frozen collection's or UDT's cells (see
// fetch-current.ts). Over a row of a table with such columns, a write time above the cells it can
// read may still lie below those: the write would not land (the old elements would survive, or the
// new ones be shadowed). No write time is then known to land, so the row is written with a
// lightweight transaction, whose ballot is above every cell written before it and whose condition
// on the timestamp read still lets a newer application write win. A row that is absent has no
// cells to land over, and keeps the cheaper USING TIMESTAMP.
//
// A versioned table's new version row lands over no cells but its static columns' (one cell per
// partition, shared by every version row), whose write time is read with the newest row. A record
// absent from such a table may still have a partition of static cells, written at any time: it is
// written with a lightweight transaction, whose ballot is above them. A static column the record
// holds no value of is written null, since the row would otherwise show the partition's old value.
//
// Writes with USING TIMESTAMP go in small unlogged batches of rows on one replica set
// (write-batches.ts); each row keeps its own write time, so a batch lands what its rows would alone.
// Transactions are written one by one: Cassandra takes no condition across partitions.
import cassandra from "cassandra-driver";
import type { CurrentRecord } from "../../core/record.js";
import { millisFromMicros } from "../../core/micros.js";
import type { PlannedWrite, WriteOutcome } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { mapConcurrent } from "../../util/map-concurrent.js";
import { decodeValue } from "../values/decode.js";
import { keyValues } from "../values/key-codec.js";
import { isUuidKey } from "../../core/table-key.js";
import { keyColumnNames, timeuuidText } from "./row-codec.js";
import { quoteIdentifier as ident } from "../../core/cql-identifier.js";
import { tableRef } from "./cql.js";
import type { CassandraToken } from "./fetch-current.js";
import { secondsToLive } from "./row-expiry.js";
import { deterministicTimeuuid, topTimeuuid } from "./timeuuid.js";
import { chunkBySize } from "../../util/chunk-by-size.js";
import { refusedRowReason } from "./refused-row.js";
import { approximateRowSize, BATCH_BYTES, BATCH_ROWS, replicaSetOf } from "./write-batches.js";
import { ownValue } from "../../core/own-value.js";

export interface WriteSettings {
  readonly client: cassandra.Client;
  readonly consistency: number;
  readonly concurrency: number;
  readonly mode: "timestamp" | "lwt";
  /** Write times at or after `now - margin` could outrank an application write made after our read. */
  readonly marginMicros: bigint;
  readonly now: () => bigint;
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
  /** About how many bytes of rows one unlogged batch holds (write-batches.ts); 0: each row alone. */
  readonly batchBytes?: number;
}

interface Statement {
  /** A value for each column the table's statements set, in their order (`statementsOf`). */
  readonly values: unknown[];
}

/** The statements that write a table's rows, each setting its columns key first. */
interface TableStatements {
  /** How many of the first columns are the key. */
  readonly keyCount: number;
  readonly usingTimestamp: string;
  readonly ifNotExists: string;
  readonly ifTimestamp: string;
}

// A plan's columns are fixed for its run, so each statement's text is made once per table, not once
// per record (the driver looks prepared statements up by their text).
const statementsByPlan = new WeakMap<TablePlan, TableStatements>();

function statementsOf(plan: TablePlan): TableStatements {
  const known = statementsByPlan.get(plan);
  if (known !== undefined) return known;
  const table = tableRef(plan.keyspace, plan.table);
  const columns = [
    ...keyColumnNames(plan),
    plan.names.timestamp,
    ...(plan.hasTombstone ? [plan.names.tombstone] : []),
    ...plan.contentColumns.map((column) => column.name),
  ];
  const keyCount = keyColumnNames(plan).length;
  const names = columns.map(ident);
  const marks = names.map(() => "?").join(", ");
  const insert = `INSERT INTO ${table} (${names.join(", ")}) VALUES (${marks})`;
  const sets = names.slice(keyCount).map((n) => `${n} = ?`);
  const where = names.slice(0, keyCount).map((n) => `${n} = ?`);
  // A table whose rows expire gets each row's time to live as the last value (row-expiry.ts); an
  // UPDATE takes it before its SET, so first.
  const expires = plan.defaultTtlSeconds !== undefined;
  const made: TableStatements = {
    keyCount,
    usingTimestamp: `${insert} USING TIMESTAMP ?${expires ? " AND TTL ?" : ""}`,
    ifNotExists: `${insert} IF NOT EXISTS${expires ? " USING TTL ?" : ""}`,
    ifTimestamp:
      `UPDATE ${table}${expires ? " USING TTL ?" : ""} SET ${sets.join(", ")} WHERE ${where.join(" AND ")} ` +
      `IF ${ident(plan.names.timestamp)} = ?`,
  };
  statementsByPlan.set(plan, made);
  return made;
}

/** The values of a record's key columns, from its id; a uuid, the commonest key, parsed directly. */
function keyValuesOf(plan: TablePlan, id: string): unknown[] {
  return isUuidKey(plan.key) ? [cassandra.types.Uuid.fromString(id)] : keyValues(plan.key, id);
}

/** The write time that lands above every existing cell of the row. */
export function writeTimestamp(version: bigint, current: CurrentRecord<CassandraToken> | undefined): bigint {
  const above = current?.token.writetime === undefined ? version : current.token.writetime + 1n;
  return above > version ? above : version;
}

function timestampValue(plan: TablePlan, write: PlannedWrite, version: bigint): unknown {
  if (plan.timestampType === "timestamp") return new Date(millisFromMicros(version));
  const id = write.record.id;
  if (write.aboveTie !== true) {
    return cassandra.types.TimeUuid.fromString(deterministicTimeuuid(version, plan.table, id));
  }
  // Above every row of the version; where a tie was won here at this version before, that row holds
  // the top timeuuid already, and a write onto it would not land above its cells: one microsecond up.
  const top = topTimeuuid(version);
  const held = timeuuidText((write.current as CurrentRecord<CassandraToken> | undefined)?.token.timestamp);
  return held?.toLowerCase() === top
    ? cassandra.types.TimeUuid.fromString(deterministicTimeuuid(version + 1n, plan.table, id))
    : cassandra.types.TimeUuid.fromString(top);
}

const emptiesByPlan = new WeakMap<TablePlan, readonly unknown[]>();

/**
 * What each content column is bound to where the record holds no value: a new version row needs no
 * tombstones for its empty columns (unset), but a static column shared with the older rows does, as
 * does a replaced latest row (null).
 */
function emptiesOf(plan: TablePlan): readonly unknown[] {
  const known = emptiesByPlan.get(plan);
  if (known !== undefined) return known;
  const statics = new Set(plan.staticColumns ?? []);
  const made = plan.contentColumns.map((column) =>
    plan.shape === "versioned" && !statics.has(column.name) ? cassandra.types.unset : null,
  );
  emptiesByPlan.set(plan, made);
  return made;
}

/** Why `writeRecords` would refuse this write without sending it; undefined where it would send it. */
export function writeRefusal(plan: TablePlan, write: PlannedWrite): string | undefined {
  const statement = statementFor(plan, write, write.version);
  return typeof statement === "string" ? statement : undefined;
}

function statementFor(plan: TablePlan, write: PlannedWrite, version: bigint): Statement | string {
  const { record } = write;
  if (record.deleted && !plan.hasTombstone) {
    return (
      `table ${plan.keyspace}.${plan.table} has no tombstone column '${plan.names.tombstone}' to store this ` +
      `delete; add it with ALTER TABLE ${plan.keyspace}.${plan.table} ADD ${plan.names.tombstone} boolean`
    );
  }
  const empty = emptiesOf(plan);
  let values: unknown[];
  try {
    values = [...keyValuesOf(plan, record.id), timestampValue(plan, write, version)];
    if (plan.hasTombstone) values.push(record.deleted);
    plan.contentColumns.forEach((column, i) => {
      const value = ownValue(record.content, column.name);
      values.push(
        value === undefined || value === null ? empty[i] : decodeValue(value, column.type, column.name),
      );
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return { values };
}

/**
 * Whether a lightweight transaction, rather than USING TIMESTAMP, makes this write both land and
 * yield. `current` is the token of the row read, undefined when the row is absent.
 */
export function chooseLwt(
  settings: Pick<WriteSettings, "mode" | "marginMicros" | "now">,
  ts: bigint,
  current: Pick<CassandraToken, "writetime" | "partialWritetime"> | undefined,
): boolean {
  const now = settings.now();
  const writetime = current?.writetime;
  // No ballot lands above cells written in the future; a later write time does, above those known.
  if (writetime !== undefined && writetime >= now) return false;
  return settings.mode === "lwt" || current?.partialWritetime === true || ts >= now - settings.marginMicros;
}

export async function writeRecords(
  settings: WriteSettings,
  plan: TablePlan,
  writes: readonly PlannedWrite[],
): Promise<WriteOutcome[]> {
  // The same options for every write of the batch: the driver only reads them.
  const options: WriteOptions = {
    idempotent: { prepare: true, consistency: settings.consistency, isIdempotent: true },
    conditional: { prepare: true, consistency: settings.consistency },
    batch: { prepare: true, consistency: settings.consistency, isIdempotent: true, logged: false },
  };
  const texts = statementsOf(plan);
  const outcomes = new Array<WriteOutcome>(writes.length);
  // Promise chains rather than async functions below: a write is the innermost loop of a run toward
  // Cassandra, and each async frame costs every record its own allocations and a turn of the queue.
  const units: (() => Promise<void>)[] = [];
  const timestamped = new Map<string, Timestamped[]>();
  writes.forEach((write, index) => {
    const settle = (outcome: WriteOutcome): void => {
      outcomes[index] = outcome;
    };
    const failed = (error: unknown): void => {
      settle(outcomeOfFailure(error, plan, write));
    };
    const statement = statementFor(plan, write, write.version);
    if (typeof statement === "string") {
      settle({ status: "rejected", reason: statement });
      return;
    }
    const current = write.current as CurrentRecord<CassandraToken> | undefined;
    const ts = writeTimestamp(write.version, current);
    // At least a second: the engine leaves out records with none left, but the clock moved since.
    const ttl = secondsToLive(plan, write.version, settings.now);
    const ttlValue = ttl === undefined ? undefined : Math.max(1, ttl);
    const overStatics = current === undefined && plan.staticColumns !== undefined;
    if (overStatics || chooseLwt(settings, ts, current?.token)) {
      units.push(() =>
        writeConditional(settings, options, texts, plan, statement, current, ttlValue).then(settle, failed),
      );
      return;
    }
    const params = statement.values;
    params.push(ts);
    if (ttlValue !== undefined) params.push(ttlValue);
    const row: Timestamped = { params, settle, failed };
    const replicas = replicaSetOf(settings.client, plan.keyspace, plan.key, params);
    const group = replicas === undefined ? undefined : timestamped.get(replicas);
    if (replicas === undefined) units.push(() => writeTimestamped(settings, options, texts, row));
    else if (group === undefined) timestamped.set(replicas, [row]);
    else group.push(row);
  });
  for (const rows of timestamped.values()) {
    const maxBytes = settings.batchBytes ?? BATCH_BYTES;
    for (const chunk of chunkBySize(rows, sizeOfRow, { maxBytes, maxCount: BATCH_ROWS })) {
      const [only] = chunk;
      units.push(
        chunk.length === 1 && only !== undefined
          ? () => writeTimestamped(settings, options, texts, only)
          : () => writeBatch(settings, options, texts, chunk),
      );
    }
  }
  await mapConcurrent(units, settings.concurrency, (unit) => unit());
  return outcomes;
}

/** A write with USING TIMESTAMP, and where its outcome goes. */
interface Timestamped {
  /** The statement's values, the write time last. */
  readonly params: unknown[];
  readonly settle: (outcome: WriteOutcome) => void;
  readonly failed: (error: unknown) => void;
}

function sizeOfRow(row: Timestamped): number {
  return approximateRowSize(row.params);
}

function writeTimestamped(
  settings: WriteSettings,
  options: WriteOptions,
  texts: TableStatements,
  row: Timestamped,
): Promise<void> {
  return settings
    .retry(() => settings.client.execute(texts.usingTimestamp, row.params, options.idempotent))
    .then(() => {
      row.settle(WRITTEN);
    }, row.failed);
}

/**
 * Rows of one replica set in one unlogged batch, each with its own write time. A batch the node
 * refuses (a value it rejects, or more than it takes at once) is written again row by row, so that
 * only the rows at fault are rejected, each with its own reason.
 */
function writeBatch(
  settings: WriteSettings,
  options: WriteOptions,
  texts: TableStatements,
  rows: readonly Timestamped[],
): Promise<void> {
  const queries = rows.map((row) => ({ query: texts.usingTimestamp, params: row.params }));
  return settings
    .retry(() => settings.client.batch(queries, options.batch))
    .then(
      () => {
        for (const row of rows) row.settle(WRITTEN);
      },
      (error: unknown) => {
        if (!isRowFault(error)) throw error;
        return Promise.all(rows.map((row) => writeTimestamped(settings, options, texts, row))).then(
          () => undefined,
        );
      },
    );
}

const WRITTEN: WriteOutcome = Object.freeze({ status: "written" });
const CONFLICT: WriteOutcome = Object.freeze({ status: "conflict" });
const SENT_AGAIN: WriteOutcome = Object.freeze({ status: "conflict", sentAgain: true });

const ERROR_CODES = cassandra.types.responseErrorCodes as unknown as Record<string, number>;

/**
 * Whether the failure is a row's own: a value the driver cannot encode, or a statement the node
 * refuses. Not the node's or the network's, which outlived their retries.
 */
function isRowFault(error: unknown): error is TypeError | cassandra.errors.ResponseError {
  if (error instanceof TypeError) return true;
  return (
    error instanceof cassandra.errors.ResponseError &&
    (error.code === ERROR_CODES["invalid"] || error.code === ERROR_CODES["serverError"])
  );
}

/**
 * A refused statement (a mutation too large, a value the server rejects) is this record's fault and
 * goes to the dead letters; anything else transient that outlived its retries stops the run.
 */
function outcomeOfFailure(error: unknown, plan: TablePlan, write: PlannedWrite): WriteOutcome {
  if (!isRowFault(error)) throw error;
  if (error instanceof TypeError) {
    return {
      status: "rejected",
      reason: `a value of ${write.record.id} does not fit its column: ${error.message}`,
    };
  }
  return { status: "rejected", reason: refusedRowReason(plan.table, error.message) };
}

interface WriteOptions {
  /** A write with USING TIMESTAMP: repeated, it lands the same cells at the same write time. */
  readonly idempotent: cassandra.QueryOptions;
  /** A lightweight transaction, which the driver must not send again by itself (see writeConditional). */
  readonly conditional: cassandra.QueryOptions;
  /** An unlogged batch of writes with USING TIMESTAMP, as idempotent as its rows. */
  readonly batch: cassandra.QueryOptions;
}

function writeConditional(
  settings: WriteSettings,
  options: WriteOptions,
  texts: TableStatements,
  plan: TablePlan,
  statement: Statement,
  current: CurrentRecord<CassandraToken> | undefined,
  ttl: number | undefined,
): Promise<WriteOutcome> {
  // Not marked idempotent, so the driver never sends it again by itself; the retry does, after a
  // transient failure. That is safe because its condition is what was read: asked again after the
  // first one applied, the row is no longer absent, or no longer holds the timestamp read, and the
  // repeat answers "not applied". That is a conflict marked sent again: the engine reads the row, and
  // counts it written where it holds what this write sent.
  // (After a tie won by content the timestamp stays, and the repeat writes the same content again.)
  let cql: string;
  let params: unknown[];
  const expiry = ttl === undefined ? [] : [ttl];
  if (current === undefined || plan.shape === "versioned") {
    cql = texts.ifNotExists;
    params = [...statement.values, ...expiry];
  } else {
    const { keyCount } = texts;
    cql = texts.ifTimestamp;
    params = [
      ...expiry,
      ...statement.values.slice(keyCount),
      ...statement.values.slice(0, keyCount),
      current.token.timestamp,
    ];
  }
  let sent = 0;
  return settings
    .retry(() => {
      sent++;
      return settings.client.execute(cql, params, options.conditional);
    })
    .then(
      (result) => (result.wasApplied() ? WRITTEN : sent > 1 ? SENT_AGAIN : CONFLICT),
      (error: unknown) => {
        // A transaction that still timed out when its retries ran out may or may not have applied,
        // as may any of its earlier sendings: the engine reads the row again, as after a repeat.
        if (isUndecidedTransaction(error)) return SENT_AGAIN;
        throw error;
      },
    );
}

function isUndecidedTransaction(error: unknown): boolean {
  return (
    error instanceof cassandra.errors.ResponseError &&
    error.code === ERROR_CODES["writeTimeout"] &&
    String((error as { writeType?: unknown }).writeType) === "CAS"
  );
}
