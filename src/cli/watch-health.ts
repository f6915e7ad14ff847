// What /healthz of `synced watch` answers. The last finished run says whether runs fail; the run in
// progress says whether one hangs: a store that keeps the connection but stops answering, or a lock
// never granted, held a run for good while /healthz went on reporting the last run that ended.
import { formatDuration } from "../core/duration-text.js";
import { REQUEST_TIMEOUT_MS } from "../core/request-timeout.js";
import { EXIT } from "./exit-codes.js";

/** Runs that end with these codes leave the job healthy: done, or done with letters waiting. */
const HEALTHY: ReadonlySet<number> = new Set([EXIT.success, EXIT.partial]);

export interface HealthAnswer {
  readonly status: 200 | 503;
  readonly body: Readonly<Record<string, unknown>>;
}

export class WatchHealth {
  readonly #stalledAfterMs: number;
  readonly #now: () => number;
  #runs = 0;
  #lastExit: number | undefined;
  #lastEndedAt: string | undefined;
  #failingSince: string | undefined;
  /** The run in progress: when it began, and when it last finished a batch. */
  #running: { since: number; progressAt: number } | undefined;

  constructor(stalledAfterMs: number, now: () => number = Date.now) {
    this.#stalledAfterMs = stalledAfterMs;
    this.#now = now;
  }

  get runs(): number {
    return this.#runs;
  }

  started(): void {
    const now = this.#now();
    this.#running = { since: now, progressAt: now };
  }

  /** A batch of records done: the run moves, however long it has been going. */
  progressed(): void {
    if (this.#running !== undefined) this.#running.progressAt = this.#now();
  }

  ended(code: number): void {
    const now = new Date(this.#now()).toISOString();
    this.#running = undefined;
    this.#runs++;
    this.#lastExit = code;
    this.#lastEndedAt = now;
    if (HEALTHY.has(code)) this.#failingSince = undefined;
    else this.#failingSince ??= now;
  }

  /** How long the run in progress has finished no batch; none between runs. */
  sinceProgressMs(): number | undefined {
    return this.#running === undefined ? undefined : this.#now() - this.#running.progressAt;
  }

  /** /healthz: the run in progress if it stalled, otherwise the last run that ended. */
  answer(): HealthAnswer {
    const { stalled, last } = this.#state();
    return stalled ?? this.#lastAnswer(last);
  }

  /**
   * /livez, for a liveness probe: failing only while a run stalls, which a restart mends. A store that
   * is down fails the runs, which a restart would not mend, so those leave the process alive.
   */
  alive(): HealthAnswer {
    const { stalled, last } = this.#state();
    return stalled ?? { status: 200, body: { status: "ok", ...last } };
  }

  #state(): { stalled?: HealthAnswer; last: Record<string, unknown> } {
    const last = {
      runs: this.#runs,
      ...(this.#lastExit === undefined ? {} : { lastExit: this.#lastExit }),
      ...(this.#lastEndedAt === undefined ? {} : { lastEndedAt: this.#lastEndedAt }),
      ...(this.#failingSince === undefined ? {} : { failingSince: this.#failingSince }),
    };
    const running = this.#running;
    if (running !== undefined) {
      const idleMs = this.sinceProgressMs() ?? 0;
      const shown = {
        ...last,
        running: {
          since: new Date(running.since).toISOString(),
          lastProgressAt: new Date(running.progressAt).toISOString(),
        },
      };
      if (idleMs > this.#stalledAfterMs) {
        const reason =
          `the run begun at ${shown.running.since} has shown no progress for ` +
          `${formatDuration(Math.ceil(idleMs / 1000) * 1000)}, longer than --stalled-after ` +
          `${formatDuration(this.#stalledAfterMs)}: a store that keeps the connection but stops ` +
          "answering, or a lock never granted, holds it; its log tells its last step";
        return { stalled: { status: 503, body: { status: "stalled", reason, ...shown } }, last: shown };
      }
      return { last: shown };
    }
    return { last };
  }

  /** Failing after a run that failed, until one succeeds: an unreachable store, a refused lease. */
  #lastAnswer(body: Record<string, unknown>): HealthAnswer {
    const failing = this.#failingSince !== undefined;
    return { status: failing ? 503 : 200, body: { status: failing ? "failing" : "ok", ...body } };
  }
}

/**
 * A warning when a run riding through a store's restart could pass `--stalled-after`: it retries for up
 * to `--retry-window` after a request that may wait its whole time limit, finishing no batch, and a
 * liveness probe on /livez would restart the process in the middle of it.
 */
export function stallBoundWarning(stalledAfterMs: number, retryWindowMs: number): string | undefined {
  const ridden = retryWindowMs + REQUEST_TIMEOUT_MS;
  if (stalledAfterMs > ridden) return undefined;
  return (
    `--stalled-after ${formatDuration(stalledAfterMs)} is not above --retry-window ` +
    `${formatDuration(retryWindowMs)} plus a minute (a request's time limit): a run that retries a ` +
    "store through its restart finishes no batch meanwhile, /livez would call it stalled, and a " +
    `liveness probe would restart it; give --stalled-after more than ${formatDuration(ridden)}`
  );
}
