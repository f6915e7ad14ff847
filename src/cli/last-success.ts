// When this configuration last finished its range, for the metrics of a run that did not: a push
// replaces the configuration's last one on the Pushgateway, so without it the time of success would
// go missing at the first failed run, and a dashboard would show no data where the last success was
// minutes ago. The state store's history of runs holds it.
import { DEFAULT_RUN_HISTORY_LIMIT, finishedRange, type StateStore } from "../state/state-store.js";
import type { Logger } from "./logger.js";

/**
 * The end of the newest run of `key` that finished its range (success or partial) in the store's
 * history, or undefined where none is kept or the history cannot be read (the metrics then leave the
 * time out: an alert on runs without one sees that).
 */
export async function lastSuccessAt(
  state: Pick<StateStore, "recentRuns">,
  key: string,
  logger: Pick<Logger, "debug">,
): Promise<Date | undefined> {
  try {
    const runs = await state.recentRuns(key, DEFAULT_RUN_HISTORY_LIMIT);
    return runs.find((run) => finishedRange(run.outcome))?.finishedAt;
  } catch (error) {
    // The run's own result and its warnings already say what is wrong with the state store.
    logger.debug("could not read the runs before this one for the time of the last success", {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}
