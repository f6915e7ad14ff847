// One table holds every key's state. Each key has three partitions, one per kind, so the lease
// partition sees only lightweight transactions: mixing them with plain writes on the same cells
// breaks their guarantees. Runs cluster newest first, so "recent runs" is a plain LIMIT. Every row
// written carries the state format (state-format.ts); rows of the releases before it have none.
import cassandra from "cassandra-driver";
import type { Checkpoint, Lease, RunRecord } from "../state-store.js";
import { RUN_OUTCOMES } from "../state-store.js";
import { CorruptStateError } from "../state-errors.js";
import { checkStateFormat, STATE_FORMAT } from "../state-format.js";

export type Kind = "checkpoint" | "lease" | "run";

/** The clustering value of the single checkpoint and lease rows. */
export const SINGLE_ITEM = "";

export const COLUMNS = {
  key: "text",
  kind: "text",
  item: "text",
  format: "int",
  position: "bigint",
  updated_at: "timestamp",
  run_id: "text",
  covers: "set<text>",
  owner: "text",
  holder: "text",
  acquired_at: "timestamp",
  expires_at: "timestamp",
  range_begin: "bigint",
  range_end: "bigint",
  started_at: "timestamp",
  finished_at: "timestamp",
  duration_ms: "double",
  outcome: "text",
  checkpoint_before: "bigint",
  checkpoint_after: "bigint",
  counts: "map<text, double>",
  message: "text",
} as const;

/**
 * An empty set is no value in Cassandra, so a checkpoint that covers nothing would read back as one
 * that covers everything (Checkpoint.covers). Every saved set holds this item too, which no
 * `<table>:<direction>` is, and it is left out when read.
 */
export const COVERS_MARK = "";

/** Columns added after the first version: a table without them is one of an earlier version. */
export const ADDED_COLUMNS: readonly (keyof typeof COLUMNS)[] = ["covers", "format"];

export function createTableCql(table: string): string {
  const columns = Object.entries(COLUMNS).map(([name, type]) => `${name} ${type}`);
  return (
    `CREATE TABLE IF NOT EXISTS ${table} (${columns.join(", ")}, PRIMARY KEY ((key, kind), item)) ` +
    "WITH CLUSTERING ORDER BY (item DESC) AND comment = 'synced state: checkpoints, leases, run history'"
  );
}

/** ISO times have a fixed width for four-digit years, so the item sorts by finish time, then run id. */
export function runItem(run: RunRecord): string {
  return `${run.finishedAt.toISOString()}|${run.runId}`;
}

export function runValues(run: RunRecord): unknown[] {
  return [
    run.key,
    "run" satisfies Kind,
    runItem(run),
    STATE_FORMAT,
    run.runId,
    run.begin.toString(),
    run.end.toString(),
    run.startedAt,
    run.finishedAt,
    run.durationMs,
    run.outcome,
    run.checkpointBefore?.toString() ?? null,
    run.checkpointAfter?.toString() ?? null,
    { ...run.counts },
    run.message ?? null,
  ];
}

export const INSERT_RUN_COLUMNS =
  "key, kind, item, format, run_id, range_begin, range_end, started_at, finished_at, duration_ms, outcome, " +
  "checkpoint_before, checkpoint_after, counts, message";

/** Reads a row that should hold state, naming the row and column when it does not. */
export class RowReader {
  constructor(
    private readonly row: cassandra.types.Row,
    private readonly location: string,
    private readonly remedy: string,
  ) {}

  checkpoint(): Checkpoint {
    this.format();
    return {
      key: this.text("key"),
      position: this.bigint("position"),
      updatedAt: this.date("updated_at"),
      runId: this.text("run_id"),
      ...this.covers(),
    };
  }

  private covers(): { covers?: string[] } {
    const value: unknown = this.row.get("covers");
    if (value == null) return {};
    // An array (synced's own client reads a set so: cql-set.ts), or a Set where a client decodes sets so.
    const items: unknown[] =
      value instanceof Set ? [...(value as Set<unknown>)] : Array.isArray(value) ? value : [];
    if (items.length === 0 || items.some((item) => typeof item !== "string")) {
      this.fail("covers", "is not a set of text");
    }
    return { covers: (items as string[]).filter((item) => item !== COVERS_MARK).sort() };
  }

  lease(): Lease {
    this.format();
    return {
      key: this.text("key"),
      owner: this.text("owner"),
      holder: this.text("holder"),
      acquiredAt: this.date("acquired_at"),
      expiresAt: this.date("expires_at"),
    };
  }

  run(): RunRecord {
    this.format();
    const outcome = RUN_OUTCOMES.find((o) => o === this.text("outcome"));
    if (outcome === undefined) this.fail("outcome", `is not one of ${RUN_OUTCOMES.join(", ")}`);
    const before = this.optional("checkpoint_before", () => this.bigint("checkpoint_before"));
    const after = this.optional("checkpoint_after", () => this.bigint("checkpoint_after"));
    const message = this.optional("message", () => this.text("message"));
    const read: unknown = this.row.get("counts") ?? {};
    if (typeof read !== "object" || read === null) this.fail("counts", "is not a map");
    // A Map where the client is told to decode maps so, as synced's own client is: spread as an
    // object, it would be empty.
    const counts = read instanceof Map ? Object.fromEntries(read as Map<string, number>) : read;
    return {
      runId: this.text("run_id"),
      key: this.text("key"),
      begin: this.bigint("range_begin"),
      end: this.bigint("range_end"),
      startedAt: this.date("started_at"),
      finishedAt: this.date("finished_at"),
      durationMs: this.number("duration_ms"),
      outcome,
      ...(before === undefined ? {} : { checkpointBefore: before }),
      ...(after === undefined ? {} : { checkpointAfter: after }),
      counts: { ...(counts as Record<string, number>) },
      ...(message === undefined ? {} : { message }),
    };
  }

  /** A row of a later state format is refused before any column is read; none (a read without the column) is format 1. */
  private format(): void {
    checkStateFormat(this.row.get("format"), this.location, this.remedy);
  }

  private optional<T>(column: string, read: () => T): T | undefined {
    return this.row.get(column) == null ? undefined : read();
  }

  private text(column: string): string {
    const value: unknown = this.row.get(column);
    if (typeof value !== "string") this.fail(column, "is not set");
    return value;
  }

  private number(column: string): number {
    const value: unknown = this.row.get(column);
    if (typeof value !== "number") this.fail(column, "is not set");
    return value;
  }

  private date(column: string): Date {
    const value: unknown = this.row.get(column);
    if (!(value instanceof Date)) this.fail(column, "is not set");
    return value;
  }

  // The client decides whether bigint columns arrive as Long or as BigInt.
  private bigint(column: string): bigint {
    const value: unknown = this.row.get(column);
    if (typeof value === "bigint") return value;
    if (value instanceof cassandra.types.Long) return BigInt(value.toString());
    return this.fail(column, "is not set");
  }

  private fail(column: string, problem: string): never {
    throw new CorruptStateError(this.location, `column ${column} ${problem}`, this.remedy);
  }
}
