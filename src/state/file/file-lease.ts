// The lease as a sequence of immutable generation files, `lease/1.json`, `lease/2.json`, ...; the
// highest one is the current state. Every change (acquire, take over, renew, release) creates the
// next generation with an exclusive create, so of two processes that read the same generation,
// exactly one can act on it: a compare-and-set that a single lease file renamed aside cannot give,
// since renaming a path may move a lease that a third process created a moment before.
import type { LeaseProtocol } from "../leased-state-store.js";
import { readdir, rm } from "node:fs/promises";
import { makeDirectory } from "../../util/make-directory.js";
import { join } from "node:path";
import type { Lease, LeaseResult } from "../state-store.js";
import { leaseFromJson, leaseToJson } from "../state-json.js";
import {
  decideOnLease,
  expiryAfter,
  leaseKeptChanging,
  MAX_LEASE_ATTEMPTS,
  newLease,
} from "../lease-rule.js";
import { CorruptStateError, LeaseLostError, StateError } from "../state-errors.js";
import {
  createFileExclusively,
  isNotFound,
  leaseDirectory,
  readJsonFile,
  toFileText,
} from "./file-schema.js";

export class FileLeases implements LeaseProtocol {
  constructor(
    private readonly root: string,
    private readonly location: string,
  ) {}

  async acquire(key: string, owner: string, holder: string, ttlMs: number, now: Date): Promise<LeaseResult> {
    const directory = leaseDirectory(this.root, key);
    const fresh = newLease(key, owner, holder, ttlMs, now);
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const state = await readLeaseState(directory, key);
      const previous = state.held;
      if (previous !== undefined) {
        const decision = decideOnLease(previous, owner, now);
        if (decision === "refuse") return { acquired: false, heldBy: previous };
        if (decision === "already-held") return { acquired: true, lease: previous };
      }
      if (await writeLeaseGeneration(directory, state.generation + 1, "held", fresh)) {
        return previous === undefined
          ? { acquired: true, lease: fresh }
          : { acquired: true, lease: fresh, tookOverFrom: previous };
      }
    }
    throw leaseKeptChanging(key, this.location);
  }

  async renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease> {
    const directory = leaseDirectory(this.root, lease.key);
    const expiresAt = expiryAfter(now, ttlMs);
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const state = await readLeaseState(directory, lease.key);
      if (state.held?.owner !== lease.owner)
        throw new LeaseLostError(lease.key, lease.owner, state.held?.owner);
      const renewed: Lease = { ...state.held, expiresAt };
      if (await writeLeaseGeneration(directory, state.generation + 1, "held", renewed)) return renewed;
    }
    throw leaseKeptChanging(lease.key, this.location);
  }

  async current(key: string): Promise<Lease | undefined> {
    return (await readLeaseState(leaseDirectory(this.root, key), key)).held;
  }

  async release(lease: Lease): Promise<void> {
    const directory = leaseDirectory(this.root, lease.key);
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const state = await readLeaseState(directory, lease.key);
      if (state.held?.owner !== lease.owner) return;
      if (await writeLeaseGeneration(directory, state.generation + 1, "released", state.held)) return;
    }
    throw leaseKeptChanging(lease.key, this.location);
  }
}

interface LeaseState {
  /** 0 when no lease was ever taken. */
  readonly generation: number;
  /** The current lease, unless it was released or never taken. */
  readonly held?: Lease;
}

const GENERATION_FILE = /^(\d{1,15})\.json$/;

async function readLeaseState(directory: string, key: string): Promise<LeaseState> {
  const remedy =
    "If no run of this configuration is active, delete the directory " + `${directory} to clear the lease.`;
  // A generation can be pruned between listing and reading it; listing again then finds a newer one.
  for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
    const generation = Math.max(0, ...(await listGenerations(directory)));
    if (generation === 0) return { generation };
    const path = join(directory, `${generation}.json`);
    const value = await readJsonFile(path, remedy);
    if (value === undefined) continue;
    const state = (value as { state?: unknown }).state;
    if (state !== "held" && state !== "released") {
      throw new CorruptStateError(path, `'state' must be "held" or "released"`, remedy);
    }
    const lease = leaseFromJson(value, { location: path, remedy });
    if (lease.key !== key) throw new CorruptStateError(path, `it belongs to key '${lease.key}'`, remedy);
    return state === "held" ? { generation, held: lease } : { generation };
  }
  throw new StateError(`the lease files in ${directory} kept changing while being read; try again.`, {
    directory,
  });
}

/** Writes generation `generation`; false if another process wrote it first. */
async function writeLeaseGeneration(
  directory: string,
  generation: number,
  state: "held" | "released",
  lease: Lease,
): Promise<boolean> {
  await makeDirectory(directory);
  const created = await createFileExclusively(
    join(directory, `${generation}.json`),
    toFileText({ state, ...leaseToJson(lease) }),
  );
  if (created) await pruneGenerationsBefore(directory, generation - 1);
  return created;
}

async function listGenerations(directory: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return names.flatMap((name) => {
    const match = GENERATION_FILE.exec(name);
    return match?.[1] === undefined ? [] : [Number(match[1])];
  });
}

// Keeps the previous generation too, for a reader that listed the directory just before this write.
async function pruneGenerationsBefore(directory: string, keep: number): Promise<void> {
  for (const generation of await listGenerations(directory)) {
    if (generation < keep) await rm(join(directory, `${generation}.json`), { force: true });
  }
}
