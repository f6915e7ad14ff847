// The index settings that block writes, which synced reads of an index it would write to and of what
// the index templates give an index it creates.

/**
 * The blocks that refuse every write with a 403, which a run meets at its first write (bulk-write.ts's
 * IndexBlockedError). The flood-stage block answers 429 instead, and a run waits it out, then stops.
 */
export const WRITE_BLOCKS = ["index.blocks.write", "index.blocks.read_only"] as const;

/** The flood-stage block's setting, which an operator can set by hand too (allow-delete-block.ts). */
export const ALLOW_DELETE_BLOCK = "index.blocks.read_only_allow_delete";

/** Every setting that blocks writes to an index, as an index template may give it a new index too. */
export const BLOCK_SETTINGS = [...WRITE_BLOCKS, ALLOW_DELETE_BLOCK] as const;
