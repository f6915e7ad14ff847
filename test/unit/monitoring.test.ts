// The Grafana dashboard and the Prometheus alert rules in deploy/monitoring/ ask for metrics by name;
// a name synced does not export would leave a panel empty and an alert silent, with no error anywhere.
// Each name they use is checked against the registry synced exports from.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { RunMetrics } from "../../src/cli/metrics.js";

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

async function exported(): Promise<Map<string, string>> {
  const metrics = await new RunMetrics().registry.getMetricsAsJSON();
  return new Map(metrics.map((metric) => [metric.name, String(metric.type)]));
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

  it("alert on no success for too long, letters waiting and late records near the window's edge", async () => {
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
    ])
      assert.ok(watched.has(name), name);
  });
});
