// The gauge Prometheus alerts on before /healthz fails: how long the run in progress has gone without
// finishing a batch. None between runs, where no run can stall, and none in a run's push.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { EXIT } from "../../src/cli/exit-codes.js";
import { RunMetrics } from "../../src/cli/metrics.js";
import { WatchHealth } from "../../src/cli/watch-health.js";
import { WatchMetrics } from "../../src/cli/watch-metrics.js";
import { sample } from "../support/metrics-listener.js";

const NAME = "synced_run_without_progress_seconds";

describe("a watch's metrics of the run in progress", () => {
  let now = Date.parse("2026-12-07T10:00:00.000Z");
  const health = new WatchHealth(600_000, () => now);
  const runs = new RunMetrics();
  const served = new WatchMetrics(runs, health);
  const gauge = async (): Promise<number | undefined> =>
    sample(parsePrometheusTextFormat(await served.text()), NAME, {});

  it("give how long the run in progress has finished no batch, and none between runs", async () => {
    assert.equal(await gauge(), undefined, "before the first run");
    health.started();
    now += 90_000;
    assert.equal(await gauge(), 90);
    health.progressed();
    now += 5_000;
    assert.equal(await gauge(), 5);
    health.ended(EXIT.success);
    now += 60_000;
    assert.equal(await gauge(), undefined, "between runs");
    // A run's push carries the run metrics only: a frozen value there would alert for good.
    const pushed = (await runs.registry.getMetricsAsJSON()).map((metric) => metric.name);
    assert.ok(!pushed.includes(NAME));
  });
});
