// `synced [run]`: resolve the options, connect to both stores and the state, run once, print the
// summary, and return the exit code.
import { holderName } from "../state/lease-holder.js";
import { withOptionSource } from "../config/option-sources.js";
import type { Shard, SyncOptions } from "../config/options.js";
import { nowMicros } from "../core/micros.js";
import { newRunId } from "../core/run-id.js";
import { defaultDeadLetterLocation } from "../core/state-location.js";
import { openDeadLetterStore } from "../deadletter/dead-letter-location.js";
import { refuseLaterLetters } from "../deadletter/later-letters.js";
import { AbsentDeadLetters } from "../deadletter/absent-dead-letters.js";
import type { DeadLetterStore } from "../deadletter/dead-letter-store.js";
import { DryRunDeadLetters } from "../deadletter/dry-run-dead-letters.js";
import { RunDeadLetters } from "../deadletter/run-dead-letters.js";
import { runSync } from "../reconcile/run-sync.js";
import { InterruptedError } from "../reconcile/run-errors.js";
import { clockAheadOfCassandra } from "../stores/cassandra/clock-skew.js";
import { stoppedBy } from "../stores/cassandra/stopped-client.js";
import { ConfigError } from "../core/errors.js";
import { openStateStore, type OpenStateStoreOptions } from "../state/open-state-store.js";
import { NoStateError } from "../state/state-errors.js";
import { finishedRange, type Checkpoint, type StateStore } from "../state/state-store.js";
import { resolveRange } from "../reconcile/range.js";
import { siblingKeys, stateKeyFor } from "../state/state-key.js";
import { otherShardings } from "./other-shardings.js";
import { lettersUnderOtherShardings } from "./sharded-letters.js";
import { withClients, type Clients } from "./connections.js";
import { countWaitingLetters } from "./count-waiting.js";
import { lastSuccessAt } from "./last-success.js";
import { pushFailureText } from "./push-failure.js";
import { exitCodeForOutcome } from "./exit-codes.js";
import { LateLog } from "./late-log.js";
import { namingTheLocation, refuseKeyPlace } from "./location-errors.js";
import { planOptions, recordStores } from "./record-stores.js";
import type { Logger } from "./logger.js";
import { renderSummary, summaryJson } from "./summary.js";
import { bugReport, isBug } from "./unexpected-error.js";
import { runEndLine } from "./run-end-line.js";
import { withTimeLimit } from "../util/time-limit.js";
import type { DecidedRecord } from "../reconcile/sync-table.js";
import type { RunReport } from "../reconcile/run-report.js";
import type { RunMetrics } from "./metrics.js";

export interface RunContext {
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly stdout: (text: string) => void;
  /** Told of each record's decision (synced plan). */
  readonly onDecision?: (decided: DecidedRecord) => void;
  /** Told of the run's report once it ended (synced plan: whether it went through every table). */
  readonly onReport?: (report: RunReport) => void;
  /** Where runs add their counts; a run without one pushes a fresh set (see --pushgateway). */
  readonly metrics?: RunMetrics;
  /** The notices given (a table reading far more than its range held...), across the runs of `synced watch`. */
  readonly noticesGiven?: Set<string>;
}

/**
 * Dead letters live where --dead-letter says, or beside the state. A file is checked to take a letter;
 * `create` false: only a store that exists (synced dead-letters), else a usage error naming the option.
 */
export async function openDeadLetters(
  options: SyncOptions,
  key: string,
  clients: Partial<Clients>,
  create = true,
  log?: (message: string) => void,
): Promise<DeadLetterStore> {
  const location = options.deadLetter ?? defaultDeadLetterLocation(options.state, key);
  return namingTheLocation(options, "dead letters", () =>
    openDeadLetterStore(location, clients, {
      timeoutMs: options.stateTimeoutMs,
      localDc: options.cassandra.localDc,
      create,
      ...(log === undefined ? {} : { onLockWait: log }),
    }),
  );
}

/**
 * The letters of a run. A dry run (plan, --dry-run) writes nothing, so it creates no store either:
 * where none exists yet no letter waits, and it goes on with none. A keyspace missing for a Cassandra
 * store is refused as the real run would refuse it.
 */
