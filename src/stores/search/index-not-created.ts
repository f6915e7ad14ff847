// The cluster refused to create one table's index (400): the table is refused and the others synced.
import { TableIndexRefusedError } from "../../core/table-index-refusal.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { mappingLimitAdvice } from "./mapping-limits.js";

/** The cluster's answer when one more index would pass cluster.max_shards_per_node, in either product. */
const SHARD_LIMIT = /maximum (?:normal )?shards open/i;

/** `message`: the refusal in the words of searchFailure; `reason`: the cluster's own answer. */
export function indexNotCreated(plan: TablePlan, message: string, reason: string): TableIndexRefusedError {
  const limit = mappingLimitAdvice(reason, plan.es.index, plan.table);
  const advice =
    limit !== undefined
      ? ` ${limit}`
      : SHARD_LIMIT.test(reason)
        ? " The cluster holds as many shards as cluster.max_shards_per_node allows for its data nodes, and " +
          "each table's index adds its primary and replica shards: delete indices no longer used, add data " +
          "nodes or raise cluster.max_shards_per_node, then run again; the table is then copied whole."
        : ` Check the index templates that match ${plan.es.index} and the cluster's settings, or give the ` +
          "table another index (index in the config file), then run again.";
  return new TableIndexRefusedError(
    plan.table,
    `${message}${advice}`,
    "The run stopped without moving the checkpoint.",
    { index: plan.es.index },
  );
}
