// Exit codes a CronJob or a wrapper script can act on. Documented in the README; keep them stable.
import { ConfigError, UsageError } from "../config/errors.js";
import { CircuitOpenError, InterruptedError, LeaseHeldError } from "../reconcile/run-errors.js";
import type { RunOutcome } from "../state/state-store.js";
import { AuthenticationError, ConnectionError } from "../stores/connection-errors.js";

export const EXIT = {
  /** Every table in every direction finished; nothing was dead-lettered. */
  success: 0,
  /** The run failed; the checkpoint did not move. */
  failure: 1,
  /** Bad flags, environment or config file; nothing was done. */
  usage: 2,
  /** The run finished, but some records went to the dead-letter store. */
  partial: 3,
  /** Another run of the same configuration holds the lease; nothing was done. */
  leaseHeld: 4,
  /** A store could not be reached or refused the credentials; nothing was done. */
  unreachable: 5,
  /** More records failed than --max-errors allows; the run stopped, the checkpoint did not move. */
  circuitOpen: 6,
  /** Stopped by SIGINT or SIGTERM; the lease was released, the checkpoint did not move. */
  interrupted: 130,
} as const;

export function exitCodeForOutcome(outcome: RunOutcome, error: Error | undefined): number {
  if (outcome === "success") return EXIT.success;
  if (outcome === "partial") return EXIT.partial;
  if (outcome === "interrupted") return EXIT.interrupted;
  return error === undefined ? EXIT.failure : exitCodeForError(error);
}

export function exitCodeForError(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError) return EXIT.usage;
  if (error instanceof LeaseHeldError) return EXIT.leaseHeld;
  if (error instanceof ConnectionError || error instanceof AuthenticationError) return EXIT.unreachable;
  if (error instanceof CircuitOpenError) return EXIT.circuitOpen;
  if (error instanceof InterruptedError) return EXIT.interrupted;
  return EXIT.failure;
}