function openRunLetters(
  options: SyncOptions,
  key: string,
  clients: Partial<Clients>,
  log: (message: string) => void,
): Promise<DeadLetterStore> {
  if (!options.dryRun) return openDeadLetters(options, key, clients, true, log);
  const location = options.deadLetter ?? defaultDeadLetterLocation(options.state, key);
  return namingTheLocation(options, "dead letters", async () => {
    try {
      return await openDeadLetterStore(location, clients, {
        timeoutMs: options.stateTimeoutMs,
        localDc: options.cassandra.localDc,
        create: false,
        onLockWait: log,
      });
    } catch (error) {
      if (!(error instanceof NoStateError) || !error.runMakesIt) throw error;
      return new AbsentDeadLetters(
        location.backend,
        location.backend === "file" ? location.path : error.location,
      );
    }
  });
}

/** The letters waiting under another key of the configuration, in a store that exists already. */
export async function countLettersOf(
  options: SyncOptions,
  key: string,
  clients: Partial<Clients>,
): Promise<number> {
  const store = await openDeadLetters(options, key, clients, false);
  try {
    return await store.count(key);
  } finally {
    await store.close();
  }
}

export async function runCommand(options: SyncOptions, context: RunContext): Promise<number> {
  const runId = newRunId();
  const key = stateKeyFor(options);
  // What can be checked without a connection is checked first, so a mistake is reported at once
  // and nothing is touched: the range against the clock, a state directory and a dead-letter file.
  resolveRange({
    begin: options.begin,
    end: options.end,
    lagMs: options.lagMs,
    now: nowMicros(),
    allowFutureEnd: options.allowFutureEnd,
  });
  const openState = (clients: Partial<Clients>): Promise<StateStore> =>
    namingTheLocation(options, "state", () => openStateStore(options.state, clients, stateOptions(options)));
  const localState = options.state.backend === "file" ? await openState({}) : undefined;
  await refuseKeyPlace(options, key);
  const lettersInFile =
    (options.deadLetter ?? defaultDeadLetterLocation(options.state, key)).backend === "file";
  const lockWait = (message: string): void => {
    context.logger.info(message);
  };
  const localLetters = lettersInFile ? await openRunLetters(options, key, {}, lockWait) : undefined;
  return withClients(options, async (clients) => {
    const state = localState ?? (await openState(clients));
    const deadLetters = localLetters ?? (await openRunLetters(options, key, clients, lockWait));
    await refuseLaterLetters(deadLetters, key).catch(async (error: unknown) => {
      await Promise.all([state.close(), deadLetters.close()]);
      throw error;
    });
    return runConnected(options, context, { runId, key, state, deadLetters }, clients);
  });
}

const CLOCK_SLACK_MS = 1000;

/** How long a stopped run waits for each read its summary adds (the letters waiting, the last success). */
const STOPPED_READ_MS = 2000;

/**
 * Refuses a run whose end, now minus the lag by this host's clock, Cassandra's clock has not reached:
 * its checkpoint would pass times the writers have not reached, and what they write until then would
 * land behind it for good. A host that runs behind only delays the checkpoint.
 */
async function refuseClockAhead(
  clients: Clients,
  lagMs: number,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  let aheadMs: number;
  try {
    // A stop ends the read at once, as it does the run's other reads before the lease: a node that
    // keeps the connection but stops answering would hold it until the request timeout.
    aheadMs = await clockAheadOfCassandra(stoppedBy(clients.cassandra, signal), Date.now);
  } catch (error) {
    signal.throwIfAborted();
    // A node restarting now fails the run's own reads soon enough, where they are retried.
    logger.info("could not read Cassandra's clock to compare it with this host's; going on", {
      error: error instanceof Error ? error.message.split("\n")[0] : String(error),
    });
    return;
  }
  // A second for what the reading itself cannot tell apart: the request's time, a timeuuid's
  // millisecond, the clocks' own steps.
  if (aheadMs <= lagMs + CLOCK_SLACK_MS) return;
  throw new ConfigError(
    "lag",
    undefined,
    `this host's clock is ${(aheadMs / 1000).toFixed(1)} s ahead of Cassandra's, more than the ` +
      `${lagMs / 1000} s lag: the range would end, and the checkpoint move, past the time the writers ` +
      "have reached, and what they write until then would fall behind it for good. Set this host's " +
      "clock right (NTP), or raise --lag above the difference; nothing was done.",
    { details: { aheadMs: Math.round(aheadMs), lagMs } },
  );
}

function stateOptions(options: SyncOptions): OpenStateStoreOptions {
  return { timeoutMs: options.stateTimeoutMs, localDc: options.cassandra.localDc };
}

