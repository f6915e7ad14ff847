// The dead-letter sink of a dry run and of `synced plan`: both promise to write nothing, so a record
// they cannot convert is counted and shown as what the run would dead-letter, and never stored. A
// stored letter would make the next real run report it as waiting even after a fix at the source.
//
// It reads the letters that wait as the real run does, and settles them only in memory: a record whose
// letter waits was met by the run that passed it, and the real run does not count it as late, so
// neither does the dry run that says what the real run would do.
import type { Direction } from "../core/direction.js";
import type { DeadLetter, DeadLetterSink, WouldDeadLetter } from "../reconcile/dead-letter.js";
import { letterIdOf, letterReadFrom, plainJson, type DeadLetterStore } from "./dead-letter-store.js";
import { WaitingLetters } from "./waiting-letters.js";

/** Enough to show the kinds of failure; the count says how many there are in all. */
const SAMPLE = 20;

type Log = (message: string, fields?: Record<string, unknown>) => void;

export class DryRunDeadLetters implements DeadLetterSink {
  #count = 0;
  readonly #sample: WouldDeadLetter[] = [];
  readonly #waiting: WaitingLetters | undefined;

  /** Without `store`, it knows of no letters waiting (a run that has no store to read them from). */
  constructor(
    readonly location: string,
    store?: { readonly letters: DeadLetterStore; readonly key: string },
  ) {
    this.#waiting = store === undefined ? undefined : new WaitingLetters(store.letters, store.key);
  }

  get count(): number {
    return this.#count;
  }

  /** The first letters the run would have stored, without their records. */
  get wouldPut(): readonly WouldDeadLetter[] {
    return this.#sample;
  }

  async prepare(log: Log): Promise<void> {
    const unread = await this.#waiting?.read();
    if (unread?.kind === "failed")
      log(
        "could not list the dead letters waiting; this dry run counts their records as a run that reads none",
        {
          location: this.location,
          error: unread.error,
        },
      );
  }

  /** Settles nothing that is stored: the letter is only no longer waiting for this dry run. */
  settle(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): void {
    const letterId = this.#waiting?.find(table, direction, id, documentIds);
    if (letterId !== undefined) this.#waiting?.forget(letterId);
  }

  waits(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): boolean {
    return this.#waiting?.find(table, direction, id, documentIds) !== undefined;
  }

  put(letter: DeadLetter): Promise<void> {
    this.#count++;
    // Met again and failed again, as the real run would replace its letter.
    if (letter.id !== undefined) this.#waiting?.forget(letterIdOf(letter, null));
    if (this.#sample.length < SAMPLE) {
      const { table, direction, id, reason } = letter;
      const readFrom =
        id === undefined
          ? letterReadFrom({ from: letter.from, record: plainJson(letter.record) })
          : undefined;
      this.#sample.push({ table, direction, id, reason, ...(readFrom === undefined ? {} : { readFrom }) });
    }
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
