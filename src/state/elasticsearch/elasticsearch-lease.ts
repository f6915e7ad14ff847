// The lease document changes only conditionally: created with op_type=create when absent, and
// otherwise replaced or deleted with the if_seq_no/if_primary_term it was read with. Of several
// contenders that read the same version exactly one succeeds; the others get 409 and read again.
// Reads are realtime GETs, so they need no refresh; but the key list is searched (listKeys), so a
// lease that comes or goes is made searchable at once, as a checkpoint is. A request whose answer
// was lost is sent again while it fails transiently (repeat-transient.ts): asked again after it
// landed, a write answers 409 and a delete 404, and the next round reads the lease and finds its
// own write there, or the lease gone.
import type { DocumentVersion, SearchClient } from "../../stores/search/search-client.js";
import { isSearchError } from "../../stores/search/search-error.js";
import type { Lease, LeaseResult } from "../state-store.js";
import { leaseFromJson, leaseToJson } from "../state-json.js";
import {
  decideOnLease,
  expiryAfter,
  leaseKeptChanging,
  MAX_LEASE_ATTEMPTS,
  newLease,
} from "../lease-rule.js";
import { LeaseLostError } from "../state-errors.js";
import { documentId, stateDocument } from "./elasticsearch-schema.js";
import type { LeaseProtocol } from "../leased-state-store.js";
import type { RepeatRequest } from "../repeat-transient.js";

interface StoredLease {
  readonly lease: Lease;
  readonly version: DocumentVersion;
}

type Precondition = "absent" | StoredLease;

export class ElasticsearchLeases implements LeaseProtocol {
  constructor(
    private readonly client: SearchClient,
    private readonly index: string,
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
      const current = await this.read(key, signal);
      if (current !== undefined) {
        const decision = decideOnLease(current.lease, owner, now);
        if (decision === "refuse") return { acquired: false, heldBy: current.lease };
        if (decision === "already-held") {
          // Ours through a write whose answer was lost and that was sent again.
          return tookOverFrom === undefined
            ? { acquired: true, lease: current.lease }
            : { acquired: true, lease: current.lease, tookOverFrom };
        }
        tookOverFrom = current.lease;
      }
      if (await this.write(fresh, current ?? "absent", signal)) {
        return current === undefined
          ? { acquired: true, lease: fresh }
          : { acquired: true, lease: fresh, tookOverFrom: current.lease };
      }
    }
    throw leaseKeptChanging(key, this.location);
  }

  async renew(lease: Lease, ttlMs: number, now: Date, signal?: AbortSignal): Promise<Lease> {
    const expiresAt = expiryAfter(now, ttlMs);
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const current = await this.read(lease.key, signal);
      if (current?.lease.owner !== lease.owner) {
        throw new LeaseLostError(lease.key, lease.owner, current?.lease.owner);
      }
      if (current.lease.expiresAt.getTime() === expiresAt.getTime()) return current.lease;
      const renewed: Lease = { ...current.lease, expiresAt };
      if (await this.write(renewed, current, signal)) return renewed;
    }
    throw leaseKeptChanging(lease.key, this.location);
  }

  async release(lease: Lease, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const current = await this.read(lease.key, signal);
      if (current?.lease.owner !== lease.owner) return;
      try {
        await this.repeat(
          () =>
            this.client.deleteDocument({
              index: this.index,
              id: documentId("lease", lease.key),
              condition: current.version,
              refresh: true,
            }),
          signal,
        );
        return;
      } catch (error) {
        if (!isSearchError(error, "conflict", "not-found")) throw error;
      }
    }
    throw leaseKeptChanging(lease.key, this.location);
  }

  async current(key: string, signal?: AbortSignal): Promise<Lease | undefined> {
    return (await this.read(key, signal))?.lease;
  }

  private async read(key: string, signal: AbortSignal | undefined): Promise<StoredLease | undefined> {
    const id = documentId("lease", key);
    try {
      const found = await this.repeat(() => this.client.getDocument({ index: this.index, id }), signal);
      const remedy =
        "If no run of this configuration is active, delete the document: " +
        `DELETE /${this.index}/_doc/${encodeURIComponent(id)}.`;
      const lease = leaseFromJson(found._source, {
        location: `document ${id} in index ${this.index}`,
        remedy,
      });
      const version = { seqNo: found._seq_no ?? 0, primaryTerm: found._primary_term ?? 0 };
      return { lease, version };
    } catch (error) {
      if (isSearchError(error, "not-found")) return undefined;
      throw error;
    }
  }

  /** False when another writer changed the document first. */
  private async write(
    lease: Lease,
    precondition: Precondition,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    try {
      await this.repeat(
        () =>
          this.client.putDocument({
            index: this.index,
            id: documentId("lease", lease.key),
            document: stateDocument("lease", leaseToJson(lease)),
            condition: precondition === "absent" ? "absent" : precondition.version,
            // A renewal or a take-over leaves the key listed as it was.
            refresh: precondition === "absent",
          }),
        signal,
      );
      return true;
    } catch (error) {
      if (isSearchError(error, "conflict")) return false;
      throw error;
    }
  }
}
