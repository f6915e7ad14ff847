// A dead letter as the file store keeps it, for the tests of the letters and state files.
import { storedLetter, type StoredLetter } from "../../src/deadletter/dead-letter-store.js";

/** A letter of a `things` row refused on its way to the index, its record `{ id, ...fields }`. */
export function thingsLetter(
  key: string,
  id: string,
  options: { reason?: string; fields?: Record<string, unknown> } = {},
): StoredLetter {
  return storedLetter(key, "run-1", new Date(0), {
    table: "things",
    direction: "to-es",
    from: "cassandra",
    id,
    reason: options.reason ?? "bad",
    record: { id, ...options.fields },
  });
}
