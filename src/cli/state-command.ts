// `synced status` and `synced state set|reset`: what an operator reads and changes in a state store
// without running a sync. Status reads every configuration in the store; set and reset change one
// configuration's checkpoint under its lease, so they never race a run of it.
import type { StateFlags } from "./command-flags.js";
import type { SyncOptions } from "../config/options.js";
import { parseTimestamp } from "../config/time-range.js";
import { UsageError } from "../core/errors.js";
import { formatMicros, nowMicros } from "../core/micros.js";
import { newRunId } from "../core/run-id.js";
import { withLease } from "../reconcile/with-lease.js";
import { holderIsGone, holderName } from "../state/lease-holder.js";
import { openStateStore } from "../state/open-state-store.js";
import type { Checkpoint, Lease, RunRecord, StateStore } from "../state/state-store.js";
import { withClientFor } from "./connections.js";
import { EXIT } from "./exit-codes.js";
import { namingTheLocation, refuseKeyPlace } from "./location-errors.js";
import { nearestKeys, otherKeysText } from "./nearest-keys.js";
import { otherShardCounts, stateKeyFor } from "../state/state-key.js";
import { CorruptStateError } from "../state/state-errors.js";
import { describePartitionItem, describeSharding, isPartitionItem } from "../reconcile/shard-partition.js";
import { coveredTablesText } from "./covered-tables.js";
import { countLettersOf, type RunContext } from "./run-command.js";
import type { Clients } from "./connections.js";
import {
  lettersElsewhereLines,
  lettersUnderOtherShardings,
  type LettersElsewhere,
} from "./sharded-letters.js";
import { commandOwner, ownerWords } from "../reconcile/lease-owner.js";

/**
 * Opens the state store of `options`, connected only to the store that holds it. `create` false: only
 * a store that exists (a command that only reads), else a usage error naming --state.
 */
async function withStateStore<T>(
  options: SyncOptions,
  create: boolean,
  use: (state: StateStore, clients: Partial<Clients>) => Promise<T>,
): Promise<T> {
  const open = async (state: StateStore, clients: Partial<Clients>): Promise<T> => {
    try {
      return await use(state, clients);
    } finally {
      await state.close();
    }
  };
  const settings = { timeoutMs: options.stateTimeoutMs, localDc: options.cassandra.localDc, create };
  return withClientFor(options, options.state.backend, async (clients) =>
    open(
      await namingTheLocation(options, "state", () => openStateStore(options.state, clients, settings)),
      clients,
    ),
  );
}

export interface ConfigurationStatus {
  readonly key: string;
  readonly checkpoint: Checkpoint | undefined;
  readonly lease: Lease | undefined;
  readonly runs: readonly RunRecord[];
  /** What part of its state could not be read (corrupt), and why, naming the file or row. */
  readonly problems: readonly StateProblem[];
  /** Letters waiting under its keys of another shard count, which no command without that --shard meets. */
  readonly lettersElsewhere: readonly LettersElsewhere[];
}

/**
 * `synced status`: every configuration of the state store, with its checkpoint, lease and runs. It
 * creates nothing: where no run made the store, it says so (exit 2).
 */
export async function statusCommand(
  options: SyncOptions,
  flags: StateFlags,
  context: RunContext,
): Promise<number> {
  return withStateStore(options, false, async (state, clients) => {
    const configurations: ConfigurationStatus[] = [];
    for (const key of await state.listKeys()) {
      // A configuration whose state is corrupt is shown with its problem beside the others, so that
      // one bad file does not hide every job from a script that reads status.
      const problems: StateProblem[] = [];
      const [checkpoint, lease, runs] = await Promise.all([
        readable("checkpoint", state.getCheckpoint(key), problems),
        readable("lease", state.getLease(key), problems),
        readable("runs", state.recentRuns(key, flags.runs), problems),
      ]);
      // Only the default store beside the state is reached: status connects to the state's store only.
      const lettersElsewhere = await lettersUnderOtherShardings(state, key, (other) =>
        countLettersOf(options, other, clients),
      ).catch(() => []);
      configurations.push({ key, checkpoint, lease, runs: runs ?? [], problems, lettersElsewhere });
    }
    const now = new Date();
    context.stdout(
      options.json
        ? JSON.stringify(statusJson(state, configurations, now), null, 2)
        : statusText(state, configurations, now).join("\n"),
    );
    const unread = configurations.filter((c) => c.problems.length > 0).map((c) => c.key);
    if (unread.length === 0) return EXIT.success;
    const count = unread.length;
    context.logger.error(
      `${count} configuration${count === 1 ? "" : "s"} of the state store could not be read ` +
        `(${unread.join(", ")}): status shows what it could read of ${count === 1 ? "it" : "them"}, ` +
        "and each problem with the file or row to fix",
    );
    return EXIT.failure;
  });
}

