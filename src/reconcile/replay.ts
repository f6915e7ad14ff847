// Replays dead letters: each record is read again at its source, where the user fixed it, and goes
// through the same decision and write as in a run. The replay holds the configuration's lease from
// reading the letters to settling them, so it never races a run of it (whose letter for a record met
// again would otherwise be removed as replayed), and leaves the checkpoint alone: a letter names one
// record, not a range. A dry run decides the same and writes nothing, letters included.
import type { Direction } from "../core/direction.js";
import type { StateStore } from "../state/state-store.js";
import type { DeadLetter, DeadLetterSink } from "./dead-letter.js";
import { ErrorBudget } from "./error-budget.js";
import { indexExistsBefore, type PlanEntry, type PlanSettings } from "./plan-tables.js";
import type { Column, TablePlan } from "./table-plan.js";
import { planSchema } from "./schema-plan.js";
import { createColumns, mapNewFields, noSchemaChanges, withColumns } from "./schema-changes.js";
import { placeInRange } from "./range-placement.js";
import type { RecordStore } from "./record-store.js";
import type { SyncRecord } from "../core/record.js";
import type { SchemaGateway } from "./run-sync.js";
import { reconcileRecords } from "./sync-table.js";
import { withLease } from "./with-lease.js";
import { microsFromMillis } from "../core/micros.js";
import { idSpellings, keyColumns, respellUuids, splitKey, uuidParts } from "../core/table-key.js";
import { commandOwner } from "./lease-owner.js";
import { TableIndexRefusedError } from "../core/table-index-refusal.js";

/** What a replay needs of one dead letter. */
export interface ReplayItem {
  readonly letterId: string;
  readonly table: string;
  readonly direction: Direction;
  readonly id: string | undefined;
  /**
   * The `_id` of the document the record was read from, where the letter kept it: a document whose
   * `_id` is not the one its key fields give is not found by its id, yet still exists.
   */
  readonly readFrom?: string;
}

export type ReplayOutcome =
  /** The record was written to the target, or the target already held it or something newer. */
  | { readonly letterId: string; readonly status: "replayed" }
  /** The source holds no record of this id any more: nothing is left to copy. */
  | { readonly letterId: string; readonly status: "gone" }
  /** It failed again: `reason` and `record` are the new ones. */
  | {
      readonly letterId: string;
      readonly status: "failed";
      readonly reason: string;
      readonly record?: unknown;
    };

export interface ReplaySettings {
  readonly runId: string;
  readonly key: string;
  readonly holder: string;
  readonly leaseTtlMs: number;
  readonly maxFutureMs: number;
  readonly plan: PlanSettings;
  /** Decide, and write nothing: neither records nor letters. */
  readonly dryRun: boolean;
  /** As a run's --create-columns: a column for a field the index maps and the table lacks. */
  readonly createColumns: boolean;
}

/** The letters a replay works on, read and settled while it holds the lease. */
export interface ReplayLetters {
  chosen(): Promise<readonly ReplayItem[]>;
  /** Not called in a dry run, nor when the replay stops before its end. */
  settle(outcomes: readonly ReplayOutcome[]): Promise<void>;
}

export interface ReplayDependencies {
  readonly cassandra: RecordStore;
  readonly elasticsearch: RecordStore;
  readonly schema: SchemaGateway;
  readonly state: StateStore;
  readonly signal: AbortSignal;
  readonly now: () => bigint;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** A lease the state store did not take back (with-lease.ts): someone may have to look at it. */
  readonly warn: (message: string, fields?: Record<string, unknown>) => void;
}

/** Ids read from the source per request. */
const CHUNK = 500;

export async function replayLetters(
  settings: ReplaySettings,
  deps: ReplayDependencies,
  letters: ReplayLetters,
): Promise<ReplayOutcome[]> {
  return withLease(
    {
      state: deps.state,
      key: settings.key,
      // Named as a replay: it records no run, so a run it keeps out must not send the user looking for one.
      owner: commandOwner("dead-letters replay", settings.runId),
      holder: settings.holder,
      ttlMs: settings.leaseTtlMs,
      signal: deps.signal,
      log: deps.log,
      warn: deps.warn,
    },
    async ({ signal }) => {
      const items = await letters.chosen();
      if (items.length === 0) return [];
      let entries: readonly PlanEntry[] = await planSchema(deps.schema, settings.plan);
      // Filled only in a dry run, which creates no column.
      const planned = new Map<string, Column[]>();
      if (settings.createColumns)
        entries = await createColumns(deps.schema, settings, entries, noSchemaChanges(), deps.log, planned);
      const futureLimit = deps.now() + microsFromMillis(settings.maxFutureMs);
      const outcomes: ReplayOutcome[] = [];
      for (const group of groups(items)) {
        signal.throwIfAborted();
        const replay = { entries, planned, futureLimit, dryRun: settings.dryRun };
        outcomes.push(...(await replayGroup(group, replay, deps, signal)));
      }
      signal.throwIfAborted();
      if (!settings.dryRun) await letters.settle(outcomes);
      return outcomes;
    },
  );
}

