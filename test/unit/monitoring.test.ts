// The Grafana dashboard and the Prometheus alert rules in deploy/monitoring/ ask for metrics by name;
// a name synced does not export would leave a panel empty and an alert silent, with no error anywhere.
// Each name they use is checked against the registry synced exports from.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { parse } from "yaml";
import { lastSuccessAt } from "../../src/cli/last-success.js";
import { RunMetrics } from "../../src/cli/metrics.js";
import { WatchHealth } from "../../src/cli/watch-health.js";
import { WatchMetrics } from "../../src/cli/watch-metrics.js";
import type { RunOutcome, RunRecord } from "../../src/state/state-store.js";
import type { VerifyReport } from "../../src/reconcile/verify.js";
import { runReport } from "../support/run-report.js";

const MONITORING = fileURLToPath(new URL("../../../deploy/monitoring/", import.meta.url));

interface Rule {
  readonly alert?: unknown;
  readonly expr?: unknown;
  readonly labels?: { readonly severity?: unknown };
  readonly annotations?: { readonly summary?: unknown; readonly description?: unknown };
}

async function alertRules(): Promise<Rule[]> {
  const file = parse(await readFile(`${MONITORING}synced-alerts.yaml`, "utf8")) as {
    groups: { rules: Rule[] }[];
  };
  return file.groups.flatMap((group) => group.rules);
}

