// A state or letters index that an operator blocked (index.blocks.*) or closed refuses every request
// alike, with a 403 or a 400 in the cluster's words: neither the login nor the store's reach is at
// fault, and nothing but lifting the block or opening the index lets a run through. The flood-stage
// block answers 429, and the cluster answers the same block set by hand alike: both ways out are named.
import { FLOOD_STAGE } from "../stores/search/transient-errors.js";
import { allowDeleteBlock } from "../stores/search/allow-delete-block.js";
import { blockOn } from "../stores/search/index-blocks.js";
import { isSearchError, SearchError } from "../stores/search/search-error.js";
import type { SearchClient } from "../stores/search/search-client.js";

/** What the cluster said, in the error synced made of its answer or of a bulk item's. */
function clusterWords(error: unknown): string {
  if (!(error instanceof Error)) return "";
  return error instanceof SearchError && error.answer.status !== undefined
    ? `${error.message} ${error.answer.reason}`
    : error.message;
}

/**
 * Why the index of `location` (`<product> index <name>`) refuses the request and what lets it through,
 * where it is blocked or closed; undefined for any other failure.
 */
export function indexBlock(error: unknown, location: string): { why: string; todo: string } | undefined {
  const words = clusterWords(error);
  const [, product, index] = /^(?:(.*) )?index (\S+)$/.exec(location) ?? [];
  if (index === undefined) return undefined;
  if (FLOOD_STAGE.test(words)) return allowDeleteBlock(index, product ?? "the cluster");
  const block = blockOn(words, index);
  if (block === undefined) return undefined;
  if (block.closed) return { why: "the index is closed", todo: block.todo };
  return {
    why:
      "the index is blocked" +
      (block.setting === undefined ? "" : ` (${block.setting})`) +
      ": the block refuses every request alike, not the login",
    todo: block.todo,
  };
}

/**
 * Whether `index` exists. A HEAD request refused with 403 carries no body, so a block of the index's
 * metadata (index.blocks.metadata) looked like a missing privilege: the GET of its mapping is asked
 * then, and its refusal given where it names a block.
 */
export async function indexExists(client: SearchClient, index: string): Promise<boolean> {
  try {
    return await client.indexExists(index);
  } catch (error) {
    if (!isSearchError(error, "credentials") || error.answer.status !== 403) throw error;
    try {
      await client.readMappings({ index });
    } catch (refused) {
      if (indexBlock(refused, `index ${index}`) !== undefined) throw refused;
    }
    throw error;
  }
}
