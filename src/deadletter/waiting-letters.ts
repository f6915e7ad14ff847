// The letters of earlier runs that wait as a run begins, read once, so that the run can tell a record
// it reconciles from one that arrived late: a record whose letter waits was met by the run that passed
// it, which could not write it. A real run settles such letters; a dry run reads the same letters and
// stores nothing, so that it counts what the real run would.
import type { Direction } from "../core/direction.js";
import { letterIdOf, letterReadFrom, type DeadLetterStore } from "./dead-letter-store.js";

/**
 * The most waiting letters a run reads as it starts (each is read whole, and about 150 bytes of it
 * held): beyond it, a run settles none, and `synced dead-letters replay` does.
 */
export const MOST_LETTERS_SETTLED_BY_RUNS = 10_000;

/** Why no letters are known to wait though some may: too many to hold, or a store that failed. */
export type UnreadLetters =
  { readonly kind: "too-many" } | { readonly kind: "failed"; readonly error: string };

export class WaitingLetters {
  /** By letter id, with the `_id` of the document each was read from, where it kept one. */
  #waiting = new Map<string, string | undefined>();

  constructor(
    private readonly store: DeadLetterStore,
    private readonly key: string,
    private readonly most = MOST_LETTERS_SETTLED_BY_RUNS,
  ) {}

  /** Reads the letters that wait; on too many, or a failure, knows of none and says why. */
  async read(): Promise<UnreadLetters | undefined> {
    const waiting = new Map<string, string | undefined>();
    try {
      for await (const letter of this.store.list(this.key)) {
        waiting.set(letter.letterId, letterReadFrom(letter));
        if (waiting.size > this.most) return { kind: "too-many" };
      }
    } catch (error) {
      return { kind: "failed", error: error instanceof Error ? error.message : String(error) };
    }
    this.#waiting = waiting;
    return undefined;
  }

  /** The id of the letter that waits for the record, if one does. */
  find(
    table: string,
    direction: Direction,
    id: string,
    documentIds: () => readonly string[],
  ): string | undefined {
    if (this.#waiting.size === 0) return undefined;
    const letterId = letterIdOf({ table, direction, id }, null);
    if (!this.#waiting.has(letterId)) return undefined;
    // A letter of a document under another _id than the record's own names a document this run did
    // not read: it stays, as a replay keeps it (a lookup by id tries its UUIDs in either case).
    const readFrom = this.#waiting.get(letterId);
    if (readFrom !== undefined && !documentIds().includes(readFrom)) return undefined;
    return letterId;
  }

  /** No longer waiting: settled by this run, or replaced by its own letter. */
  forget(letterId: string): void {
    this.#waiting.delete(letterId);
  }
}
