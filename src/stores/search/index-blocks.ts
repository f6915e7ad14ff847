// The blocks an operator (or a template) sets on an index, by the words the cluster names each with
// in a cluster_block_exception. Elasticsearch 8/9 and OpenSearch 2/3 say them alike, and answer each
// with 403, as they do a missing privilege: the words, not the status, tell the two apart.

/** The setting behind each block, by the words the cluster names it with. */
const SETTING_BY_WORDS: readonly (readonly [RegExp, string])[] = [
  [/index write \(api\)/, "index.blocks.write"],
  [/index read-only \(api\)/, "index.blocks.read_only"],
  [/index read \(api\)/, "index.blocks.read"],
  [/index metadata \(api\)/, "index.blocks.metadata"],
];

/** Whether the cluster's words say an index is closed, or being closed. */
function namesClosedIndex(words: string): boolean {
  // A close in progress blocks requests too ("index preparing to close"): the way out is to open it.
  return /index_closed_exception|preparing to close|\/index closed\]/.test(words);
}

/** Whether the cluster's words name a block (the flood-stage one aside, which allow-delete-block.ts names). */
function namesBlock(words: string): boolean {
  return /cluster_block_exception|blocked by: \[/.test(words);
}

/** The setting of the block the cluster's words name, where they name one synced knows. */
export function blockSetting(words: string): string | undefined {
  return SETTING_BY_WORDS.find(([named]) => named.test(words))?.[1];
}

/** How to lift the block of `setting` (unknown: how to find it) from `index`. */
function liftBlock(index: string, setting: string | undefined): string {
  return setting === undefined
    ? `Lift the block once the index may be used again (GET ${index}/_settings shows its index.blocks)`
    : `Lift the block once the index may be used again (PUT ${index}/_settings {"${setting}": null})`;
}

/**
 * The block (or the closing) the cluster's words name on `index`: its setting where known, and what
 * lets requests through; undefined where they name none. The flood-stage block is
 * allow-delete-block.ts's.
 */
export function blockOn(
  words: string,
  index: string,
): { readonly closed: boolean; readonly setting?: string; readonly todo: string } | undefined {
  if (namesClosedIndex(words)) return { closed: true, todo: `Open it (POST ${index}/_open)` };
  if (!namesBlock(words)) return undefined;
  const setting = blockSetting(words);
  return { closed: false, ...(setting === undefined ? {} : { setting }), todo: liftBlock(index, setting) };
}