async function runConnected(
  options: SyncOptions,
  context: RunContext,
  run: { runId: string; key: string; state: StateStore; deadLetters: DeadLetterStore },
  clients: Clients,
): Promise<number> {
  const { runId, key, state } = run;
  if (options.end === undefined)
    await refuseClockAhead(clients, options.lagMs, context.logger, context.signal);
  const stores = await recordStores(options, clients, context);
  // Made only where something reads them (watch, or a push): loading prom-client costs a run about
  // 50 ms of CPU.
  const metrics =
    context.metrics ??
    (options.pushgateway !== undefined && !options.dryRun
      ? new (await import("./metrics.js")).RunMetrics()
      : undefined);
  metrics?.configured(options.lagMs, options.lookbackMs);
  const lateLog = new LateLog(context.logger);
  const ran = await runSync(
    {
      runId,
      key,
      plan: planOptions(options),
      holder: holderName(),
      begin: options.begin,
      end: options.end,
      allowFutureEnd: options.allowFutureEnd,
      lagMs: options.lagMs,
      lookbackMs: options.lookbackMs,
      direction: options.direction,
      dryRun: options.dryRun,
      createTimestampIndex: options.createTimestampIndex,
      createColumns: options.createColumns,
      maxErrors: options.maxErrors,
      leaseTtlMs: options.leaseTtlMs,
      maxFutureMs: options.maxFutureMs,
      batchSize: options.batchSize,
      ...(options.shard === undefined
        ? {}
        : { partition: { splits: options.splits, slices: options.slices }, shards: options.shard.total }),
    },
    {
      ...stores,
      state,
      deadLetters: options.dryRun
        ? new DryRunDeadLetters(run.deadLetters.location, { letters: run.deadLetters, key })
        : new RunDeadLetters(run.deadLetters, key, runId),
      // A derived key only: a --name is the user's own, and keeps its key however the options are spelt.
      ...(options.name === undefined
        ? {
            siblingKeys: async () =>
              siblingKeys(key, await state.listKeys(), options.keyspace, options.index),
          }
        : {}),
      ...shardSiblings(state, options),
      otherShardings: () => otherShardings(state, key),
      signal: context.signal,
      now: nowMicros,
      log: (message, fields) => {
        context.logger.info(message, fields);
      },
      warn: (message, fields) => {
        context.logger.warn(message, fields);
      },
      onProgress: (stats, expected) => {
        context.logger.progress(stats, expected);
      },
      ...(context.onDecision ? { onDecision: context.onDecision } : {}),
      ...(context.noticesGiven ? { noticesGiven: context.noticesGiven } : {}),
      onLate: (late) => {
        lateLog.record(late);
        if (!options.dryRun) metrics?.late(late);
      },
    },
  );
  // A run stopped by an option's value (a consistency level the keyspace cannot meet) says where it was given.
  const report =
    ran.error === undefined ? ran : { ...ran, error: withOptionSource(ran.error, options.sources) };
  context.onReport?.(report);
  lateLog.finish();
  context.logger.done();
  for (const stats of report.tables) context.logger.debug("table done", { ...stats });
  const signalledBefore = context.signal.aborted;
  if (signalledBefore && report.outcome !== "interrupted") {
    // The signal came after the last batch: every record of the range was written, so the run
    // finished as it would have without it.
    context.logger.info("the signal came after the last batch; the run finished and kept its result");
  }
  // A stopped run ends within its grace period: what its summary adds to the run's result is read
  // within a few seconds, not --state-timeout each, so a state store that stopped answering holds it
  // no longer than the lease's release and the history (each within --state-timeout) already did.
  const briefly = <T>(work: () => Promise<T>): Promise<T> =>
    signalledBefore
      ? withTimeLimit(
          work(),
          STOPPED_READ_MS,
          () => new Error(`no answer within ${STOPPED_READ_MS / 1000} s of the stop`),
        )
      : work();
  const letters = {
    location: run.deadLetters.location,
    count: (k: string) => briefly(() => run.deadLetters.count(k)),
  };
  const waiting = await countWaitingLetters(letters, key, context.logger);
  const elsewhere = await briefly(() =>
    lettersUnderOtherShardings(state, key, (other) => countLettersOf(options, other, clients)),
  ).catch(() => []);
  const since =
    metrics === undefined || finishedRange(report.outcome)
      ? undefined
      : await briefly(() => lastSuccessAt(state, key, context.logger)).catch(() => undefined);
  await Promise.all([state.close(), run.deadLetters.close()]);
  metrics?.record(report, new Date(), waiting, since);
  // A dry run (and synced plan) pushes nothing: it would replace the last real run's metrics.
  if (metrics !== undefined && options.pushgateway !== undefined && !options.dryRun) {
    // A signal that came before the push has been answered: the push of the stopped run goes ahead.
    await pushMetrics(metrics, options, key, context, signalledBefore ? undefined : context.signal);
  }
  const shown = {
    ...report,
    ...(waiting === undefined ? {} : { deadLettersWaiting: waiting }),
    ...(elsewhere.length === 0 ? {} : { lettersElsewhere: elsewhere }),
  };
  context.stdout(options.json ? JSON.stringify(summaryJson(shown), null, 2) : renderSummary(shown));
  if (report.error !== undefined && isBug(report.error)) context.logger.error(bugReport(report.error));
  const code = exitCodeForOutcome(report.outcome, report.error, waiting ?? report.deadLettered);
  const end = runEndLine(shown, code);
  if (end !== undefined) context.logger.end(end.level, end.message, end.fields);
  return code;
}

