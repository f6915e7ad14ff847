// The letters a later synced wrote, in a state format this one does not read (state-format.ts). After
// a rollback, nothing this synced does may replace or remove them: the later synced goes on from them
// as it left them, and a record whose letter this one replaced would be known to neither as it was.
import { NewerStateError } from "../state/state-format.js";
import type { DeadLetterStore } from "./dead-letter-store.js";

/** The key's letters of a later format: the format of each, by letter id. */
export async function laterLetters(store: DeadLetterStore, key: string): Promise<Map<string, number>> {
  const later = new Map<string, number>();
  for await (const letter of store.later(key)) later.set(letter.letterId, letter.format);
  return later;
}

/**
 * Refuses a run, or a repair, of a configuration whose letters include some of a later format: each of
 * its own letters would replace the later one of the same record, and its settling would remove them.
 * Checked before anything is done.
 */
export async function refuseLaterLetters(store: DeadLetterStore, key: string): Promise<void> {
  const later = await laterLetters(store, key);
  const [first] = later.keys();
  if (first === undefined) return;
  const count = later.size;
  const more = count === 1 ? "" : ` and ${count - 1} more`;
  throw new NewerStateError(store.location, Math.max(...later.values()), {
    subject: `${count} dead letter${count === 1 ? "" : "s"} of state key ${key} in ${store.location} (letter ${first}${more})`,
    plural: count > 1,
    harm:
      count === 1
        ? "would replace it with its own letter of the same record"
        : "would replace them with its own letters of the same records",
    instead: "--dead-letter, where this one finds no letters",
  });
}
