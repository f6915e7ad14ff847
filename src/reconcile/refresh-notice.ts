// A run reads an index through search, which sees a document only once the index has refreshed after
// it was written. The range of a run ends --lag before now, so that what is written meanwhile is left
// to the next run; an index that refreshes less often than that lets a run pass a document written
// just before its end, unseen. The next run's look-back window finds it (and counts it late), unless
// the index refreshes less often than --lag and --lookback together: then no incremental run reads
// it, and only verify lists it. The run asks each index it reads, and says so.
import { formatDuration } from "../core/duration-text.js";
import { indexExistsBefore, type PlanEntry } from "./plan-tables.js";
import type { SchemaGateway } from "./run-sync.js";

/** A notice naming each index that refreshes less often than the lag covers; undefined: none. */
export async function refreshNotice(
  schema: Pick<SchemaGateway, "refreshIntervals">,
  entries: readonly PlanEntry[],
  window: { readonly lagMs: number; readonly lookbackMs: number },
): Promise<string | undefined> {
  const indices = [
    ...new Set(entries.flatMap((e) => (e.kind === "sync" && indexExistsBefore(e) ? [e.plan.es.index] : []))),
  ];
  if (indices.length === 0) return undefined;
  const intervals = await schema.refreshIntervals(indices);
  const slow = [...intervals].filter(([, interval]) => interval === "off" || interval > window.lagMs);
  if (slow.length === 0) return undefined;
  const lag = `--lag ${formatDuration(window.lagMs)}`;
  return slow
    .map(([index, interval]) => {
      if (interval === "off") {
        return (
          `index ${index} does not refresh (index.refresh_interval -1): a run reads it through search, ` +
          "which sees no document written since its last refresh, so no run copies such a document " +
          `until the index is refreshed. Set the interval back (PUT ${index}/_settings ` +
          '{"index.refresh_interval": null}) once the import that turned it off is done.'
        );
      }
      const every = formatDuration(interval);
      const missed =
        interval > window.lagMs + window.lookbackMs
          ? `no incremental run sees it, since the interval is longer than --lag and --lookback ` +
            `(${formatDuration(window.lookbackMs)}) together (only synced verify lists it)`
          : `the next run's look-back window (--lookback ${formatDuration(window.lookbackMs)}) ` +
            "finds it, and counts it late";
      return (
        `index ${index} refreshes every ${every} (index.refresh_interval), less often than ${lag}: a ` +
        `document written within ${every} of a run's end may not be searchable yet, and the run passes ` +
        `it; ${missed}. Give --lag ${every} or more.`
      );
    })
    .join(" ");
}