/** What `read` gives, or undefined with the problem noted where the state it reads is corrupt. */
async function readable<T>(
  part: StateProblem["part"],
  read: Promise<T>,
  problems: StateProblem[],
): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (!(error instanceof CorruptStateError)) throw error;
    problems.push({ part, message: error.message });
    return undefined;
  }
}

/** A part of a configuration's state that could not be read: not shown as absent (none, free). */
interface StateProblem {
  readonly part: "checkpoint" | "lease" | "runs";
  readonly message: string;
}

const unreadable = (c: ConfigurationStatus, part: StateProblem["part"]): boolean =>
  c.problems.some((p) => p.part === part);

function leaseJson(lease: Lease | undefined, now: Date): unknown {
  if (lease === undefined) return null;
  return {
    owner: lease.owner,
    holder: lease.holder,
    acquiredAt: lease.acquiredAt.toISOString(),
    expiresAt: lease.expiresAt.toISOString(),
    live: lease.expiresAt > now,
    holderGone: holderIsGone(lease.holder),
  };
}

function runJson(run: RunRecord): unknown {
  return {
    runId: run.runId,
    outcome: run.outcome,
    range: { begin: formatMicros(run.begin), end: formatMicros(run.end) },
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationMs: run.durationMs,
    checkpoint: {
      before: run.checkpointBefore === undefined ? null : formatMicros(run.checkpointBefore),
      after: run.checkpointAfter === undefined ? null : formatMicros(run.checkpointAfter),
    },
    counts: run.counts,
    ...(run.message === undefined ? {} : { message: run.message }),
  };
}

function statusJson(state: StateStore, configurations: readonly ConfigurationStatus[], now: Date): unknown {
  return {
    state: { backend: state.backend, location: state.location },
    configurations: configurations.map((c) => ({
      key: c.key,
      checkpoint:
        c.checkpoint === undefined
          ? null
          : {
              position: formatMicros(c.checkpoint.position),
              updatedAt: c.checkpoint.updatedAt.toISOString(),
              runId: c.checkpoint.runId,
              // null: everything, as a checkpoint of an earlier version or one `state set` placed.
              covers: c.checkpoint.covers ?? null,
            },
      lease: leaseJson(c.lease, now),
      runs: c.runs.map(runJson),
      ...(c.lettersElsewhere.length === 0 ? {} : { lettersElsewhere: c.lettersElsewhere }),
      ...(c.problems.length === 0 ? {} : { problems: c.problems }),
    })),
  };
}

function describeLease(lease: Lease | undefined, now: Date): string {
  if (lease === undefined) return "free";
  const live = lease.expiresAt > now;
  const text = `${live ? "held" : "expired"}: ${ownerWords(lease.owner)} on ${lease.holder} until ${lease.expiresAt.toISOString()}`;
  // A run killed on this host (kill -9, out of memory) leaves its lease held until it expires, but the
  // next run here takes it over at once (lease-rule.ts): say so, rather than show a run at work.
  if (!live || !holderIsGone(lease.holder)) return text;
  const pid = /:(\d+):[^:]*$/.exec(lease.holder)?.[1] ?? "";
  return (
    `${text}, but its process is gone (no process of this host has pid ${pid}): ` +
    "the next run here takes it over at once"
  );
}

