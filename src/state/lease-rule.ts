// What a contender does about a lease it found, decided in one place so that every backend
// behaves alike and the rule is testable without a server.
import type { Lease } from "./state-store.js";
import { LeaseContendedError, StateError } from "./state-errors.js";
import { holderIsGone } from "./lease-holder.js";

export type LeaseDecision =
  /** Another owner holds a lease that has not expired. */
  | "refuse"
  /**
   * The lease expired, or its holder was a process of this host that is provably gone: whoever
   * replaces it first, atomically, gets it.
   */
  | "take-over"
  /** The caller holds it already, say after retrying a request whose answer was lost. */
  | "already-held";

export function decideOnLease(
  existing: Lease,
  owner: string,
  now: Date,
  gone: (holder: string) => boolean = holderIsGone,
): LeaseDecision {
  if (existing.expiresAt.getTime() <= now.getTime()) return "take-over";
  if (existing.owner === owner) return "already-held";
  return gone(existing.holder) ? "take-over" : "refuse";
}

export function newLease(key: string, owner: string, holder: string, ttlMs: number, now: Date): Lease {
  return { key, owner, holder, acquiredAt: now, expiresAt: expiryAfter(now, ttlMs) };
}

export function expiryAfter(now: Date, ttlMs: number): Date {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new StateError(
      `a lease time-to-live must be a positive whole number of milliseconds, not ${ttlMs}`,
      {
        ttlMs,
      },
    );
  }
  return new Date(now.getTime() + ttlMs);
}

/** How often a backend re-reads and retries after losing a race before it gives up. */
export const MAX_LEASE_ATTEMPTS = 10;

export function leaseKeptChanging(key: string, location: string): LeaseContendedError {
  return new LeaseContendedError(
    `the lease on state key '${key}' in ${location} changed ${MAX_LEASE_ATTEMPTS} times while this run ` +
      "tried to take it; other runs are competing for it. Try again later.",
    { key, location },
  );
}
