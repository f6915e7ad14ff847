// Keeps a run's lease alive while it works. A run that loses its lease (another run took it over
// after a long stall) must stop at once: two runs of one configuration would race on the checkpoint.
//
// The lease is renewed every third of its time to live, so one renewal that fails (the state store
// restarting, a timeout) is tried again at the next turn while the lease still holds. Only a lease
// that is gone, or one that would run out before the next try, stops the run.
import type { Lease, StateStore } from "../state/state-store.js";
import { LeaseLostError, StateError } from "../state/state-errors.js";

export function keepLease(
  state: StateStore,
  lease: Lease,
  ttlMs: number,
  run: AbortController,
  now: () => number = Date.now,
): { stop: () => Promise<Lease> } {
  const every = Math.max(1000, Math.floor(ttlMs / 3));
  let current = lease;
  let renewing: Promise<void> | undefined;
  /** When the timer last ran: a turn far later than its interval means this process was stalled. */
  let lastTurn = now();
  /** Whether the lease ends before the next turn could renew it. */
  const runsOut = (): boolean => now() + every >= current.expiresAt.getTime();
  const stopRun = (reason: unknown): void => {
    clearInterval(timer);
    run.abort(reason);
  };
  const timer = setInterval(() => {
    const stalledMs = now() - lastTurn;
    lastTurn = now();
    if (renewing !== undefined) {
      // A renewal still waiting on the store is not doubled up, but the run stops before its lease
      // could lapse under it. When the turns themselves came late, the wait was this process's own
      // (paused, swapped out, starved of CPU), not the store's.
      if (runsOut()) stopRun(stalledMs > 2 * every ? stalled(current, stalledMs) : unrenewed(current));
      return;
    }
    renewing = state
      .renewLease(current, ttlMs)
      .then(
        (renewed) => {
          current = renewed;
        },
        (error: unknown) => {
          // Taken over while this process did not run: say so, rather than that the store lost it.
          if (error instanceof LeaseLostError && stalledMs > 2 * every)
            stopRun(stalled(current, stalledMs, error.details["currentOwner"]));
          else if (error instanceof LeaseLostError || runsOut()) stopRun(error);
        },
      )
      .finally(() => {
        renewing = undefined;
      });
  }, every);
  return {
    /** Stops renewing; resolves to the lease as last renewed, whose end stands if it is not released. */
    stop: async () => {
      clearInterval(timer);
      await renewing;
      return current;
    },
  };
}

function stalled(lease: Lease, stalledMs: number, holder?: unknown): StateError {
  const now =
    typeof holder === "string" ? `and run ${holder} holds it now` : "so another run may hold it now";
  return new StateError(
    `the lease on state key '${lease.key}' ran out at ${lease.expiresAt.toISOString()} while this ` +
      `process was stalled for ${Math.round(stalledMs / 1000)} s (paused, swapped out or starved of CPU), ` +
      `${now}. The run stopped without moving the checkpoint; run again, and ` +
      "give --lease-ttl room for such stalls if they recur.",
    { key: lease.key, owner: lease.owner, expiresAt: lease.expiresAt.toISOString(), stalledMs },
  );
}

function unrenewed(lease: Lease): StateError {
  return new StateError(
    `the lease on state key '${lease.key}' could not be renewed before it runs out at ` +
      `${lease.expiresAt.toISOString()}: the state store did not answer. The run stopped without moving ` +
      "the checkpoint; run again when the state store answers.",
    { key: lease.key, owner: lease.owner, expiresAt: lease.expiresAt.toISOString() },
  );
}