function groups(items: readonly ReplayItem[]): ReplayItem[][] {
  const byTable = new Map<string, ReplayItem[]>();
  for (const item of items) {
    const key = `${item.table}\n${item.direction}`;
    byTable.set(key, [...(byTable.get(key) ?? []), item]);
  }
  return [...byTable.values()];
}

/** What every group of a replay is replayed with. */
interface GroupReplay {
  readonly entries: readonly PlanEntry[];
  /** The columns a dry run with --create-columns would create, by table. */
  readonly planned: ReadonlyMap<string, readonly Column[]>;
  readonly futureLimit: bigint;
  readonly dryRun: boolean;
}

async function replayGroup(
  group: readonly ReplayItem[],
  replay: GroupReplay,
  deps: ReplayDependencies,
  signal: AbortSignal,
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  try {
    await replayInto(outcomes, group, replay, deps, signal);
    return outcomes;
  } catch (error) {
    // The cluster refuses the table's index (a template spoils it, a pipeline its writes go through is
    // missing, a block), not its records: their letters fail again with the reason and the replay goes
    // on with the other tables, as a run refuses the table and syncs the others. A letter already
    // replayed before the refusal stays so; one whose record was maybe written keeps its letter, which
    // the next replay settles.
    if (!(error instanceof TableIndexRefusedError)) throw error;
    const settled = new Set(outcomes.map((o) => o.letterId));
    const refused = group.filter((item) => !settled.has(item.letterId));
    return [
      ...outcomes,
      ...refused.map((item): ReplayOutcome => ({
        letterId: item.letterId,
        status: "failed",
        reason: error.replayReason,
      })),
    ];
  }
}

/** Replays one table's letters in one direction, pushing each outcome as it is decided. */
async function replayInto(
  outcomes: ReplayOutcome[],
  group: readonly ReplayItem[],
  { entries, planned, futureLimit, dryRun }: GroupReplay,
  deps: ReplayDependencies,
  signal: AbortSignal,
): Promise<void> {
  const first = group[0];
  if (first === undefined) return;
  const failAll = (reason: string): void => {
    outcomes.push(
      ...group.map((item): ReplayOutcome => ({ letterId: item.letterId, status: "failed", reason })),
    );
  };
  const entry = entries.find(
    (e) => e.kind !== "unknown" && name(e).toLowerCase() === first.table.toLowerCase(),
  );
  if (entry?.kind !== "sync") {
    const why = entry?.kind === "skip" || entry?.kind === "refuse" ? `: ${entry.reason}` : "";
    failAll(`this configuration no longer syncs table ${first.table}${why}`);
    return;
  }
  // The index is gone: a replay makes it again, empty, and a dry run, which makes none, reads the
  // records from their source as the replay would and decides them against no document. The
  // type-field layout's one index, where the table's type has no document yet, is there to read like
  // any other, and a replay only adds the table's fields to it.
  const makesIndex = entry.createIndex && first.direction === "to-es";
  const noIndex = makesIndex && !indexExistsBefore(entry);
  if (makesIndex && !dryRun) await deps.schema.createIndex(entry.plan);
  if (first.direction === "to-es") {
    // A dry run makes no index and writes nothing, so it asks, as a dry run of a run does, whether a
    // template would spoil the index the replay makes, or a pipeline its writes go through is missing.
    if (dryRun && deps.schema.plannedWrites !== undefined) {
      const unchecked = await deps.schema.plannedWrites(entry.plan, !indexExistsBefore(entry), "replay");
      for (const notice of unchecked)
        deps.log(`the dry run could not ${notice}, so the replay may fail letters it counts as replayed`);
    }
    // As a run does before it writes: a column added since the index was made gets synced's type for
    // its field, rather than the one the cluster would guess from the first document holding it.
    const unmappable = await mapNewFields(deps.schema, entry, dryRun, noSchemaChanges(), deps.log);
    if (unmappable !== undefined) {
      failAll(unmappable);
      return;
    }
  }
  const [source, target] =
    first.direction === "to-es" ? [deps.cassandra, deps.elasticsearch] : [deps.elasticsearch, deps.cassandra];
  // A dry run reads each document as the columns it would create hold it, as the replay after them
  // would: its letter is replayed, or fails again on a value its new column cannot take. The target
  // is read as it is, without them.
  const readPlan =
    first.direction === "to-cassandra" ? withColumns(entry.plan, planned.get(entry.plan.table)) : entry.plan;
  const withId: (ReplayItem & { id: string })[] = [];
  for (const item of group) {
    const id = item.id ?? idOfDocument(entry.plan, item);
    if (id !== undefined) {
      withId.push({ ...item, id });
      continue;
    }
    outcomes.push({
      letterId: item.letterId,
      status: "failed",
      reason:
        "the record has no id, so it cannot be read again: correct or delete it at its source, then purge this letter",
    });
  }
  for (let i = 0; i < withId.length; i += CHUNK) {
    signal.throwIfAborted();
    const chunk = withId.slice(i, i + CHUNK);
    const found = await source.fetchCurrent(
      readPlan,
      chunk.map((item) => item.id),
    );
    const records: SyncRecord[] = [];
    const letterOf = new Map<string, string>();
    const stillMisplaced = await misplacedHeld(source, entry.plan, chunk);
    for (const item of chunk) {
      const held = found.get(item.id);
      // The lookup by id reads another document than the letter's, or none: the letter's stays unsynced.
      // Once that document is gone (reindexed under its id, or deleted), the record is read by its id.
      if (item.readFrom !== undefined && stillMisplaced.has(item.readFrom)) {
        const fix =
          held === undefined
            ? "so it is not found by its id: reindex it under that id and replay this letter, or delete it " +
              "and purge this letter"
            : "and a document under that id exists as well, which a replay reads instead: keep the newer " +
              "of the two under that id, delete the other, and replay this letter";
        outcomes.push({
          letterId: item.letterId,
          status: "failed",
          reason:
            `the document it was read from has _id '${item.readFrom}', not the id its key fields give ` +
            `('${entry.plan.es.idPrefix}${item.id}'), ${fix}`,
        });
        continue;
      }
      if (held === undefined) {
        outcomes.push({ letterId: item.letterId, status: "gone" });
        continue;
      }
      if ("kind" in held) {
        outcomes.push({ letterId: item.letterId, status: "failed", reason: held.reason, record: held.raw });
        continue;
      }
      // A timestamp too far in the future is refused as the run refuses it.
      const placed = placeInRange(held, { begin: 0n, end: futureLimit, futureLimit });
      if (placed !== undefined && "kind" in placed) {
        outcomes.push({
          letterId: item.letterId,
          status: "failed",
          reason: placed.reason,
          record: placed.raw,
        });
        continue;
      }
      records.push(held);
      letterOf.set(item.id, item.letterId);
    }
    const again = new CapturedLetters();
    await reconcileRecords(
      {
        plan: entry.plan,
        direction: first.direction,
        source,
        target,
        range: { begin: 0n, end: futureLimit },
        dryRun,
        deadLetters: again,
        budget: new ErrorBudget(Number.MAX_SAFE_INTEGER),
        signal,
      },
      records,
      dryRun && noIndex,
    );
    for (const record of records) {
      const letterId = letterOf.get(record.id) ?? "";
      const failed = again.letters.get(record.id);
      outcomes.push(
        failed === undefined
          ? { letterId, status: "replayed" }
          : { letterId, status: "failed", reason: failed.reason, record: failed.record },
      );
    }
  }
}

