// The lease half of every StateStore. Each backend supplies only its compare-and-set protocol; the
// key check and the error context are the same for all three.
import { inStateStore } from "./state-errors.js";
import { validateStateKey } from "./state-key.js";
import type { Lease, LeaseResult } from "./state-store.js";

export interface LeaseProtocol {
  acquire(key: string, owner: string, holder: string, ttlMs: number, now: Date): Promise<LeaseResult>;
  renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease>;
  release(lease: Lease): Promise<void>;
}

export abstract class LeasedStateStore {
  protected constructor(
    readonly location: string,
    private readonly leases: LeaseProtocol,
  ) {}

  acquireLease(
    key: string,
    owner: string,
    holder: string,
    ttlMs: number,
    now = new Date(),
  ): Promise<LeaseResult> {
    return inStateStore("take the lease", this.location, () =>
      this.leases.acquire(validateStateKey(key), owner, holder, ttlMs, now),
    );
  }

  renewLease(lease: Lease, ttlMs: number, now = new Date()): Promise<Lease> {
    return inStateStore("renew the lease", this.location, () => this.leases.renew(lease, ttlMs, now));
  }

  releaseLease(lease: Lease): Promise<void> {
    return inStateStore("release the lease", this.location, () => this.leases.release(lease));
  }
}
