// Prometheus metrics of runs, named by Prometheus conventions. A run from cron or a CronJob pushes
// them to a Pushgateway when it ends (--pushgateway), grouped by job `synced` and its state key; the
// counters then hold that run's counts, as the Pushgateway's own guidance for batch jobs has it.
import { Counter, Gauge, Histogram, Pushgateway, Registry } from "prom-client";
import type { PushgatewayTarget } from "../config/options.js";
import { microsFromMillis } from "../core/micros.js";
import type { RunReport } from "../reconcile/run-report.js";
import type { LateRecord } from "../reconcile/sync-table.js";
import type { VerifyReport } from "../reconcile/verify.js";
import { finishedRange } from "../state/state-store.js";

/** From a second to a day: --lag is seconds, --lookback minutes, a backdated import days. */
const LATENESS_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 12 * 3600, 86400];

export class RunMetrics {
  readonly registry = new Registry();
  readonly #labels = ["table", "direction"] as const;
  readonly #scanned = this.#counter("synced_records_scanned_total", "Records read from the source");
  readonly #written = this.#counter("synced_records_written_total", "Records written to the target");
  readonly #conflicts = this.#counter(
    "synced_write_conflicts_total",
    "Writes that met a concurrent write and were decided again",
  );
  readonly #deadLettered = this.#counter(
    "synced_records_dead_lettered_total",
    "Records put in the dead-letter store",
  );
  readonly #late = this.#counter(
    "synced_late_records_total",
    "Records the look-back window found out of step: dated before a checkpoint a run had passed",
  );
  readonly #lateness = new Histogram({
    name: "synced_late_record_lateness_seconds",
    help: "How far before the checkpoint it missed each late record is dated: size --lookback above it",
    labelNames: this.#labels,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });
  readonly #runs = new Counter({
    name: "synced_runs_total",
    help: "Runs by outcome (success, partial, failed, interrupted)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly #duration = this.#gauge("synced_run_duration_seconds", "How long the last run took");
  readonly #lastSuccess = this.#gauge(
    "synced_last_success_timestamp_seconds",
    "When a run last finished its whole range (success or partial), in seconds since the epoch",
  );
  readonly #lag = this.#gauge(
    "synced_checkpoint_lag_seconds",
    "How far the checkpoint lay behind the clock when the last run ended",
  );
  readonly #lookback = this.#gauge(
    "synced_lookback_seconds",
    "The look-back window before the checkpoint each run reads again (--lookback)",
  );
  readonly #configuredLag = this.#gauge(
    "synced_lag_seconds",
    "How far behind now a run's default end stays (--lag)",
  );
  readonly #repaired = new Counter({
    name: "synced_repaired_records_total",
    help: "Records synced verify --repair wrote to the other side, by table and the side read",
    labelNames: ["table", "side"],
    registers: [this.registry],
  });
  readonly #unresolved = this.#gauge(
    "synced_verify_unresolved",
    "Differences the last verify left: records on one side only, unreadable ones, tables on one side",
  );
  readonly #lastVerify = this.#gauge(
    "synced_last_verify_timestamp_seconds",
    "When a verify (synced watch --verify-every) last finished, in seconds since the epoch",
  );
  readonly #waiting = this.#gauge(
    "synced_dead_letters_waiting",
    "Dead letters of the configuration waiting to be replayed after the last run",
  );

  /** When the last success set into `#lastSuccess` was, in milliseconds since the epoch. */
  #lastSuccessAt: number | undefined;
  /** The checkpoint the last report held, which a run that fails before its report leaves where it is. */
  #checkpoint: bigint | undefined;

  #counter(name: string, help: string): Counter<"table" | "direction"> {
    return new Counter({ name, help, labelNames: this.#labels, registers: [this.registry] });
  }

  #gauge(name: string, help: string): SetGauge {
    return new SetGauge(this.registry, name, help);
  }

  /**
   * Adds one run's counts; `now` is when it ended. `lastSuccess`: for a run that did not finish its
   * range, when an earlier one last did (from the state store), which its push must carry on.
   */
  record(report: RunReport, now: Date, waiting: number | undefined, lastSuccess?: Date): void {
    for (const stats of report.tables) {
      const labels = { table: stats.table, direction: stats.direction };
      // A dry run writes nothing, so it adds nothing to what was written.
      if (!report.dryRun) this.#written.inc(labels, stats.written);
      this.#scanned.inc(labels, stats.scanned);
      this.#conflicts.inc(labels, stats.conflicts);
      this.#deadLettered.inc(labels, stats.deadLettered);
      if (!report.dryRun) this.#late.inc(labels, stats.late);
    }
    this.#runs.inc({ outcome: report.outcome });
    // A gauge a run does not set keeps what an earlier run of a watch set: a last success stays.
    this.#duration.set(report.durationMs / 1000);
    // A watch's own last success may be newer than the history's, where that run's record was lost.
    const success = finishedRange(report.outcome) ? now : lastSuccess;
    if (success !== undefined && success.getTime() > (this.#lastSuccessAt ?? 0)) {
      this.#lastSuccessAt = success.getTime();
      this.#lastSuccess.set(success.getTime() / 1000);
    }
    const checkpoint = report.checkpointAfter ?? report.checkpointBefore;
    if (checkpoint !== undefined) {
      this.#checkpoint = checkpoint;
      this.#lag.set(Number(microsFromMillis(now.getTime()) - checkpoint) / 1e6);
    }
    // None where the store could not count them: a count that failed must not tell an alert on it
    // that nothing waits, nor repeat an earlier run's count.
    this.#waiting.set(waiting);
  }

  /** The windows the configuration runs with, so alerts can compare lateness with them. */
  configured(lagMs: number, lookbackMs: number): void {
    this.#configuredLag.set(lagMs / 1000);
    this.#lookback.set(lookbackMs / 1000);
  }

  /** One late arrival, as it is found: how late it was goes into the histogram. */
  late(record: LateRecord): void {
    this.#lateness.observe(
      { table: record.table, direction: record.direction },
      Number(record.lateByMicros) / 1e6,
    );
  }

  /** One finished verify with repair; `now` is when it ended. */
  verified(report: VerifyReport, now: Date): void {
    for (const side of report.sides)
      this.#repaired.inc({ table: side.table, side: side.side }, side.repaired);
    this.#unresolved.set(report.unresolved);
    this.#lastVerify.set(now.getTime() / 1000);
  }

  /**
   * Counts a run that failed before it had a report (a store unreachable, a lease refused); `now` is
   * when it ended, `durationMs` how long it took. The checkpoint did not move, so its lag grows: kept at the last report's, it said a
   * few seconds through an outage of hours, and an alert on it never fired.
   */
  failed(outcome: "failed" | "interrupted", now: Date, durationMs: number): void {
    this.#runs.inc({ outcome });
    // Kept at the last report's, a run that hung on a store for minutes and failed said a few seconds.
    this.#duration.set(durationMs / 1000);
    if (this.#checkpoint !== undefined) {
      this.#lag.set(Number(microsFromMillis(now.getTime()) - this.#checkpoint) / 1e6);
    }
  }

  /** Replaces the metrics of this configuration's group on the Pushgateway with these. */
  async push(target: PushgatewayTarget, key: string, timeoutMs: number): Promise<void> {
    // Node's request option `auth` sends it as basic auth.
    const auth = target.auth === undefined ? {} : { auth: `${target.auth.username}:${target.auth.password}` };
    const gateway = new Pushgateway(target.url, { timeout: timeoutMs, ...auth }, this.registry);
    await gateway.push({ jobName: "synced", groupings: { key } });
  }
}

/**
 * A gauge without labels, exported only while it holds a value: prom-client exports a gauge never set
 * as 0, which says 1970 for a time, all well for a count of problems, and nothing waiting for letters
 * no one counted, before anything measured them. Set to undefined, it is left out again.
 */
export class SetGauge {
  readonly #registry: Registry;
  readonly #name: string;
  readonly #gauge: Gauge;

  constructor(registry: Registry, name: string, help: string) {
    this.#registry = registry;
    this.#name = name;
    this.#gauge = new Gauge({ name, help, registers: [] });
  }

  set(value: number | undefined): void {
    const registered = this.#registry.getSingleMetric(this.#name) !== undefined;
    if (value === undefined) {
      if (registered) this.#registry.removeSingleMetric(this.#name);
      return;
    }
    this.#gauge.set(value);
    if (!registered) this.#registry.registerMetric(this.#gauge);
  }
}
