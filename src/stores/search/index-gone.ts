// An index that went away under a run, deleted or closed by someone else: that is the index, not the
// records nor the cluster's health, so the run stops at once, with no letter. A read cannot tell it by
// the answer alone: a point in time over a deleted index answers 503 (no_shard_available_action_exception),
// as a node restarting does, which is worth waiting for. Only such an answer costs one request more,
// whether the index still exists.
import { SyncedError } from "../../core/errors.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import type { SearchProductName } from "./mapping.js";
import type { SearchClient } from "./search-client.js";
import { isSearchError } from "./search-error.js";

export type IndexGone = "deleted" | "closed";

/**
 * The index went away while the run wrote to it or read it. Tried as an operator would: deleting an
 * index while a run wrote to it dead-lettered a hundred records, each "refused", and stopped on the
 * error budget; deleting it while a run read it was retried as an unhealthy cluster for the whole
 * --retry-window, and ended with exit 5.
 */
export class IndexGoneError extends SyncedError {
  /** `product`: the cluster's, which the next step names. */
  constructor(
    plan: TablePlan,
    how: IndexGone,
    product: SearchProductName,
    during: "write" | "read" = "write",
  ) {
    const index = plan.es.index;
    const when = during === "write" ? "during the run" : "while the run read it";
    const what =
      how === "deleted"
        ? `index ${index} no longer exists: it was deleted ${when}`
        : `index ${index} was closed ${when}`;
    const unlettered = during === "write" ? ", so no record was dead-lettered for it" : "";
    super(
      `${what}${unlettered}. The run stopped without moving the checkpoint. ${nextStep(index, how, product, during)}`,
      { index, table: plan.table, how, during },
    );
  }
}

function nextStep(
  index: string,
  how: IndexGone,
  product: SearchProductName,
  during: "write" | "read",
): string {
  if (how === "closed") return `Open it (POST ${index}/_open) and run again.`;
  if (during === "read") {
    return (
      "If it was deleted by mistake, restore it (from a snapshot) before the next run: a run that finds " +
      "no index makes it again, empty, with synced's mapping, and one that syncs toward " +
      `${product} copies the table into it whole.`
    );
  }
  return (
    `${product} may already have made it again from a later write, with field types it guessed ` +
    `(unless action.auto_create_index forbids that): if GET ${index}/_mapping shows such guesses ` +
    "(text with a keyword subfield for every string), delete the index; the next run creates it " +
    "with synced's mapping and copies the table whole."
  );
}

/**
 * Runs a read of `plan`'s index, failing with an IndexGoneError where its failure says the index is
 * gone, or a 503 finds that it no longer exists; any other failure is passed on as it is.
 */
export async function readingIndex<T>(
  client: SearchClient,
  plan: TablePlan,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const gone = await goneFrom(client, plan, error);
    throw gone === undefined ? error : new IndexGoneError(plan, gone, client.productName, "read");
  }
}

async function goneFrom(
  client: SearchClient,
  plan: TablePlan,
  error: unknown,
): Promise<IndexGone | undefined> {
  if (isSearchError(error, "index-missing")) return "deleted";
  if (isSearchError(error, "refused") && error.answer.status !== undefined) {
    return error.answer.reason.startsWith("index_closed_exception") ? "closed" : undefined;
  }
  // Unavailable shards: a node restarting, or an index deleted under a point in time.
  const unavailable = isSearchError(error, "transient") && error.answer.status === 503;
  return unavailable && !(await stillExists(client, plan.es.index)) ? "deleted" : undefined;
}

/**
 * Whether `index` exists; where the cluster does not say, it is taken to, and the failure that asked is
 * waited out as before.
 */
export async function stillExists(client: SearchClient, index: string): Promise<boolean> {
  try {
    return await client.indexExists(index);
  } catch {
    return true;
  }
}