/**
 * The id that the `_id` of the document a keyless letter was read from names (its key fields gave
 * none), with its UUIDs in lower case as a record's id spells them. Read again by it, the document is
 * decoded as a run decodes it: replayed only once its key fields give that very `_id`, and otherwise
 * failed again with the reason why.
 */
function idOfDocument(plan: TablePlan, item: ReplayItem): string | undefined {
  const from = item.readFrom;
  if (item.direction !== "to-cassandra" || from?.startsWith(plan.es.idPrefix) !== true) return undefined;
  const id = respellUuids(from.slice(plan.es.idPrefix.length), uuidParts(plan.key), (uuid) =>
    uuid.toLowerCase(),
  );
  return splitKey(id, keyColumns(plan.key).length) === undefined ? undefined : id;
}

/** The `_id`s of the chunk's misplaced documents (see misplaced) that a document still holds. */
async function misplacedHeld(
  source: RecordStore,
  plan: TablePlan,
  chunk: readonly ReplayItem[],
): Promise<ReadonlySet<string>> {
  const ids = chunk.flatMap((item) =>
    item.readFrom !== undefined && misplaced(item, plan) ? [item.readFrom] : [],
  );
  if (ids.length === 0) return new Set();
  return source.documentsHeld === undefined ? new Set(ids) : source.documentsHeld(plan, ids);
}

/** A record read from a document under an `_id` its id does not give, which lookups by id miss. */
function misplaced(item: ReplayItem, plan: TablePlan): boolean {
  if (item.readFrom === undefined || item.direction !== "to-cassandra") return false;
  return !idSpellings(plan.key, item.id ?? "").some(
    (spelled) => `${plan.es.idPrefix}${spelled}` === item.readFrom,
  );
}

function name(entry: Exclude<PlanEntry, { kind: "unknown" }>): string {
  return entry.kind === "sync" ? entry.plan.table : entry.name;
}

/** The letters a replay produces, by record id, to tell which records failed again and why. */
class CapturedLetters implements DeadLetterSink {
  readonly letters = new Map<string, DeadLetter>();

  get count(): number {
    return this.letters.size;
  }

  put(letter: DeadLetter): Promise<void> {
    if (letter.id !== undefined) this.letters.set(letter.id, letter);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
