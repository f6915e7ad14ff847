// The letters of a dry run (plan, --dry-run) whose dead-letter store does not exist yet: it creates
// none, as it writes nothing, and no letter can wait in a store that is not there. A real run creates
// the store with its first letter's run.
import type { StateBackend } from "../state/state-store.js";
import type { DeadLetterStore, LaterLetter, StoredLetter } from "./dead-letter-store.js";

export class AbsentDeadLetters implements DeadLetterStore {
  constructor(
    readonly backend: StateBackend,
    readonly location: string,
  ) {}

  put(): Promise<void> {
    return Promise.reject(new Error(`a dry run stores no dead letter, and ${this.location} does not exist`));
  }

  list(): AsyncIterable<StoredLetter> {
    return nothing();
  }

  ids(): AsyncIterable<string> {
    return nothing();
  }

  later(): AsyncIterable<LaterLetter> {
    return nothing();
  }

  remove(): Promise<void> {
    return Promise.resolve();
  }

  count(): Promise<number> {
    return Promise.resolve(0);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function nothing<T>(): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.resolve({ done: true, value: undefined }),
    }),
  };
}
