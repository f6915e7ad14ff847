// The cluster refused to create one table's index (400): the table is refused and the others synced.
import { TableIndexRefusedError } from "../../core/table-index-refusal.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { mappingLimitAdvice } from "./mapping-limits.js";

/** The cluster's answer when one more index would pass cluster.max_shards_per_node, in either product. */
const SHARD_LIMIT = /maximum (?:normal )?shards open/i;

/** `message`: the refusal in the words of searchFailure; `reason`: the cluster's own answer. */
export function indexNotCreated(plan: TablePlan, message: string, reason: string): TableIndexRefusedError {
  const index = plan.es.index;
  // A replay's letter waits for the change, then for the letter to be replayed, not for a run.
  const advice = (replay: boolean): string => {
    const again = replay ? "then replay this letter." : "then run again";
    const limit = mappingLimitAdvice(reason, index, plan.table, replay);
    if (limit !== undefined) return ` ${limit}`;
    if (SHARD_LIMIT.test(reason))
      return (
        " The cluster holds as many shards as cluster.max_shards_per_node allows for its data nodes, and " +
        "each table's index adds its primary and replica shards: delete indices no longer used, add data " +
        `nodes or raise cluster.max_shards_per_node, ${again}${replay ? "" : "; the table is then copied whole."}`
      );
    return (
      ` Check the index templates that match ${index} and the cluster's settings, or give the ` +
      `table another index (index in the config file), ${again}${replay ? "" : "."}`
    );
  };
  return new TableIndexRefusedError(
    plan.table,
    `${message}${advice(false)}`,
    "The run stopped without moving the checkpoint.",
    { index },
    `${message}${advice(true)}`,
  );
}
