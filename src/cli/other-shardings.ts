// The configuration's checkpoints under shard counts other than its key's (and its unsharded key):
// where a key with no checkpoint of its own begins, for a run (run-sync.ts startOf) and for verify's
// account of the next run (verify-window.ts) alike.
import type { OtherSharding } from "../reconcile/shard-partition.js";
import { otherShardCounts } from "../state/state-key.js";
import type { StateStore } from "../state/state-store.js";

export async function otherShardings(state: StateStore, key: string): Promise<OtherSharding[]> {
  const counts = otherShardCounts(key, await state.listKeys());
  return Promise.all(
    [...counts].map(async ([count, keys]) => ({
      total: count,
      checkpoints: await Promise.all(keys.map((k) => state.getCheckpoint(k))),
    })),
  );
}
