// The dead-letter sink of one run: stamps each letter with the configuration, the run and the time,
// counts what the run stored, and stores the letters of a batch together (in as few requests as keep
// each one small). A letter still held
// when a run dies is not lost: that run's checkpoint does not move, so the next run meets the record
// again.
import type { DeadLetter, DeadLetterSink } from "../reconcile/dead-letter.js";
import { storedLetter, type DeadLetterStore, type StoredLetter } from "./dead-letter-store.js";

export class RunDeadLetters implements DeadLetterSink {
  #count = 0;
  #held: StoredLetter[] = [];

  constructor(
    private readonly store: DeadLetterStore,
    private readonly key: string,
    private readonly runId: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get count(): number {
    return this.#count;
  }

  get location(): string {
    return this.store.location;
  }

  put(letter: DeadLetter): Promise<void> {
    this.#held.push(storedLetter(this.key, this.runId, this.now(), letter));
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    const letters = this.#held;
    this.#held = [];
    await this.store.put(letters);
    this.#count += letters.length;
  }
}