function describeRun(run: RunRecord): string {
  const written = run.counts["written"];
  const letters = run.counts["deadLettered"];
  // Late records are among those written: shown beside them, as the summary's late column is, so that
  // records arriving after their checkpoint are seen here too, not only in --json.
  const late = run.counts["late"];
  const counts = [
    ...(written === undefined ? [] : [`${written} written`]),
    ...(late ? [`${late} late`] : []),
    ...(letters ? [`${letters} dead-lettered`] : []),
  ];
  // A run that found its checkpoint past now minus the lag read nothing (range.ts, caughtUp).
  const range =
    run.end <= run.begin
      ? `nothing new: the checkpoint ${formatMicros(run.begin)} was past now minus the lag (${formatMicros(run.end)})`
      : `[${formatMicros(run.begin)}, ${formatMicros(run.end)})`;
  return (
    `${run.finishedAt.toISOString()}  ${run.outcome.padEnd(11)} ` +
    `${range} in ${(run.durationMs / 1000).toFixed(1)} s` +
    (counts.length > 0 ? `, ${counts.join(", ")}` : "") +
    (run.message === undefined ? "" : ` - ${run.message}`)
  );
}

const UNREAD = "unreadable (above)";

function statusText(state: StateStore, configurations: readonly ConfigurationStatus[], now: Date): string[] {
  const count = configurations.length;
  const lines = [`${count} configuration${count === 1 ? "" : "s"} in ${state.location} (${state.backend})`];
  for (const c of configurations) {
    lines.push(
      "",
      c.key,
      ...c.problems.map((problem) => `  unreadable  ${problem.message}`),
      `  checkpoint  ${unreadable(c, "checkpoint") ? UNREAD : c.checkpoint === undefined ? "none" : `${formatMicros(c.checkpoint.position)} (saved ${c.checkpoint.updatedAt.toISOString()})`}`,
      ...(c.checkpoint?.covers === undefined
        ? []
        : [`  covers      ${coveredTablesText(c.checkpoint.covers)}`, ...partitionLine(c.checkpoint.covers)]),
      `  lease       ${unreadable(c, "lease") ? UNREAD : describeLease(c.lease, now)}`,
      ...(unreadable(c, "runs")
        ? [`  runs        ${UNREAD}`]
        : c.runs.length === 0
          ? ["  runs        none"]
          : c.runs.map((run, i) => `  ${i === 0 ? "runs" : "    "}        ${describeRun(run)}`)),
      ...lettersElsewhereLines(c.lettersElsewhere).map((line) => `  ${line}`),
    );
  }
  return lines;
}

/**
 * `synced state set --to <time>` and `synced state reset`: moves or clears the checkpoint of the
 * configuration the run options name. Without --yes, or with --dry-run, it says what it would do and
 * does nothing (exit 2, or 0 for a dry run, which asked for no more).
 */
