// The JSON shape of checkpoints, leases and runs, shared by the file and Elasticsearch backends.
// Positions travel as decimal strings, because JSON numbers lose microseconds past 2^53. Everything
// read back is checked field by field, so a damaged record is reported instead of half-used.
import type { Checkpoint, Lease, RunOutcome, RunRecord } from "./state-store.js";
import { RUN_OUTCOMES } from "./state-store.js";
import { CorruptStateError } from "./state-errors.js";
import { checkStateFormat } from "./state-format.js";
import { cutText } from "../util/cut-text.js";

export type JsonObject = Record<string, unknown>;

/** Where a record was read from and what the user can do about it, for `CorruptStateError`. */
export interface RecordSource {
  readonly location: string;
  readonly remedy: string;
}

export function checkpointToJson(checkpoint: Checkpoint): JsonObject {
  return {
    key: checkpoint.key,
    position: checkpoint.position.toString(),
    updatedAt: checkpoint.updatedAt.toISOString(),
    runId: checkpoint.runId,
    ...(checkpoint.covers === undefined ? {} : { covers: [...checkpoint.covers] }),
  };
}

export function checkpointFromJson(value: unknown, source: RecordSource): Checkpoint {
  const f = new FieldReader(value, source);
  f.format();
  const covers = f.optionalStrings("covers");
  return {
    key: f.string("key"),
    position: f.integer("position"),
    updatedAt: f.date("updatedAt"),
    runId: f.string("runId"),
    ...(covers === undefined ? {} : { covers }),
  };
}

export function leaseToJson(lease: Lease): JsonObject {
  return {
    key: lease.key,
    owner: lease.owner,
    holder: lease.holder,
    acquiredAt: lease.acquiredAt.toISOString(),
    expiresAt: lease.expiresAt.toISOString(),
  };
}

export function leaseFromJson(value: unknown, source: RecordSource): Lease {
  const f = new FieldReader(value, source);
  f.format();
  return {
    key: f.string("key"),
    owner: f.string("owner"),
    holder: f.string("holder"),
    acquiredAt: f.date("acquiredAt"),
    expiresAt: f.date("expiresAt"),
  };
}

export function runToJson(run: RunRecord): JsonObject {
  return {
    runId: run.runId,
    key: run.key,
    begin: run.begin.toString(),
    end: run.end.toString(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationMs: run.durationMs,
    outcome: run.outcome,
    ...(run.checkpointBefore === undefined ? {} : { checkpointBefore: run.checkpointBefore.toString() }),
    ...(run.checkpointAfter === undefined ? {} : { checkpointAfter: run.checkpointAfter.toString() }),
    counts: { ...run.counts },
    ...(run.message === undefined ? {} : { message: run.message }),
  };
}

export function runFromJson(value: unknown, source: RecordSource): RunRecord {
  const f = new FieldReader(value, source);
  f.format();
  const checkpointBefore = f.optionalInteger("checkpointBefore");
  const checkpointAfter = f.optionalInteger("checkpointAfter");
  const message = f.optionalString("message");
  return {
    runId: f.string("runId"),
    key: f.string("key"),
    begin: f.integer("begin"),
    end: f.integer("end"),
    startedAt: f.date("startedAt"),
    finishedAt: f.date("finishedAt"),
    durationMs: f.number("durationMs"),
    outcome: f.outcome("outcome"),
    ...(checkpointBefore === undefined ? {} : { checkpointBefore }),
    ...(checkpointAfter === undefined ? {} : { checkpointAfter }),
    counts: f.counts("counts"),
    ...(message === undefined ? {} : { message }),
  };
}

/** Reads typed fields from an untrusted object, failing with the field's name and what was wrong. */
export class FieldReader {
  private readonly object: JsonObject;

  constructor(
    value: unknown,
    private readonly source: RecordSource,
  ) {
    if (!isJsonObject(value)) this.fail(`expected a JSON object, found ${describe(value)}`);
    this.object = value;
  }

  /** The record's state format ('format'; none is format 1): a later one is refused before any field is read. */
  format(): void {
    checkStateFormat(this.object["format"], this.source.location, this.source.remedy);
  }

  string(name: string): string {
    const value = this.object[name];
    if (typeof value !== "string") this.fail(`'${name}' must be a string, found ${describe(value)}`);
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.object[name] == null ? undefined : this.string(name);
  }

  optionalStrings(name: string): string[] | undefined {
    const value = this.object[name];
    if (value == null) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
      this.fail(`'${name}' must be a list of strings, found ${describe(value)}`);
    }
    return value as string[];
  }

  integer(name: string): bigint {
    const value = this.object[name];
    if (typeof value !== "string" || !/^-?\d{1,19}$/.test(value)) {
      this.fail(`'${name}' must be a whole number of microseconds as a string, found ${describe(value)}`);
    }
    return BigInt(value);
  }

  optionalInteger(name: string): bigint | undefined {
    return this.object[name] == null ? undefined : this.integer(name);
  }

  number(name: string): number {
    const value = this.object[name];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.fail(`'${name}' must be a number, found ${describe(value)}`);
    }
    return value;
  }

  date(name: string): Date {
    const text = this.string(name);
    const date = new Date(text);
    if (Number.isNaN(date.getTime()))
      this.fail(`'${name}' must be an ISO-8601 time, found ${describe(text)}`);
    return date;
  }

  outcome(name: string): RunOutcome {
    const text = this.string(name);
    const outcome = RUN_OUTCOMES.find((o) => o === text);
    if (outcome === undefined)
      this.fail(`'${name}' must be one of ${RUN_OUTCOMES.join(", ")}, found ${describe(text)}`);
    return outcome;
  }

  counts(name: string): Record<string, number> {
    const value = this.object[name];
    if (!isJsonObject(value)) this.fail(`'${name}' must be an object of numbers, found ${describe(value)}`);
    const counts: Record<string, number> = {};
    for (const [count, n] of Object.entries(value)) {
      if (typeof n !== "number") this.fail(`'${name}.${count}' must be a number, found ${describe(n)}`);
      counts[count] = n;
    }
    return counts;
  }

  private fail(problem: string): never {
    throw new CorruptStateError(this.source.location, problem, this.source.remedy);
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return cutText(text, 60);
}
