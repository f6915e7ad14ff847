// A sharded run reads each index in --slices × N scroll slices, and an index may allow fewer than the
// 1,024 every cluster allows (index.max_slices_per_scroll). The cluster says so only at the first
// page, after the tables before it were synced; the run asks first, and is refused before it writes.
import { ConfigError } from "../core/errors.js";
import { indexExistsBefore, type PlanEntry } from "./plan-tables.js";
import type { SchemaGateway } from "./run-sync.js";

export async function refuseTooManySlices(
  schema: Pick<SchemaGateway, "scrollSliceLimits">,
  entries: readonly PlanEntry[],
  slices: number,
  shards: number,
): Promise<void> {
  const indices = [
    ...new Set(entries.flatMap((e) => (e.kind === "sync" && indexExistsBefore(e) ? [e.plan.es.index] : []))),
  ];
  if (indices.length === 0) return;
  const total = slices * shards;
  const limits = await schema.scrollSliceLimits(indices);
  const narrow = [...limits].filter(([, limit]) => limit < total).sort((a, b) => a[1] - b[1]);
  const first = narrow[0];
  if (first === undefined) return;
  const [index, limit] = first;
  const fits = Math.floor(limit / shards);
  const fewer = fits === 0 ? `--slices 1 with at most ${limit} shards` : `--slices ${fits}`;
  throw new ConfigError(
    "slices",
    undefined,
    `index ${index} allows ${limit} scroll slices (index.max_slices_per_scroll), and this run reads ` +
      `it in ${total} (--slices ${slices} × ${shards} shards): give ${fewer}, or raise the setting ` +
      `(PUT ${index}/_settings {"index.max_slices_per_scroll": ${total}}).` +
      (narrow.length > 1
        ? ` Also too few: ${narrow
            .slice(1)
            .map(([i, l]) => `${i} (${l})`)
            .join(", ")}.`
        : ""),
    { details: { index, limit, total } },
  );
}
