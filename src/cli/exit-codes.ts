// Exit codes a CronJob or a wrapper script can act on. Documented in the README; keep them stable.
import { SyncedError, type FailureKind } from "../core/errors.js";
import type { RunOutcome } from "../state/state-store.js";
import { INTERRUPTED_EXIT } from "./signals.js";

export const EXIT = {
  /** Every table in every direction finished; no dead letter is waiting. */
  success: 0,
  /** The run failed; the checkpoint did not move. */
  failure: 1,
  /**
   * Bad flags, environment, config file or state location; nothing was done. Also a command that only
   * looks (status, dead-letters) at a location where no run made a store: it creates none.
   */
  usage: 2,
  /** The run finished, but dead letters are waiting, put by this run or an earlier one. */
  partial: 3,
  /** Another run of the same configuration holds the lease; nothing was done. */
  leaseHeld: 4,
  /** A store could not be reached or refused the credentials or a privilege; the checkpoint did not move. */
  unreachable: 5,
  /** More records failed than --max-errors allows; the run stopped, the checkpoint did not move. */
  circuitOpen: 6,
  /** synced verify: the two sides differ (it lists how). */
  differ: 7,
  /** Stopped by SIGINT or SIGTERM; the checkpoint did not move, the lease was let go where the store answered. */
  interrupted: INTERRUPTED_EXIT,
} as const;

const BY_KIND: Readonly<Record<FailureKind, number>> = {
  failed: EXIT.failure,
  usage: EXIT.usage,
  unreachable: EXIT.unreachable,
  "lease-held": EXIT.leaseHeld,
  "circuit-open": EXIT.circuitOpen,
  interrupted: EXIT.interrupted,
};

/** `waiting`: dead letters of this configuration that wait after the run, its own and earlier ones. */
export function exitCodeForOutcome(outcome: RunOutcome, error: Error | undefined, waiting = 0): number {
  if (outcome === "success") return waiting > 0 ? EXIT.partial : EXIT.success;
  if (outcome === "partial") return EXIT.partial;
  if (outcome === "interrupted") return EXIT.interrupted;
  return error === undefined ? EXIT.failure : exitCodeForError(error);
}

/** The exit code of an error; anything outside synced's hierarchy is a bug and exits 1. */
export function exitCodeForError(error: unknown): number {
  return error instanceof SyncedError ? BY_KIND[error.kind] : EXIT.failure;
}