export async function stateCommand(
  action: "set" | "reset",
  options: SyncOptions,
  flags: StateFlags,
  context: RunContext,
): Promise<number> {
  const key = stateKeyFor(options);
  const to = action === "set" ? target(flags) : undefined;
  await refuseKeyPlace(options, key);
  // A dry run creates no store either: it writes nothing, as --help says of --dry-run.
  return withStateStore(options, !options.dryRun, async (state) => {
    // A checkpoint that cannot be read is what these commands are for: they replace or clear it.
    const problems: StateProblem[] = [];
    const before = await readable("checkpoint", state.getCheckpoint(key), problems);
    const unreadable = problems[0]?.message;
    const was =
      unreadable !== undefined
        ? `an unreadable checkpoint (${unreadable})`
        : before === undefined
          ? "none"
          : formatMicros(before.position);
    // A key without a checkpoint is most often a mistyped one: say so, and name the keys there are.
    const unsavedKey = before === undefined && unreadable === undefined;
    const nearest = unsavedKey ? nearestKeys(key, await state.listKeys(), options) : [];
    const unsaved =
      unsavedKey && to !== undefined
        ? `. No run of ${key} has saved a checkpoint: its first run will begin at ${formatMicros(to)}.` +
          otherKeysText(nearest, state.location)
        : "";
    const next = to === undefined ? await nextStart(state, key) : "";
    // "now" before the change, "was" after it: the value cleared is no longer the checkpoint.
    const change = (tense: "now" | "was"): string =>
      to === undefined
        ? `clear the checkpoint of state key ${key} in ${state.location} (${tense === "now" ? "now" : "it was"} ${was}); ${next}`
        : `move the checkpoint of state key ${key} in ${state.location} from ${was} to ${formatMicros(to)}${unsaved}`;
    if (options.dryRun) {
      context.stdout(
        options.json
          ? JSON.stringify(
              stateChangeJson(action, key, state, { before, unreadable }, to, nearest, true),
              null,
              2,
            )
          : `would ${change("now")}${unsaved === "" ? "." : ""} (dry run: nothing was changed)`,
      );
      return EXIT.success;
    }
    if (!flags.yes) {
      throw new UsageError(
        `synced state ${action} would ${change("now")}${unsaved === "" ? "." : ""} Add --yes to do it.`,
        {
          key,
        },
      );
    }
    const owner = commandOwner(`state ${action}`, newRunId());
    await withLease(
      {
        state,
        key,
        owner,
        holder: holderName(),
        ttlMs: options.leaseTtlMs,
        signal: context.signal,
        log: (message, fields) => {
          context.logger.info(message, fields);
        },
        warn: (message, fields) => {
          context.logger.warn(message, fields);
        },
      },
      async ({ signal }) => {
        signal.throwIfAborted();
        if (to === undefined) await state.deleteCheckpoint(key);
        // Moved, it covers what it covered: a table left out until now is still read whole.
        else await state.setCheckpoint(key, to, owner, before?.covers);
      },
    );
    context.stdout(
      options.json
        ? JSON.stringify(
            stateChangeJson(action, key, state, { before, unreadable }, to, nearest, false),
            null,
            2,
          )
        : `done: ${change("was")
            .replace(/^move/, "moved")
            .replace(/^clear/, "cleared")}`,
    );
    return EXIT.success;
  });
}

/**
 * Where the next run begins once the checkpoint is cleared. A run with no checkpoint of its own takes
 * up where the configuration's runs under another shard count covered every range, if there are any.
 */
async function nextStart(state: StateStore, key: string): Promise<string> {
  const counts = otherShardCounts(key, await state.listKeys());
  if (counts.size === 0) return "the next run starts from -b or the earliest version";
  const others = [...counts.keys()].map(describeSharding).join(" and ");
  return (
    `the next run starts from -b, or else where this configuration's checkpoints under ${others} ` +
    "cover every range (as a run without a checkpoint does), or the earliest version"
  );
}

/** What `state set|reset --json` prints: the checkpoint before and after, as a run's summary has them. */
function stateChangeJson(
  action: "set" | "reset",
  key: string,
  state: StateStore,
  {
    before,
    unreadable,
  }: { readonly before: Checkpoint | undefined; readonly unreadable: string | undefined },
  to: bigint | undefined,
  nearest: readonly string[],
  dryRun: boolean,
): unknown {
  return {
    action,
    key,
    dryRun,
    state: { backend: state.backend, location: state.location },
    checkpoint: {
      before: before === undefined ? null : formatMicros(before.position),
      // What was in its place, replaced or cleared, that could not be read as a checkpoint.
      ...(unreadable === undefined ? {} : { unreadable }),
      after: to === undefined ? null : formatMicros(to),
    },
    // No run of this key saved a checkpoint: maybe another key was meant.
    ...(before === undefined && unreadable === undefined ? { nearestKeys: nearest } : {}),
  };
}

function target(flags: StateFlags): bigint {
  if (flags.to === undefined) {
    throw new UsageError("synced state set needs --to <time>, such as --to 2026-01-01T00:00:00Z.", {
      option: "to",
    });
  }
  const to = parseTimestamp(flags.to, "to");
  if (to > nowMicros()) {
    throw new UsageError(
      `--to ${formatMicros(to)} is in the future: a run would have nothing to do until then. Give a time before now.`,
      { option: "to" },
    );
  }
  return to;
}

/** A shard's partition, as its checkpoint records it (reconcile/shard-partition.ts). */
function partitionLine(covers: readonly string[]): string[] {
  const item = covers.find(isPartitionItem);
  return item === undefined ? [] : [`  partition   ${describePartitionItem(item)}`];
}
