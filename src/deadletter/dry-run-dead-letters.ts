// The dead-letter sink of a dry run and of `synced plan`: both promise to write nothing, so a record
// they cannot convert is counted and shown as what the run would dead-letter, and never stored. A
// stored letter would make the next real run report it as waiting even after a fix at the source.
import type { DeadLetter, DeadLetterSink, WouldDeadLetter } from "../reconcile/dead-letter.js";

/** Enough to show the kinds of failure; the count says how many there are in all. */
const SAMPLE = 20;

export class DryRunDeadLetters implements DeadLetterSink {
  #count = 0;
  readonly #sample: WouldDeadLetter[] = [];

  constructor(readonly location: string) {}

  get count(): number {
    return this.#count;
  }

  /** The first letters the run would have stored, without their records. */
  get wouldPut(): readonly WouldDeadLetter[] {
    return this.#sample;
  }

  put(letter: DeadLetter): Promise<void> {
    this.#count++;
    if (this.#sample.length < SAMPLE) {
      const { table, direction, id, reason } = letter;
      this.#sample.push({ table, direction, id, reason });
    }
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
