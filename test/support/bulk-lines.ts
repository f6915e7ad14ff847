// What a fake search client's bulk receives, as lines: synced's record writes send the whole body as
// NDJSON text, the state and dead-letter stores an array of lines.
import type { BulkLine, BulkRequest } from "../../src/stores/search/search-client.js";

/** The request's lines: each action parsed, each document as the text sent (actions with one only). */
export function bulkLines(lines: BulkRequest["lines"]): BulkLine[] {
  if (typeof lines !== "string") return [...lines];
  const texts = lines.split("\n");
  // The body ends in a newline, which leaves one empty text after it.
  texts.pop();
  return texts.map((text, i) => (i % 2 === 0 ? (JSON.parse(text) as BulkLine) : text));
}
