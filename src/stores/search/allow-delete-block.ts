// The read-only-allow-delete block: the cluster sets it when a node's disk passes its flood-stage
// watermark, and an operator can set the same setting by hand. Elasticsearch 8 and OpenSearch 2 answer
// both alike (429, "disk usage exceeded flood-stage watermark, index has read-only-allow-delete block"),
// so the words name the block and both ways out, rather than blame a disk that may be far from full.
import { SyncedError } from "../../core/errors.js";
import type { TablePlan } from "../../reconcile/table-plan.js";

/** Why writes to `index` are refused, and what lets them through, for an answer that names this block. */
export function allowDeleteBlock(index: string, product: string): { why: string; todo: string } {
  return {
    why:
      "the index has the read-only-allow-delete block (index.blocks.read_only_allow_delete), which " +
      `${product} sets when a node's disk passes its flood-stage watermark and lifts once the disk is ` +
      "below the high watermark; the same block set by hand, or left where the cluster's disk checks " +
      "are off, reads the same and stays until lifted",
    todo:
      "Free disk space or add nodes if a node's disk is that full; if not, lift the block " +
      `(PUT ${index}/_settings {"index.blocks.read_only_allow_delete": null})`,
  };
}

/**
 * A dry run (or plan, or replay --dry-run) found the block on an index it would write to. The run
 * meets 429s, waits out --retry-window and stops (BulkRetriesExhaustedError): the dry run says so at
 * once, as no wait lifts the block, and ends as the run would.
 */
export class AllowDeleteBlockPlannedError extends SyncedError {
  constructor(plan: TablePlan, product: string, retryWindowMs: number, by: "run" | "replay") {
    const { table } = plan;
    const { index } = plan.es;
    const block = allowDeleteBlock(index, product);
    // A replay's letters wait for the block to be lifted; replaying them, not a run, settles them.
    const [stops, then] =
      by === "run"
        ? ["stop", "then run again"]
        : ["stop, every letter still waiting", "then replay the letters"];
    super(
      `index ${index} of table ${table} is blocked for writes: ${block.why}. A ${by} would meet 429 answers ` +
        `from ${product} for each write to it, wait them out for ${Math.round(retryWindowMs / 1000)} s ` +
        `(--retry-window) and ${stops}, with exit 1; no wait lifts the block, so the dry run stopped at ` +
        `once and wrote nothing. ${block.todo}, ${then}.`,
      { index, table, setting: "index.blocks.read_only_allow_delete" },
    );
  }
}
