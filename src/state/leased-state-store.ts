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
    /** The backend's transient errors, on which an operation is run again; none for files. */
    private readonly transient?: (error: unknown) => boolean,
    /** Why the store cannot be used as configured, where a failure shows it. */
    private readonly unusable?: StepOptions["unusable"],
  ) {}

  /**
   * Runs one operation of this store within its time limit, with errors that name the store, again
   * while it fails transiently: every operation but the lease's is safe to repeat as a whole.
   */
  protected step<T>(
    action: string,
    work: (signal: AbortSignal) => Promise<T>,
    as?: StepOptions["as"],
  ): Promise<T> {
    return inStateStore(action, this.location, work, {
      timeoutMs: this.timeoutMs,
      ...(as === undefined ? {} : { as }),
      ...(this.transient === undefined ? {} : { transient: this.transient }),
      ...(this.unusable === undefined ? {} : { unusable: this.unusable }),
    });
  }

  /**
   * A lease operation, run once: its protocol repeats each of its requests itself, and decides from
   * what it reads again, where a repeat of the whole would lose what its first round learned (whom
   * it took the lease over from).
   */
  private leaseStep<T>(action: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return inStateStore(action, this.location, work, {
      timeoutMs: this.timeoutMs,
      ...(this.unusable === undefined ? {} : { unusable: this.unusable }),
    });
  }

  acquireLease(
    key: string,
    owner: string,
    holder: string,
    ttlMs: number,
    now = new Date(),
  ): Promise<LeaseResult> {
    return this.leaseStep("take the lease", (signal) =>
      this.leases.acquire(validateStateKey(key), owner, holder, ttlMs, now, signal),
    );
  }

  renewLease(lease: Lease, ttlMs: number, now = new Date()): Promise<Lease> {
    return this.leaseStep("renew the lease", (signal) => this.leases.renew(lease, ttlMs, now, signal));
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.leaseStep("release the lease", (signal) => this.leases.release(lease, signal));
  }

  getLease(key: string): Promise<Lease | undefined> {
    return this.leaseStep("read the lease", (signal) => this.leases.current(validateStateKey(key), signal));
  }
}
