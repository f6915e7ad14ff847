// The read-only-allow-delete block: the cluster sets it when a node's disk passes its flood-stage
// watermark, and an operator can set the same setting by hand. Elasticsearch 8 and OpenSearch 2 answer
// both alike (429, "disk usage exceeded flood-stage watermark, index has read-only-allow-delete block"),
// so the words name the block and both ways out, rather than blame a disk that may be far from full.

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
