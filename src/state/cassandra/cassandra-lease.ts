// The lease row changes only through lightweight transactions at SERIAL consistency, so of several
// contenders that read the same row exactly one can replace it. A transaction whose answer was lost
// (the connection broke, the coordinator timed out) may or may not have applied: it is sent again
// while it fails transiently (repeat-transient.ts). Asked again after it applied, its condition no longer
// holds, and the round reads the row (a SERIAL read completes any pending Paxos round) and finds its
// own lease there; a renewal, conditioned on the owner only, simply applies again.
import cassandra from "cassandra-driver";
import type { Lease, LeaseResult } from "../state-store.js";
import {
  decideOnLease,
  expiryAfter,
  leaseKeptChanging,
  MAX_LEASE_ATTEMPTS,
  newLease,
} from "../lease-rule.js";
import { LeaseLostError } from "../state-errors.js";
import { RowReader, SINGLE_ITEM } from "./cassandra-schema.js";
import { STATE_FORMAT } from "../state-format.js";
import type { LeaseProtocol } from "../leased-state-store.js";
import type { RepeatRequest } from "../repeat-transient.js";

const { consistencies } = cassandra.types;
const WRITE_TIMEOUT: number = cassandra.types.responseErrorCodes.writeTimeout;
const LWT = {
  prepare: true,
  consistency: consistencies.localQuorum,
  serialConsistency: consistencies.serial,
};
const SERIAL_READ = { prepare: true, consistency: consistencies.serial };
const WHERE = "WHERE key = ? AND kind = 'lease' AND item = ?";

export class CassandraLeases implements LeaseProtocol {
  constructor(
    private readonly client: cassandra.Client,
    private readonly table: string,
    private readonly location: string,
    private readonly repeat: RepeatRequest,
  ) {}

  async acquire(
    key: string,
    owner: string,
    holder: string,
    ttlMs: number,
    now: Date,
    signal?: AbortSignal,
  ): Promise<LeaseResult> {
    const fresh = newLease(key, owner, holder, ttlMs, now);
    let tookOverFrom: Lease | undefined;
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const inserted = await this.applied(
        `INSERT INTO ${this.table} (key, kind, item, format, owner, holder, acquired_at, expires_at) ` +
          "VALUES (?, 'lease', ?, ?, ?, ?, ?, ?) IF NOT EXISTS",
        [key, SINGLE_ITEM, STATE_FORMAT, owner, holder, fresh.acquiredAt, fresh.expiresAt],
        signal,
      );
      if (inserted === true) return { acquired: true, lease: fresh };
      const existing = await this.read(key, signal);
      if (existing === undefined) continue;
      const decision = decideOnLease(existing, owner, now);
      if (decision === "refuse") return { acquired: false, heldBy: existing };
      if (decision === "already-held") {
        // Ours through a write whose answer was lost: report what that write took over.
        return tookOverFrom === undefined
          ? { acquired: true, lease: existing }
          : { acquired: true, lease: existing, tookOverFrom };
      }
      tookOverFrom = existing;
      const replaced = await this.applied(
        `UPDATE ${this.table} SET format = ?, owner = ?, holder = ?, acquired_at = ?, expires_at = ? ${WHERE} ` +
          "IF owner = ? AND expires_at = ?",
        [
          STATE_FORMAT,
          owner,
          holder,
          fresh.acquiredAt,
          fresh.expiresAt,
          key,
          SINGLE_ITEM,
          existing.owner,
          existing.expiresAt,
        ],
        signal,
      );
      if (replaced === true) return { acquired: true, lease: fresh, tookOverFrom: existing };
    }
    throw leaseKeptChanging(key, this.location);
  }

  async renew(lease: Lease, ttlMs: number, now: Date, signal?: AbortSignal): Promise<Lease> {
    const renewed: Lease = { ...lease, expiresAt: expiryAfter(now, ttlMs) };
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const applied = await this.applied(
        `UPDATE ${this.table} SET expires_at = ? ${WHERE} IF owner = ?`,
        [renewed.expiresAt, lease.key, SINGLE_ITEM, lease.owner],
        signal,
      );
      if (applied === true) return renewed;
      const current = await this.read(lease.key, signal);
      if (current?.owner !== lease.owner) throw new LeaseLostError(lease.key, lease.owner, current?.owner);
      if (applied === false) continue;
      // The timed-out write may have applied after all.
      if (current.expiresAt.getTime() === renewed.expiresAt.getTime()) return { ...current };
    }
    throw leaseKeptChanging(lease.key, this.location);
  }

  async release(lease: Lease, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const applied = await this.applied(
        `DELETE FROM ${this.table} ${WHERE} IF owner = ?`,
        [lease.key, SINGLE_ITEM, lease.owner],
        signal,
      );
      if (applied !== undefined) return;
      if ((await this.read(lease.key, signal))?.owner !== lease.owner) return;
    }
    throw leaseKeptChanging(lease.key, this.location);
  }

  current(key: string, signal?: AbortSignal): Promise<Lease | undefined> {
    return this.read(key, signal);
  }

  private async read(key: string, signal: AbortSignal | undefined): Promise<Lease | undefined> {
    const result = await this.repeat(
      () => this.client.execute(`SELECT * FROM ${this.table} ${WHERE}`, [key, SINGLE_ITEM], SERIAL_READ),
      signal,
    );
    const row = result.rows[0];
    if (row === undefined) return undefined;
    const remedy =
      "If no run of this configuration is active, delete the row: " +
      `DELETE FROM ${this.table} WHERE key = '${key}' AND kind = 'lease' AND item = ''.`;
    return new RowReader(row, `the lease row of key '${key}' in table ${this.table}`, remedy).lease();
  }

  /** Whether a lightweight transaction applied, or undefined when its outcome stayed unknown. */
  private async applied(
    query: string,
    params: unknown[],
    signal: AbortSignal | undefined,
  ): Promise<boolean | undefined> {
    try {
      return (await this.repeat(() => this.client.execute(query, params, LWT), signal)).wasApplied();
    } catch (error) {
      if (isCasTimeout(error)) return undefined;
      throw error;
    }
  }
}

function isCasTimeout(error: unknown): boolean {
  return (
    error instanceof cassandra.errors.ResponseError &&
    error.code === WRITE_TIMEOUT &&
    (error as { writeType?: unknown }).writeType === "CAS"
  );
}