/**
 * A Pushgateway that cannot be reached costs the metrics of this run, not its result. A signal while
 * the push waits (`stop`) ends the wait at once: the run's result is saved already, and a Pushgateway
 * that does not answer would otherwise hold the process for --connect-timeout.
 */
async function pushMetrics(
  metrics: RunMetrics,
  options: SyncOptions,
  key: string,
  context: RunContext,
  stop: AbortSignal | undefined,
) {
  const target = options.pushgateway;
  if (target === undefined) return;
  const stopped = stop === undefined ? undefined : signalled(stop);
  try {
    const pushed = metrics.push(target, key, options.connectTimeoutMs);
    const how = await (stopped === undefined ? pushed : Promise.race([pushed, stopped.promise]));
    if (how === "stopped") {
      // The push is left behind: the process ends without waiting for it.
      pushed.catch(() => undefined);
      context.logger.info(
        `received ${signalName(stop)} while pushing the metrics to the Pushgateway ${target.url}: they ` +
          "were not pushed; the run had finished, and its result stands",
      );
    }
  } catch (error) {
    // A warning, not an error: the run's data is synced and its exit code says so; only the metrics
    // are lost, and an alert on them (a run that did not report) is what the operator will see.
    context.logger.warn(
      `could not push the metrics to the Pushgateway ${target.url}: this run's metrics are lost, and its ` +
        "result stands; check that a Pushgateway runs at that address and answers this host within " +
        "--connect-timeout, and the login in the URL if it asks for one",
      { error: pushFailureText(error) },
    );
  } finally {
    // watch's runs share one signal: each push stops listening to it.
    stopped?.dispose();
  }
}

/** Settles with "stopped" once `signal` aborts; dispose() stops listening. */
function signalled(signal: AbortSignal): { promise: Promise<"stopped">; dispose: () => void } {
  let listener: () => void = () => undefined;
  const promise = new Promise<"stopped">((resolve) => {
    listener = () => {
      resolve("stopped");
    };
    signal.addEventListener("abort", listener, { once: true });
  });
  return {
    promise,
    dispose: () => {
      signal.removeEventListener("abort", listener);
    },
  };
}

/** The signal an abort came from (commands.ts aborts with an InterruptedError naming it). */
function signalName(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof InterruptedError ? reason.signalName : "a signal";
}

/** A sharded run reads its sibling shards' checkpoints, in case its partition changed. */
function shardSiblings(
  state: StateStore,
  options: SyncOptions,
): { shardSiblings?: () => Promise<(Checkpoint | undefined)[]> } {
  const shard = options.shard;
  if (shard === undefined) return {};
  return { shardSiblings: () => siblingShardCheckpoints(state, options, shard) };
}

/** The checkpoints of the configuration's other shards, undefined where one has none. */
function siblingShardCheckpoints(
  state: StateStore,
  options: SyncOptions,
  shard: Shard,
): Promise<(Checkpoint | undefined)[]> {
  const others = Array.from({ length: shard.total }, (_, index) => index).filter((i) => i !== shard.index);
  return Promise.all(
    others.map((index) =>
      state.getCheckpoint(stateKeyFor({ ...options, shard: { index, total: shard.total } })),
    ),
  );
}
