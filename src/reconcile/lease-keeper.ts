// Keeps a run's lease alive while it works. A run that loses its lease (another run took it over
// after a long stall) must stop at once: two runs of one configuration would race on the checkpoint.
import type { Lease, StateStore } from "../state/state-store.js";

/** Renews the lease at a third of its time to live; losing it aborts the run. */
export function keepLease(
  state: StateStore,
  lease: Lease,
  ttlMs: number,
  run: AbortController,
): { stop: () => Promise<void> } {
  let current = lease;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = state.renewLease(current, ttlMs).then(
        (renewed) => {
          current = renewed;
        },
        (error: unknown) => {
          clearInterval(timer);
          run.abort(error);
        },
      );
    },
    Math.max(1000, Math.floor(ttlMs / 3)),
  );
  return {
    stop: async () => {
      clearInterval(timer);
      await renewing;
    },
  };
}
