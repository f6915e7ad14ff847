// Errors that end a run early. Each says why and what the user can do about it.
import { SyncedError } from "../core/errors.js";
import type { Direction } from "../core/direction.js";
import { leaseEndWords, type LeaseEnd } from "./lease-end.js";
import { ownerWords, ownerWork } from "./lease-owner.js";

/** The error budget is spent: too many records failed, so the run stops and the checkpoint stays. */
export class CircuitOpenError extends SyncedError {
  override readonly kind = "circuit-open";

  constructor(limit: number, table: string, direction: Direction) {
    super(
      `more than ${limit} records failed (the last in table ${table}, ${direction}); the run stopped and the ` +
        `checkpoint did not move. Inspect the dead letters, fix the cause, and run again ` +
        `(or raise --max-errors if these failures are expected).`,
      { limit, table, direction },
    );
  }
}

/**
 * Another run of the same configuration, a replay or a change of its checkpoint holds the lease.
 * `backfill`: the work kept out is a run given -b, which need not wait: the lease, checkpoint and
 * letters are the name's, so under a --name of its own it runs beside the job and moves none of them.
 */
export class LeaseHeldError extends SyncedError {
  override readonly kind = "lease-held";

  constructor(
    key: string,
    holder: string,
    owner: string,
    expiresAt: Date,
    location: string,
    backfill = false,
  ) {
    super(
      `${ownerWork(owner)} of this configuration (state key '${key}') is in progress: ${ownerWords(owner)} on ` +
        `${holder} holds ` +
        `the lease in ${location} until ${expiresAt.toISOString()}. Wait for it to finish; if it died, its ` +
        `lease expires then and the next run takes it over.` +
        (backfill ? BESIDE : ""),
      { key, holder, owner, expiresAt: expiresAt.toISOString(), location },
    );
  }
}

const BESIDE =
  " Or, as a backfill (-b) can run beside it under a --name of its own, give this one another --name: " +
  "it then takes a lease of its own and moves no checkpoint of this configuration, and its dead letters " +
  "wait under that name (synced dead-letters list --name <that name> shows them).";

/**
 * The run was stopped by SIGINT or SIGTERM. Made when the signal comes, before the lease is let go, so
 * it names the lease only once `afterLease` is told what became of it.
 */
/** What a stopped run leaves, unless its command says otherwise (cli/stop-words.ts). */
export const RUN_STOP = "the checkpoint did not move";

export class InterruptedError extends SyncedError {
  override readonly kind = "interrupted";

  constructor(
    readonly signalName: string,
    lease?: LeaseEnd,
    /** What the stopped command leaves: a run its checkpoint, a replay its letters. */
    readonly kept = RUN_STOP,
  ) {
    const released = lease === undefined ? "" : `; ${leaseEndWords(lease)}`;
    super(`stopped by ${signalName}; ${kept}${released}`, {
      signal: signalName,
      ...(lease === undefined ? {} : { leaseReleased: lease.released }),
      ...(lease === undefined || lease.released ? {} : { leaseExpiresAt: lease.expiresAt.toISOString() }),
    });
  }

  /** The same stop, saying what became of the lease. */
  afterLease(lease: LeaseEnd): InterruptedError {
    return new InterruptedError(this.signalName, lease, this.kept);
  }
}

/**
 * Tables refused because a column's field in their index no longer fits the column, a column's field
 * is a name no document may hold, or the index is an alias over several: the other tables were
 * synced, but the range is not covered, so the checkpoint stays.
 */
export class TablesRefusedError extends SyncedError {
  /** `others`: whether any other table was synced in this run (or read, in a dry run). */
  constructor(refused: readonly { readonly name: string }[], others: boolean, dryRun = false) {
    const names = refused.map((r) => r.name);
    const done = dryRun ? "read (a dry run writes nothing)" : "synced";
    super(
      `${names.length === 1 ? "table" : "tables"} ${names.join(", ")} refused: cannot be synced as ` +
        `${names.length === 1 ? "it is" : "they are"} (a column's type or field name, or the index; the summary ` +
        `says which and what to do). ${others ? "Every" : "No"} other table was ${done}; ` +
        "the checkpoint did not move.",
      { tables: names },
    );
  }
}

/**
 * A table's index is not the one the run read before its first write: deleted during the run, and made
 * again, most likely by the cluster from the run's own later writes (conditional writes into an index
 * made that way still succeed). What was written before went with the first index. `product`: the
 * cluster's name, Elasticsearch or OpenSearch.
 */
export class IndexReplacedError extends SyncedError {
  constructor(table: string, index: string, product: string) {
    super(
      `index ${index} is not the one this run began writing table ${table} to: it was deleted during the ` +
        `run, and made again (by ${product} from a later write, with field types it guessed, unless ` +
        "action.auto_create_index forbids that; or by someone else). What the run wrote before went with " +
        `it. The run stopped without moving the checkpoint. If GET ${index}/_mapping shows such guesses ` +
        "(text with a keyword subfield for every string), delete the index; the next run creates it with " +
        "synced's mapping and copies the table whole.",
      { table, index },
    );
  }
}
