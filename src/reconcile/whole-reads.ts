// Why a table's direction is read from the earliest version rather than from the checkpoint, in the
// words of the log line a run writes once for it, and the notice for a checkpoint that cannot tell.
import type { Coverage } from "./coverage.js";
import { indexExistsBefore, type PlanEntry } from "./plan-tables.js";

export const COLUMNS_UNRECORDED =
  "this configuration's checkpoint does not record how the tables' settings chose and named their " +
  "columns (saved by an earlier version of synced, or placed by synced state set): this run takes " +
  "them as unchanged and records them. If include, exclude, rename, timestamp or tombstone (or " +
  "--timestamp-column, --tombstone-column) changed for a table since the checkpoint's last run, its " +
  "documents dated before the checkpoint still hold the former columns: read it from the earliest " +
  "version once (synced -b 0001-01-01T00:00:00Z --tables <table>, with the run's other options)";

/** Why a direction of a table is read from the earliest version, for the log. */
export function wholeReason(
  entry: Extract<PlanEntry, { kind: "sync" }>,
  coverage: Coverage,
  coverageRecorded: boolean,
): string {
  const ran = "the runs that moved this configuration's checkpoint";
  const { plan } = entry;
  if (entry.sharedIndexExists === true) {
    if (coverage === "covered" && !coverageRecorded)
      return (
        `has no document in index ${plan.es.index} yet, and this configuration's checkpoint does not ` +
        "record the tables it covers (saved by an earlier version of synced, or placed by synced state set)"
      );
    if (coverage === "not covered") return "is new to this configuration";
  }
  // A table the checkpoint covers whose index is missing was synced into another: one deleted since
  // under this name, or the one its `index` setting or -i named before (the checkpoint records an
  // index by its uuid, not its name, so the two cannot be told apart).
  // An index made ahead by hand with its settings only is there already: the run maps it.
  if (!indexExistsBefore(entry) && coverage !== "not covered") {
    const [lacks, makes] =
      entry.madeAhead === true
        ? [`no mapping in index ${plan.es.index} (made ahead with its settings only)`, "maps it"]
        : [`no index ${plan.es.index}`, `makes ${plan.es.index}`];
    return (
      `has ${lacks}, and ${ran} synced it to another (one of that name deleted since, ` +
      `or the one its index setting or -i named before): this run ${makes}`
    );
  }
  if (!indexExistsBefore(entry)) return "is new to this configuration";
  if (coverage === "other index")
    return (
      `has an index that is not the one ${ran} synced (${plan.es.index} was deleted and made again, ` +
      "or swapped behind its alias, since, or the table's index setting or -i named another index)"
    );
  if (coverage === "other table")
    return `is not the table ${ran} synced (${plan.keyspace}.${plan.table} was dropped and created again since)`;
  // Its records older than the checkpoint were copied under the former settings: a column newly
  // included reaches their documents, and a renamed field is found, only when they are read again.
  if (coverage === "other columns")
    return (
      `is synced with other columns or fields than ${ran} (its include, exclude, rename, timestamp or ` +
      "tombstone setting, or --timestamp-column or --tombstone-column, changed since)"
    );
  return `was left out of ${ran}`;
}