async function dashboardExpressions(): Promise<string[]> {
  const dashboard = JSON.parse(await readFile(`${MONITORING}synced-dashboard.json`, "utf8")) as {
    panels: { targets: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
}

/** The metrics each expression names; a histogram's series names lead back to the histogram. */
function namesIn(expressions: readonly string[]): Set<string> {
  return new Set(expressions.flatMap((expr) => expr.match(/\bsynced_[a-z_]+/g) ?? []));
}

/** A repair's report that left `unresolved` differences. */
function verifyReport(unresolved: number): VerifyReport {
  return { range: { begin: 0n, end: 1n }, sides: [], skipped: [], differences: unresolved, unresolved };
}

/**
 * Every metric synced exports: a watch's after a run that moved the checkpoint and a repair, with the
 * next run in progress.
 */
async function exported(): Promise<Map<string, string>> {
  const counted = new RunMetrics();
  counted.configured(30_000, 600_000);
  counted.record(runReport({ checkpointAfter: 1_000_000n }), new Date(), 0);
  counted.verified(verifyReport(0), new Date());
  const health = new WatchHealth(600_000);
  health.started();
  const families = parsePrometheusTextFormat(await new WatchMetrics(counted, health).text());
  return new Map(families.map((family) => [family.name, family.type.toLowerCase()]));
}

function unknownNames(names: Set<string>, known: Map<string, string>): string[] {
  return [...names].filter((name) => {
    if (known.has(name)) return false;
    const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    return histogram === undefined || known.get(histogram) !== "histogram";
  });
}

describe("dashboard and alert rules", () => {
  it("ask only for metrics synced exports", async () => {
    const known = await exported();
    const alerts = (await alertRules()).map((rule) => String(rule.expr));
    assert.deepEqual(unknownNames(namesIn(alerts), known), []);
    assert.deepEqual(unknownNames(namesIn(await dashboardExpressions()), known), []);
    // The check itself: a misspelt name is caught.
    assert.deepEqual(unknownNames(new Set(["synced_runs_totl"]), known), ["synced_runs_totl"]);
  });

  it("show runs, writes, dead letters, checkpoint lag and late records and how late", async () => {
    const shown = namesIn(await dashboardExpressions());
    for (const name of [
      "synced_runs_total",
      "synced_records_written_total",
      "synced_dead_letters_waiting",
      "synced_checkpoint_lag_seconds",
      "synced_late_records_total",
      "synced_late_record_lateness_seconds_bucket",
      "synced_lookback_seconds",
    ])
      assert.ok(shown.has(name), name);
  });

  it("alert on no success for too long, letters waiting, late records near the window's edge and a run without progress", async () => {
    const rules = await alertRules();
    for (const rule of rules) {
      assert.equal(typeof rule.alert, "string");
      assert.ok(["critical", "warning", "info"].includes(String(rule.labels?.severity)), String(rule.alert));
      assert.equal(typeof rule.annotations?.summary, "string", String(rule.alert));
    }
    const watched = namesIn(rules.map((rule) => String(rule.expr)));
    for (const name of [
      "synced_last_success_timestamp_seconds",
      "synced_dead_letters_waiting",
      "synced_late_record_lateness_seconds_bucket",
      "synced_lookback_seconds",
      // A watch's run that finishes no batch, before its probe restarts the pod.
      "synced_run_without_progress_seconds",
    ])
      assert.ok(watched.has(name), name);
    // A configuration none of whose runs succeeded exports no time of success to compare with time():
    // a rule looks for runs without one.
    const missing =
      /\bunless\b.*\bsynced_last_success_timestamp_seconds\b|absent\(synced_last_success_timestamp_seconds/;
    assert.ok(
      rules.some((rule) => missing.test(String(rule.expr))),
      "no rule fires where runs set no synced_last_success_timestamp_seconds",
    );
  });
});

// Tried as an operator would: the dead-letter store could not be counted as the run ended, and the
// push still said synced_dead_letters_waiting 0 (prom-client exports a gauge never set as 0), so the
// alert on letters waiting saw none.
describe("the count of waiting dead letters", () => {
  const waitingLine = async (metrics: RunMetrics): Promise<string | undefined> =>
    (await metrics.registry.metrics())
      .split("\n")
      .find((line) => line.startsWith("synced_dead_letters_waiting "));

  it("is exported as counted, 0 included", async () => {
    const metrics = new RunMetrics();
    metrics.record(runReport(), new Date(), 0);
    assert.equal(await waitingLine(metrics), "synced_dead_letters_waiting 0");
    metrics.record(runReport(), new Date(), 4);
    assert.equal(await waitingLine(metrics), "synced_dead_letters_waiting 4");
  });

  it("is left out where it could not be counted, or before any run counted it", async () => {
    const metrics = new RunMetrics();
    assert.equal(await waitingLine(metrics), undefined);
    metrics.record(runReport(), new Date(), undefined);
    assert.equal(await waitingLine(metrics), undefined);
    // A watch's later run that cannot count drops the earlier run's count rather than repeat it.
    metrics.record(runReport(), new Date(), 3);
    metrics.record(runReport(), new Date(), undefined);
    assert.equal(await waitingLine(metrics), undefined);
    assert.doesNotMatch(await metrics.registry.metrics(), /synced_dead_letters_waiting/);
    // The rest of the run's metrics are there.
    assert.match(await metrics.registry.metrics(), /^synced_runs_total\{outcome="success"\} 3$/m);
  });
});

// Tried as an operator would: a watch's /metrics before its first run said synced_last_success_timestamp_seconds
// 0 (1970) and synced_verify_unresolved 0 (all well) though no run or verify had set them, as
// prom-client exports a gauge never set as 0.
describe("gauges nothing set", () => {
  const gauges = async (metrics: RunMetrics): Promise<Record<string, number | undefined>> => {
    const families = await metrics.registry.getMetricsAsJSON();
    return Object.fromEntries(
      families.filter((f) => String(f.type) === "gauge").map((f) => [f.name, f.values[0]?.value]),
    );
  };

  it("are left out of a watch's metrics before its first run", async () => {
    assert.deepEqual(await gauges(new RunMetrics()), {});
  });

  it("are left out of a run's push where the run did not set them", async () => {
    const metrics = new RunMetrics();
    metrics.configured(30_000, 600_000);
    // Failed, with no checkpoint: no success to date, no lag to measure, and no verify in a run.
    metrics.record(runReport({ outcome: "failed" }), new Date(1_000_000), 2);
    assert.deepEqual(await gauges(metrics), {
      synced_lag_seconds: 30,
      synced_lookback_seconds: 600,
      synced_run_duration_seconds: 0.01,
      synced_dead_letters_waiting: 2,
    });
    metrics.record(runReport({ checkpointAfter: 500_000_000n }), new Date(1_000_000), 2);
    metrics.verified(verifyReport(3), new Date(2_000_000));
    assert.deepEqual(await gauges(metrics), {
      synced_lag_seconds: 30,
      synced_lookback_seconds: 600,
      synced_run_duration_seconds: 0.01,
      synced_dead_letters_waiting: 2,
      synced_last_success_timestamp_seconds: 1000,
      synced_checkpoint_lag_seconds: 500,
      synced_verify_unresolved: 3,
      synced_last_verify_timestamp_seconds: 2000,
    });
  });

  it("carry a failed run's last success from the state store, and keep one a watch saw", async () => {
    const pushed = new RunMetrics();
    pushed.record(runReport({ outcome: "failed" }), new Date(9_000_000), 0, new Date(4_000_000));
    assert.equal((await gauges(pushed))["synced_last_success_timestamp_seconds"], 4000);
    // A watch whose history could not be read keeps the success it saw itself.
    const watched = new RunMetrics();
    watched.record(runReport(), new Date(5_000_000), 0);
    watched.record(runReport({ outcome: "failed" }), new Date(6_000_000), 0, undefined);
    assert.equal((await gauges(watched))["synced_last_success_timestamp_seconds"], 5000);
    // Nor does a history that lost that run's record take it back to an older one.
    watched.record(runReport({ outcome: "failed" }), new Date(7_000_000), 0, new Date(3_000_000));
    assert.equal((await gauges(watched))["synced_last_success_timestamp_seconds"], 5000);
  });
});

describe("the last success of a run that did not finish its range", () => {
  const run = (outcome: RunOutcome, finishedAt: number): RunRecord => ({
    runId: `run-${finishedAt}`,
    key: "k",
    begin: 0n,
    end: 1n,
    startedAt: new Date(finishedAt - 10),
    finishedAt: new Date(finishedAt),
    durationMs: 10,
    outcome,
    counts: {},
  });
  const quiet = { debug: () => undefined };

  it("is the newest run of the history that finished its range, partial included", async () => {
    const history = [run("failed", 400), run("interrupted", 300), run("partial", 200), run("success", 100)];
    const state = { recentRuns: () => Promise.resolve(history) };
    assert.deepEqual(await lastSuccessAt(state, "k", quiet), new Date(200));
  });

  it("is unknown where no run of the history finished, or the history cannot be read", async () => {
    const failedOnly = { recentRuns: () => Promise.resolve([run("failed", 400)]) };
    assert.equal(await lastSuccessAt(failedOnly, "k", quiet), undefined);
    const unreadable = { recentRuns: () => Promise.reject(new Error("ECONNREFUSED")) };
    const lines: string[] = [];
    assert.equal(await lastSuccessAt(unreadable, "k", { debug: (m) => lines.push(m) }), undefined);
    assert.equal(lines.length, 1);
  });
});
