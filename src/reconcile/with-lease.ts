// The one scope in which work on a configuration holds its lease: a run, a replay of dead letters, a
// change of the checkpoint. Taking the lease, keeping it, stopping on a signal and letting it go are
// written once here, so the three cannot drift apart.
import type { Lease, StateStore } from "../state/state-store.js";
import { keepLease } from "./lease-keeper.js";
import { SyncedError } from "../core/errors.js";
import { withLeaseLeft, type LeaseEnd } from "./lease-end.js";
import { InterruptedError, LeaseHeldError } from "./run-errors.js";

export interface LeaseScope {
  readonly state: StateStore;
  readonly key: string;
  /** The run (or command) that holds the lease. */
  readonly owner: string;
  /** Where it runs: host and process, so a crashed holder on this host is recognised. */
  readonly holder: string;
  readonly ttlMs: number;
  /** SIGINT or SIGTERM: stops the work, whether it came before the lease was taken or after. */
  readonly signal: AbortSignal;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** What someone may have to look at, though the work itself is not harmed: a lease left held. */
  readonly warn: (message: string, fields?: Record<string, unknown>) => void;
  /** The clock that tells an expired lease taken over from one whose holder is gone. */
  readonly now?: () => Date;
  /** Whether the work is a run given -b: kept out by the lease, it is told how to run beside. */
  readonly backfill?: boolean;
}

export interface HeldLease {
  /** Aborted by the scope's signal, or when the lease is lost to another run. */
  readonly signal: AbortSignal;
}

/**
 * Runs `work` while holding the configuration's lease, renewed at a third of its time to live. A
 * lease held by another live run refuses the work with LeaseHeldError, before it starts. The lease is
 * let go however the work ends; a release that fails is a warning, never thrown over the work's own
 * result or error, since the lease then runs out by itself; a SyncedError the work throws then says
 * until when the lease is held. A stop by a signal is thrown saying which.
 */
export async function withLease<T>(scope: LeaseScope, work: (held: HeldLease) => Promise<T>): Promise<T> {
  return (await withLeaseEnd(scope, work)).value;
}

/** withLease, with what became of the lease, for work that reports its stop rather than throwing it. */
export async function withLeaseEnd<T>(
  scope: LeaseScope,
  work: (held: HeldLease) => Promise<T>,
): Promise<{ value: T; end: LeaseEnd }> {
  const taken = await scope.state.acquireLease(scope.key, scope.owner, scope.holder, scope.ttlMs);
  if (!taken.acquired) {
    const held = taken.heldBy;
    const { holder, owner, expiresAt } = held;
    throw new LeaseHeldError(scope.key, holder, owner, expiresAt, scope.state.location, scope.backfill);
  }
  if (taken.tookOverFrom !== undefined)
    logTakeOver(scope, taken.tookOverFrom, (scope.now ?? (() => new Date()))());
  const run = new AbortController();
  const forward = (): void => {
    run.abort(scope.signal.reason);
  };
  // A signal that came while the lease was being taken (start-up, a slow state store) fires no event.
  if (scope.signal.aborted) forward();
  else scope.signal.addEventListener("abort", forward, { once: true });
  const keeper = keepLease(scope.state, taken.lease, scope.ttlMs, run);
  const letGo = async (): Promise<LeaseEnd> => {
    scope.signal.removeEventListener("abort", forward);
    return release(scope, await keeper.stop());
  };
  let value: T;
  try {
    value = await work({ signal: run.signal });
  } catch (error) {
    const end = await letGo();
    if (error instanceof InterruptedError) throw error.afterLease(end);
    // A refusal or failure is all the work says: it names a lease left held, as a failed run's summary does.
    throw end.released || !(error instanceof SyncedError) ? error : withLeaseLeft(error, end);
  }
  return { value, end: await letGo() };
}

async function release(scope: LeaseScope, lease: Lease): Promise<LeaseEnd> {
  try {
    await scope.state.releaseLease(lease);
    return { released: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const expiresAt = lease.expiresAt.toISOString();
    // A release retried past the lease's end leaves nothing that waits for it.
    const ranOut = lease.expiresAt.getTime() <= (scope.now ?? (() => new Date()))().getTime();
    // A warning: nothing of the work is lost, but the configuration is blocked elsewhere until then (a
    // process on this host takes over at once a lease whose holder is gone).
    const until = ranOut
      ? `it ran out at ${expiresAt}, so the next run of this configuration takes it at once`
      : `it runs out by itself at ${expiresAt}, and until then a run of this configuration on another ` +
        "host or in another container is refused with exit 4";
    scope.warn(
      `could not release the lease of state key ${scope.key} in ${scope.state.location}: ${until}; check ` +
        "that this host reaches the state store and that it takes writes",
      { key: scope.key, error: reason, expiresAt },
    );
    return { released: false, expiresAt: lease.expiresAt, reason, ranOut };
  }
}

function logTakeOver(scope: LeaseScope, previous: Lease, now: Date): void {
  const expired = previous.expiresAt.getTime() <= now.getTime();
  scope.log(
    expired ? "took over an expired lease" : "took over the lease of a run that is no longer running",
    { from: previous.owner, holder: previous.holder },
  );
}
