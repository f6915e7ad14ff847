// How many dead letters of the configuration wait after a run, its own and earlier runs': the summary,
// the exit code and the metrics say it. A store that cannot count them now does not fail the run.
import type { DeadLetterStore } from "../deadletter/dead-letter-store.js";
import type { Logger } from "./logger.js";

/** The letters waiting under `key`, or undefined, with a warning, when the store could not count them. */
export async function countWaitingLetters(
  store: Pick<DeadLetterStore, "count" | "location">,
  key: string,
  logger: Pick<Logger, "warn">,
): Promise<number | undefined> {
  try {
    return await store.count(key);
  } catch (error) {
    // A warning: the run's result stands, but letters of earlier runs may wait where nobody is told,
    // since the exit code then counts only this run's letters (3 only if it put some).
    logger.warn(
      `could not count the dead letters waiting in ${store.location}: letters of earlier runs may wait ` +
        "unseen, as the summary and the exit code count only this run's; check that this host reaches " +
        "the dead-letter store, then see what waits with synced dead-letters list",
      { location: store.location, error: error instanceof Error ? error.message : String(error) },
    );
    return undefined;
  }
}
