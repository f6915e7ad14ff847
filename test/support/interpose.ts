// Wraps a real store so a test can act at one precise moment of a run: right after synced has read
// the target and before it writes. The stores and servers stay real; only the timing is staged.
import type { RecordStore } from "../../src/reconcile/record-store.js";

/** The real store, with an application write slipped in after synced has read the target. */
export function interpose(store: RecordStore, between: () => Promise<void>): RecordStore {
  let done = false;
  return {
    side: store.side,
    name: store.name,
    versionPrecision: (plan) => store.versionPrecision(plan),
    scan: (plan, range, settled) => store.scan(plan, range, settled),
    fetchCurrent: async (plan, ids) => {
      const current = await store.fetchCurrent(plan, ids);
      if (!done && ids.length > 0) {
        done = true;
        await between();
      }
      return current;
    },
    write: (plan, writes) => store.write(plan, writes),
  };
}
