// The dead-letter sink of one run: stamps each letter with the configuration, the run and the time,
// counts what the run stored, and stores the letters of a batch together (in as few requests as keep
// each one small). A letter still held
// when a run dies is not lost: that run's checkpoint does not move, so the next run meets the record
// again.
//
// It also settles the letters of earlier runs whose records this run reconciled: a record fixed at its
// source and written by the next run leaves its letter nothing to do, and a letter left waiting makes
// every run exit 3 until someone replays it.
import type { Direction } from "../core/direction.js";
import type { DeadLetter, DeadLetterSink } from "../reconcile/dead-letter.js";
import {
  letterIdOf,
  letterReadFrom,
  storedLetter,
  type DeadLetterStore,
  type StoredLetter,
} from "./dead-letter-store.js";

/**
 * The most waiting letters a run reads as it starts (each is read whole, and about 150 bytes of it
 * held): beyond it, a run settles none, and `synced dead-letters replay` does.
 */
export const MOST_LETTERS_SETTLED_BY_RUNS = 10_000;

type Log = (message: string, fields?: Record<string, unknown>) => void;

export class RunDeadLetters implements DeadLetterSink {
  #count = 0;
  #held: StoredLetter[] = [];
  /**
   * The letters that waited as the run began, and are not settled yet, by id: with the `_id` of the
   * document each was read from, where it kept one.
   */
  #waiting = new Map<string, string | undefined>();
  #settling: string[] = [];
  /** Letters a failed flush did not store, by table and direction. */
  #unstored = new Map<string, number>();
  #settled = 0;

  constructor(
    private readonly store: DeadLetterStore,
    private readonly key: string,
    private readonly runId: string,
    private readonly now: () => Date = () => new Date(),
    private readonly most = MOST_LETTERS_SETTLED_BY_RUNS,
  ) {}

  get count(): number {
    return this.#count;
  }

  get settled(): number {
    return this.#settled;
  }

  get location(): string {
    return this.store.location;
  }

  /** A store that cannot list its letters costs this run their settling, not its result. */
  async prepare(log: Log): Promise<void> {
    const waiting = new Map<string, string | undefined>();
    try {
      for await (const letter of this.store.list(this.key)) {
        waiting.set(letter.letterId, letterReadFrom(letter));
        if (waiting.size > this.most) {
          log(
            `more than ${this.most} dead letters wait: this run settles none of them as it writes ` +
              "their records; synced dead-letters replay does",
            { location: this.store.location },
          );
          return;
        }
      }
    } catch (error) {
      log("could not list the dead letters waiting; this run settles none of them", {
        location: this.store.location,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    this.#waiting = waiting;
  }

  settle(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): void {
    const letterId = this.#waitingFor(table, direction, id, documentIds);
    if (letterId === undefined) return;
    this.#waiting.delete(letterId);
    this.#settling.push(letterId);
  }

  waits(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): boolean {
    return this.#waitingFor(table, direction, id, documentIds) !== undefined;
  }

  /** The id of the letter of an earlier run that waits for the record, if one does. */
  #waitingFor(
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

  takeUnstored(table: string, direction: Direction): number {
    const name = unstoredName(table, direction);
    const count = this.#unstored.get(name) ?? 0;
    this.#unstored.delete(name);
    return count;
  }

  put(letter: DeadLetter): Promise<void> {
    const stored = storedLetter(this.key, this.runId, this.now(), letter);
    // Met again and failed again: its letter is this run's now, and stays.
    this.#waiting.delete(stored.letterId);
    this.#held.push(stored);
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    const letters = this.#held;
    const settling = this.#settling;
    this.#held = [];
    this.#settling = [];
    try {
      await this.store.put(letters);
    } catch (error) {
      for (const letter of letters) {
        const name = unstoredName(letter.table, letter.direction);
        this.#unstored.set(name, (this.#unstored.get(name) ?? 0) + 1);
      }
      throw error;
    }
    this.#count += letters.length;
    if (settling.length === 0) return;
    await this.store.remove(this.key, settling);
    this.#settled += settling.length;
  }
}

const unstoredName = (table: string, direction: Direction): string => `${table}\n${direction}`;
