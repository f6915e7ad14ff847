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
import { storedLetter, type DeadLetterStore, type StoredLetter } from "./dead-letter-store.js";
import { MOST_LETTERS_SETTLED_BY_RUNS, WaitingLetters } from "./waiting-letters.js";

export { MOST_LETTERS_SETTLED_BY_RUNS } from "./waiting-letters.js";

type Log = (message: string, fields?: Record<string, unknown>) => void;

export class RunDeadLetters implements DeadLetterSink {
  #count = 0;
  #held: StoredLetter[] = [];
  /** The letters that waited as the run began, and are not settled yet. */
  readonly #waiting: WaitingLetters;
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
  ) {
    this.#waiting = new WaitingLetters(store, key, most);
  }

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
    const unread = await this.#waiting.read();
    if (unread?.kind === "too-many")
      log(
        `more than ${this.most} dead letters wait: this run settles none of them as it writes ` +
          "their records; synced dead-letters replay does",
        { location: this.store.location },
      );
    if (unread?.kind === "failed")
      log("could not list the dead letters waiting; this run settles none of them", {
        location: this.store.location,
        error: unread.error,
      });
  }

  settle(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): void {
    const letterId = this.#waiting.find(table, direction, id, documentIds);
    if (letterId === undefined) return;
    this.#waiting.forget(letterId);
    this.#settling.push(letterId);
  }

  waits(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): boolean {
    return this.#waiting.find(table, direction, id, documentIds) !== undefined;
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
    this.#waiting.forget(stored.letterId);
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
