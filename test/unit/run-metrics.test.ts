// The gauges a watch serves describe its last run, also when that run failed before it had a report
// (a store unreachable, a lease held): the checkpoint then lies where it lay, further behind the clock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RunMetrics } from "../../src/cli/metrics.js";
import { microsFromMillis } from "../../src/core/micros.js";
import { runReport } from "../support/run-report.js";

async function gauge(metrics: RunMetrics, name: string): Promise<number | undefined> {
  const found = (await metrics.registry.getMetricsAsJSON()).find((metric) => metric.name === name);
  return found?.values[0]?.value;
}

describe("a watch's metrics after a run that failed before its report", () => {
  const checkpointAt = Date.parse("2026-12-07T10:00:00Z");
  const checkpoint = microsFromMillis(checkpointAt);

  it("give how far the checkpoint lies behind the clock as the failed run ended", async () => {
    const metrics = new RunMetrics();
    metrics.record(runReport({ checkpointAfter: checkpoint }), new Date(checkpointAt + 5_000), 0);
    assert.equal(await gauge(metrics, "synced_checkpoint_lag_seconds"), 5);
    // An hour of runs that could not reach a store: the checkpoint did not move.
    metrics.failed("failed", new Date(checkpointAt + 3_600_000), 1_000);
    assert.equal(await gauge(metrics, "synced_checkpoint_lag_seconds"), 3_600);
    // A later run that reaches the stores sets it from its report again.
    metrics.record(
      runReport({ checkpointBefore: checkpoint, checkpointAfter: checkpoint + 3_600_000_000n }),
      new Date(checkpointAt + 3_602_000),
      0,
    );
    assert.equal(await gauge(metrics, "synced_checkpoint_lag_seconds"), 2);
  });

  // Tried as an operator would: a run that hung on a store for two minutes and then failed left the
  // gauge at the last good run's few seconds, so an alert on long runs never saw it.
  it("give how long the failed run took", async () => {
    const metrics = new RunMetrics();
    metrics.record(runReport({ checkpointAfter: checkpoint, durationMs: 3_000 }), new Date(checkpointAt), 0);
    assert.equal(await gauge(metrics, "synced_run_duration_seconds"), 3);
    metrics.failed("failed", new Date(checkpointAt + 150_000), 120_000);
    assert.equal(await gauge(metrics, "synced_run_duration_seconds"), 120);
  });

  it("set no checkpoint lag before any run read a checkpoint", async () => {
    const metrics = new RunMetrics();
    metrics.failed("failed", new Date(checkpointAt), 1_000);
    assert.equal(await gauge(metrics, "synced_checkpoint_lag_seconds"), undefined);
  });
});
