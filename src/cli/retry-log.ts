// The log lines of requests tried again. During an outage every request in flight retries, each a few
// times a second at first: a node restarting under a run wrote hundreds of identical lines, burying the
// one that said what was wrong. Each store's first retry is logged at once, then at most one line a
// few seconds, counting the retries between; each one still shows at --verbose.
import type { RetryListener } from "../util/retry.js";
import type { Logger } from "./logger.js";

/** How often a store's retries are logged at most, after its first. */
export const RETRY_LINE_INTERVAL_MS = 5_000;

export function retryLog(
  logger: Pick<Logger, "info" | "debug">,
  now: () => number = Date.now,
): RetryListener {
  const stores = new Map<string, { lastLine: number; since: number }>();
  return ({ side: store, name }, error, attempt, delayMs) => {
    // The field keeps the side's name, which scripts match; the message names what answers there.
    const fields = {
      store,
      attempt,
      delayMs,
      error: error instanceof Error ? error.message.split("\n")[0] : String(error),
    };
    const message = `${name} failed transiently; trying again`;
    const seen = stores.get(store);
    const at = now();
    if (seen !== undefined && at - seen.lastLine < RETRY_LINE_INTERVAL_MS) {
      seen.since += 1;
      logger.debug(message, fields);
      return;
    }
    const since = seen?.since ?? 0;
    logger.info(message, since > 0 ? { ...fields, retriesSinceLastLine: since } : fields);
    stores.set(store, { lastLine: at, since: 0 });
  };
}
