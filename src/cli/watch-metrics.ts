// What `synced watch` serves on /metrics: the runs' metrics, and how long the run in progress has
// finished no batch, for an alert before /healthz and /livez fail at --stalled-after. That gauge is
// kept out of the runs' registry, which a run pushes as it ends: a value frozen on the Pushgateway
// would say a run stalls that ended long ago.
import { Registry } from "prom-client";
import { type RunMetrics, SetGauge } from "./metrics.js";
import type { WatchHealth } from "./watch-health.js";

export class WatchMetrics {
  readonly #runs: RunMetrics;
  readonly #health: WatchHealth;
  readonly #own = new Registry();
  readonly #sinceProgress = new SetGauge(
    this.#own,
    "synced_run_without_progress_seconds",
    "How long the run in progress has finished no batch of records; absent between runs",
  );

  constructor(runs: RunMetrics, health: WatchHealth) {
    this.#runs = runs;
    this.#health = health;
  }

  get contentType(): string {
    return this.#runs.registry.contentType;
  }

  /** The exposition text, measured now: a scrape between batches sees the time grow. */
  async text(): Promise<string> {
    const ms = this.#health.sinceProgressMs();
    this.#sinceProgress.set(ms === undefined ? undefined : ms / 1000);
    return Registry.merge([this.#runs.registry, this.#own]).metrics();
  }
}
