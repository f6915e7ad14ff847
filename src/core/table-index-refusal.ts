// A search cluster that refuses one table's index (it will not create it, or the index is blocked for
// writes) refuses that table, not the keyspace's other tables: the engine refuses the table and syncs
// the others, and the run ends with exit 1 and the checkpoint where it was. Stopping the run instead
// left every table after it unsynced, run after run, in a keyspace of many tables. The adapters throw
// it and the engine catches it, so it lives here, beside the errors both import.
import { SyncedError } from "./errors.js";

export class TableIndexRefusedError extends SyncedError {
  /** Why the table is refused and what to do, without what becomes of the run (the run's message says). */
  readonly reason: string;
  readonly table: string;
  /** The reason as a letter that a replay failed again for it keeps: what to do before replaying it. */
  readonly replayReason: string;

  constructor(
    table: string,
    reason: string,
    runEnd: string,
    details: Record<string, unknown> = {},
    replayReason = reason,
  ) {
    super(`${reason} ${runEnd}`, { ...details, table });
    this.table = table;
    this.reason = reason;
    this.replayReason = replayReason;
  }
}
