// The part every StateStore shares: each operation runs as a step with a time limit and an error that
// says where, and the lease half, for which each backend supplies only its compare-and-set protocol.
import { inStateStore, type StepOptions } from "./state-errors.js";
import { validateStateKey } from "./state-key.js";
import type { Lease, LeaseResult } from "./state-store.js";

/** Each call may stop repeating its requests once `signal` says the operation was given up. */
export interface LeaseProtocol {
  acquire(
    key: string,
    owner: string,
    holder: string,
    ttlMs: number,
    now: Date,
    signal: AbortSignal,
  ): Promise<LeaseResult>;
  renew(lease: Lease, ttlMs: number, now: Date, signal: AbortSignal): Promise<Lease>;
  release(lease: Lease, signal: AbortSignal): Promise<void>;
  current(key: string, signal: AbortSignal): Promise<Lease | undefined>;
}

export abstract class LeasedStateStore {
  protected constructor(
    readonly location: string,
    private readonly leases: LeaseProtocol,
    /** How long one operation may take. */
    protected readonly timeoutMs: number,
  ) {}

  /** Runs one operation of this store within its time limit, with errors that name the store. */
  protected step<T>(
    action: string,
    work: (signal: AbortSignal) => Promise<T>,
    as?: StepOptions["as"],
  ): Promise<T> {
    return inStateStore(action, this.location, work, {
      timeoutMs: this.timeoutMs,
      ...(as === undefined ? {} : { as }),
    });
  }

  acquireLease(
    key: string,
    owner: string,
    holder: string,
    ttlMs: number,
    now = new Date(),
  ): Promise<LeaseResult> {
    return this.step("take the lease", (signal) =>
      this.leases.acquire(validateStateKey(key), owner, holder, ttlMs, now, signal),
    );
  }

  renewLease(lease: Lease, ttlMs: number, now = new Date()): Promise<Lease> {
    return this.step("renew the lease", (signal) => this.leases.renew(lease, ttlMs, now, signal));
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.step("release the lease", (signal) => this.leases.release(lease, signal));
  }

  getLease(key: string): Promise<Lease | undefined> {
    return this.step("read the lease", (signal) => this.leases.current(validateStateKey(key), signal));
  }
}
