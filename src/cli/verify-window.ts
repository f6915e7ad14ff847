// Where the configuration's next incremental run begins to read, for verify to say which of the
// differences it finds that run fixes: the checkpoint minus --lookback, per table and direction the
// checkpoint covers. Read only: a state location with nothing in it means no run has saved a checkpoint.
import type { SyncOptions } from "../config/options.js";
import { microsFromMillis, MIN_MICROS } from "../core/micros.js";
import { coverageOf } from "../reconcile/coverage.js";
import { carriedStart } from "../reconcile/shard-partition.js";
import type { RunWindow } from "../reconcile/verify.js";
import { openStateStore } from "../state/open-state-store.js";
import { NoStateError } from "../state/state-errors.js";
import type { Clients } from "./connections.js";
import { namingTheLocation } from "./location-errors.js";
import { otherShardings } from "./other-shardings.js";

export async function runWindow(
  options: SyncOptions,
  key: string,
  clients: Partial<Clients>,
): Promise<RunWindow | undefined> {
  const state = await namingTheLocation(options, "state", async () => {
    try {
      return await openStateStore(options.state, clients, {
        timeoutMs: options.stateTimeoutMs,
        localDc: options.cassandra.localDc,
        create: false,
      });
    } catch (error) {
      if (error instanceof NoStateError) return undefined;
      throw error;
    }
  });
  if (state === undefined) return undefined;
  try {
    // A key of a new shard count begins where the configuration's runs under another covered every range.
    const checkpoint =
      (await state.getCheckpoint(key)) ?? carriedStart(key, await otherShardings(state, key))?.checkpoint;
    if (checkpoint === undefined) return undefined;
    const from = checkpoint.position - microsFromMillis(options.lookbackMs);
    const coverage = coverageOf(checkpoint);
    return {
      checkpoint: checkpoint.position,
      lookbackFrom: from < MIN_MICROS ? MIN_MICROS : from,
      covers: (table, direction) => coverage(table, direction, {}) === "covered",
    };
  } finally {
    await state.close();
  }
}
