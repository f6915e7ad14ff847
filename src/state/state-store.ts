// The keyed state store: what the engine calls to continue where the last run of a configuration
// stopped, to keep two runs of one configuration from overlapping, and to remember recent runs.
// Positions are integer microseconds since the epoch, the unit every version is compared in.

export type StateBackend = "file" | "cassandra" | "elasticsearch";

/** How far a configuration's coverage reaches without a gap. */
export interface Checkpoint {
  readonly key: string;
  readonly position: bigint;
  readonly updatedAt: Date;
  /** The run that saved it. */
  readonly runId: string;
  /**
   * What the position covers from the earliest version on: `<table>:<direction>@<index uuid>` (or
   * `<table>:<direction>`, any index) for each table and direction the runs that moved it read
   * without a gap (reconcile/coverage.ts). A table or direction not listed (one left
   * out by --exclude-tables for a while, or a direction not synced until now) is read from the
   * earliest version by the next run, as a first run reads it. Absent: everything, as for a
   * checkpoint an earlier version of synced saved or one `synced state set` placed.
   */
  readonly covers?: readonly string[];
}

/** The right of one run to work on one key until `expiresAt`. */
export interface Lease {
  readonly key: string;
  /** The run id; leases are compared by it. */
  readonly owner: string;
  /** Where the run lives, such as `host:pid`, for messages only. */
  readonly holder: string;
  readonly acquiredAt: Date;
  readonly expiresAt: Date;
}

export type LeaseResult =
  | { readonly acquired: true; readonly lease: Lease; readonly tookOverFrom?: Lease }
  | { readonly acquired: false; readonly heldBy: Lease };

export type RunOutcome = "success" | "partial" | "failed" | "interrupted";

/** Whether a run of this outcome finished its range: a success, or one whose bad records wait as letters. */
export function finishedRange(outcome: RunOutcome): boolean {
  return outcome === "success" || outcome === "partial";
}

export interface RunRecord {
  readonly runId: string;
  readonly key: string;
  readonly begin: bigint;
  readonly end: bigint;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly outcome: RunOutcome;
  readonly checkpointBefore?: bigint;
  readonly checkpointAfter?: bigint;
  /** Totals by name, such as `written` or `deadLettered`. */
  readonly counts: Readonly<Record<string, number>>;
  readonly message?: string;
}

export const RUN_OUTCOMES: readonly RunOutcome[] = ["success", "partial", "failed", "interrupted"];

/** How many runs a store keeps per key unless told otherwise. */
export const DEFAULT_RUN_HISTORY_LIMIT = 50;

/** How long one operation of a store may take unless told otherwise (--state-timeout). */
export const DEFAULT_STATE_TIMEOUT_MS = 30_000;

/**
 * One backend's state. Every method takes a key that `validateStateKey` accepts. Stores never close
 * the clients they were given; `close` releases only what the store itself opened.
 */
export interface StateStore {
  readonly backend: StateBackend;
  /** Where the state lives, for messages: a directory, `keyspace.table`, or an index. */
  readonly location: string;

  getCheckpoint(key: string): Promise<Checkpoint | undefined>;
  /**
   * Unconditional: the engine decides with `nextCheckpoint` whether to move it. `covers` absent
   * saves a checkpoint that covers everything (Checkpoint.covers).
   */
  setCheckpoint(key: string, position: bigint, runId: string, covers?: readonly string[]): Promise<void>;
  /** Removes the checkpoint, so the next run starts from --begin; the run history stays. Absent is fine. */
  deleteCheckpoint(key: string): Promise<void>;

  /**
   * Takes the lease when nobody holds it, when it was released, or when it expired before `now`
   * (then `tookOverFrom` names the previous holder). Refuses when another owner holds a live lease.
   * Asking again for a live lease one already holds returns it unchanged; `renewLease` extends it.
   * Expiry is judged by the caller's clock, so the TTL must dwarf the clock skew between hosts.
   */
  acquireLease(key: string, owner: string, holder: string, ttlMs: number, now?: Date): Promise<LeaseResult>;
  /** Extends a lease that is still ours, even if expired. Throws `LeaseLostError` otherwise. */
  renewLease(lease: Lease, ttlMs: number, now?: Date): Promise<Lease>;
  /** Gives the lease up if it is still ours; does nothing if it is not. */
  releaseLease(lease: Lease): Promise<void>;
  /** The lease as stored, live or expired; undefined when none was taken or it was released. */
  getLease(key: string): Promise<Lease | undefined>;

  /** Saves a finished run and trims the oldest beyond the limit. Saving one record twice keeps one. */
  appendRun(run: RunRecord): Promise<void>;
  /** Newest first by `finishedAt`, then by run id; at most `limit` and at most the store's limit. */
  recentRuns(key: string, limit: number): Promise<RunRecord[]>;
  /**
   * Keys that have a checkpoint, a run history or a lease held or expired, sorted: a first run still
   * at work, or killed before it saved anything, leaves only its lease. A released lease is left out
   * (two backends delete it), as it keeps no run out and holds nothing to show.
   */
  listKeys(): Promise<string[]>;

  close(): Promise<void>;
}
