// `synced dead-letters list|show|replay|purge`: what a user does with the records a run could not
// sync. The run options find the configuration (its state key) and where its letters live, so the
// same flags that run a configuration also reach its letters.
import { randomUUID } from "node:crypto";
import type { LetterAction, LetterFlags } from "./command-flags.js";
import type { SyncOptions } from "../config/options.js";
import { formatMicros, nowMicros } from "../core/micros.js";
import { UsageError } from "../core/errors.js";
import { NumberLiteral } from "../core/number-literal.js";
import { newRunId } from "../core/run-id.js";
import {
  letterReadFrom,
  storedLetter,
  type DeadLetterStore,
  type StoredLetter,
} from "../deadletter/dead-letter-store.js";
import { letterToJson } from "../deadletter/letter-json.js";
import { cutReason } from "../deadletter/letter-size.js";
import { replayLetters, type ReplayOutcome } from "../reconcile/replay.js";
import { laterLetters } from "../deadletter/later-letters.js";
import { STATE_FORMAT } from "../state/state-format.js";
import { holderName } from "../state/lease-holder.js";
import { openStateStore } from "../state/open-state-store.js";
import { refuseKeyPlace } from "./location-errors.js";
import { withClientFor, withClients, type Clients } from "./connections.js";
import { EXIT } from "./exit-codes.js";
import { planOptions, recordStores } from "./record-stores.js";
import { stateKeyFor } from "../state/state-key.js";
import { openDeadLetters, type RunContext } from "./run-command.js";
import { lettersElsewhereText, otherKeysWithLetters } from "./letter-keys.js";
import { recordName } from "./letter-name.js";
import { textTable } from "./text-table.js";
import { cutText } from "../util/cut-text.js";
import { visibleInLine } from "./visible-text.js";

export async function deadLettersCommand(
  action: LetterAction,
  options: SyncOptions,
  flags: LetterFlags,
  context: RunContext,
): Promise<number> {
  const key = stateKeyFor(options);
  if (action === "purge") checkPurge(flags);
  const work = async (clients: Partial<Clients>): Promise<number> => {
    // Every action works on letters a run left: none creates a store to find it empty.
    const store = await openDeadLetters(options, key, clients, false, (message) => {
      context.logger.info(message);
    });
    try {
      switch (action) {
        case "list":
          return await list(store, key, flags, options, clients, context);
        case "show":
          return await show(store, key, flags, context);
        case "purge":
          return await purge(store, key, flags, options, clients, context);
        case "replay":
          return await replay(store, key, flags, options, clients as Clients, context);
      }
    } finally {
      await store.close();
    }
  };
  // A replay reads and writes records in both stores; the rest needs only the store of the letters.
  if (action === "replay") return withClients(options, work);
  return withClientFor(options, (options.deadLetter ?? options.state).backend, work);
}

/**
 * The letters named by --letter, or all of them, each as `keep` keeps it: most callers drop its record,
 * so that many letters of large records do not fill the memory.
 */
async function chosen<T extends { readonly letterId: string }>(
  store: DeadLetterStore,
  key: string,
  flags: LetterFlags,
  later: LaterChosen,
  keep: (letter: StoredLetter) => T,
): Promise<T[]> {
  const wanted = new Set(flags.letters);
  const out: T[] = [];
  for await (const letter of store.list(key, later.unread)) {
    if (wanted.size === 0 || wanted.has(letter.letterId)) out.push(keep(letter));
  }
  refuseMissing(flags, new Set([...out.map((l) => l.letterId), ...later.chosen]), key, store);
  return out;
}

/** The letters a later synced wrote: all of them, to be passed over unread, and those --letter chose. */
interface LaterChosen {
  readonly unread: ReadonlySet<string>;
  readonly chosen: readonly string[];
  /** The latest format of those chosen; 0 where none was. */
  readonly format: number;
}

// A later synced's letters stay as it left them: it goes on from them, and this one cannot tell what
// they hold. The others are this synced's to list, show, replay and purge.
async function laterChosen(store: DeadLetterStore, key: string, flags: LetterFlags): Promise<LaterChosen> {
  const later = await laterLetters(store, key);
  const wanted = new Set(flags.letters);
  const chosen = [...later.keys()].filter((id) => wanted.size === 0 || wanted.has(id));
  return {
    unread: new Set(later.keys()),
    chosen,
    format: Math.max(0, ...chosen.map((id) => later.get(id) ?? 0)),
  };
}

/** The --json fields of the letters a later synced wrote that a command chose and left; none where it left none. */
function laterJson(later: LaterChosen): Record<string, number> {
  return later.chosen.length === 0 ? {} : { kept: later.chosen.length, laterFormat: later.format };
}

/** A --letter that names no letter of this configuration: most likely other options than the run's. */
function refuseMissing(
  flags: LetterFlags,
  found: ReadonlySet<string>,
  key: string,
  store: DeadLetterStore,
): void {
  const missing = flags.letters.filter((id) => !found.has(id));
  if (missing.length === 0) return;
  throw new UsageError(
    `no dead letter ${missing.join(", ")} of state key ${key} in ${store.location}; nothing was done. ` +
      "List the letters with synced dead-letters list and the options of the run that stored them.",
    { missing, key },
  );
}

function withoutRecord<T extends StoredLetter>(letter: T): T {
  return { ...letter, record: null };
}

/** The `_id` of the document a letter's record was read from, where it kept one. */
function readFrom(letter: StoredLetter): { readFrom?: string } {
  const id = letterReadFrom(letter);
  return id === undefined ? {} : { readFrom: id };
}

/** Where none of this key's letters were found, the keys that hold some; empty when --letter names them. */
async function elsewhere(
  found: number,
  key: string,
  flags: LetterFlags,
  options: SyncOptions,
  clients: Partial<Clients>,
): Promise<string[]> {
  if (found > 0 || flags.letters.length > 0) return [];
  return otherKeysWithLetters(key, options, clients);
}

async function list(
  store: DeadLetterStore,
  key: string,
  flags: LetterFlags,
  options: SyncOptions,
  clients: Partial<Clients>,
  context: RunContext,
): Promise<number> {
  const shown: Listed[] = [];
  let waiting = 0;
  const wanted = new Set(flags.letters);
  const found = new Set<string>();
  const later = await laterChosen(store, key, flags);
  for await (const letter of store.list(key, later.unread)) {
    if (wanted.size > 0 && !wanted.has(letter.letterId)) continue;
    waiting++;
    if (wanted.size > 0) found.add(letter.letterId);
    if (shown.length < flags.limit) shown.push({ ...withoutRecord(letter), ...readFrom(letter) });
  }
  refuseMissing(flags, new Set([...found, ...later.chosen]), key, store);
  const others = await elsewhere(waiting + later.chosen.length, key, flags, options, clients);
  // The letters left unread still wait, as a run's exit 3 says of letters left.
  const code = later.chosen.length > 0 ? EXIT.partial : EXIT.success;
  if (options.json) {
    const body = {
      key,
      location: store.location,
      waiting,
      letters: shown.map(listedJson),
      ...laterJson(later),
      ...(waiting + later.chosen.length === 0 ? { otherKeysWithLetters: others } : {}),
    };
    context.stdout(prettyJson(body));
    return code;
  }
  const lines = [
    `${waiting} dead letter${waiting === 1 ? "" : "s"} of state key ${key} in ${store.location}` +
      laterText(later.chosen.length, later.format, "left", "list"),
  ];
  if (shown.length > 0) {
    lines.push("", textTable([["letter", "at", "table", "direction", "id", "reason"], ...shown.map(row)]));
  }
  if (waiting > shown.length)
    lines.push(`... and ${waiting - shown.length} more (raise --limit to see them)`);
  if (waiting > 0) {
    lines.push(
      "",
      "Show one whole with synced dead-letters show <letter>; once the records are fixed at their source, " +
        "synced dead-letters replay syncs them.",
    );
  }
  context.stdout(lines.join("\n") + lettersElsewhereText(others, key));
  return code;
}

async function show(
  store: DeadLetterStore,
  key: string,
  flags: LetterFlags,
  context: RunContext,
): Promise<number> {
  const [id] = flags.letters;
  const later = await laterChosen(store, key, flags);
  if (id !== undefined && later.chosen.includes(id)) {
    throw new UsageError(
      `dead letter ${id} of state key ${key} in ${store.location} is in state format ${later.format}, ` +
        `written by a later synced; this synced reads no further than format ${STATE_FORMAT}, so it showed ` +
        "nothing of it: show it with that synced or a newer one.",
      { letter: id, key, format: later.format },
    );
  }
  const [letter] = id === undefined ? [] : await chosen(store, key, flags, later, (l) => l);
  if (letter === undefined) {
    throw new UsageError(
      `no dead letter ${id ?? ""} of state key ${key} in ${store.location}. ` +
        "List the letters with synced dead-letters list and the same options.",
      { letter: id, key },
    );
  }
  context.stdout(prettyJson(jsonOf(letter, true)));
  return EXIT.success;
}

function checkPurge(flags: LetterFlags): void {
  if (flags.letters.length === 0 && !flags.all) {
    throw new UsageError("Name the letters to purge with --letter <id>, or purge every one with --all.", {});
  }
  if (flags.letters.length > 0 && flags.all) {
    throw new UsageError("Give either --letter or --all to purge, not both.", {});
  }
}

async function purge(
  store: DeadLetterStore,
  key: string,
  flags: LetterFlags,
  options: SyncOptions,
  clients: Partial<Clients>,
  context: RunContext,
): Promise<number> {
  // By id alone: a letter damaged so that it cannot be read whole can still be purged.
  const wanted = new Set(flags.letters);
  const matched: string[] = [];
  for await (const id of store.ids(key)) if (wanted.size === 0 || wanted.has(id)) matched.push(id);
  refuseMissing(flags, new Set(matched), key, store);
  // A later synced's letters stay: it goes on from them, and this one cannot tell what they hold.
  const later = await laterLetters(store, key);
  const ids = matched.filter((id) => !later.has(id));
  const kept = matched.filter((id) => later.has(id));
  const laterFormat = Math.max(0, ...kept.map((id) => later.get(id) ?? 0));
  const { dryRun } = options;
  const counted = `${ids.length} dead letter${ids.length === 1 ? "" : "s"}`;
  if (ids.length > 0 && !dryRun && !flags.yes) {
    throw new UsageError(`purging deletes ${counted} for good; nothing was purged. Add --yes to confirm.`, {
      count: ids.length,
    });
  }
  if (ids.length > 0 && !dryRun) await store.remove(key, ids);
  const others = await elsewhere(matched.length, key, flags, options, clients);
  if (options.json) {
    const body = {
      key,
      location: store.location,
      dryRun,
      purged: dryRun ? 0 : ids.length,
      matched: matched.length,
      ...(kept.length === 0 ? {} : { kept: kept.length, laterFormat }),
      ...(matched.length === 0 ? { otherKeysWithLetters: others } : {}),
    };
    context.stdout(prettyJson(body));
  } else if (matched.length === 0) {
    context.stdout(
      `no dead letters of state key ${key} to purge in ${store.location}${lettersElsewhereText(others, key)}`,
    );
  } else if (dryRun) {
    context.stdout(
      `would purge ${counted} of state key ${key} from ${store.location}${laterText(kept.length, laterFormat, "would keep", "purge")} ` +
        "(dry run: nothing was purged)",
    );
  } else {
    context.stdout(
      `purged ${counted} of state key ${key} from ${store.location}${laterText(kept.length, laterFormat, "kept", "purge")}`,
    );
  }
  // The letters kept still wait, as a run's exit 3 says of letters left.
  return kept.length > 0 ? EXIT.partial : EXIT.success;
}

/**
 * What a command left of the letters a later synced wrote, and why; empty where it left none. A purge
 * keeps them; the other commands leave them unread.
 */
function laterText(
  count: number,
  format: number,
  done: "kept" | "would keep" | "left" | "would leave",
  verb: "list" | "replay" | "purge",
): string {
  if (count === 0) return "";
  const unread = done === "left" || done === "would leave" ? " unread," : "";
  return (
    `; ${done} ${count}${unread} written by a later synced in state format ${format}, which this synced ` +
    `reads no further than format ${STATE_FORMAT}: ${verb} ${count === 1 ? "it" : "them"} with that ` +
    "synced or a newer one"
  );
}

async function replay(
  store: DeadLetterStore,
  key: string,
  flags: LetterFlags,
  options: SyncOptions,
  clients: Clients,
  context: RunContext,
): Promise<number> {
  const runId = newRunId();
  await refuseKeyPlace(options, key);
  const state = await openStateStore(options.state, clients, {
    timeoutMs: options.stateTimeoutMs,
    localDc: options.cassandra.localDc,
  });
  try {
    const stores = await recordStores(options, clients, context);
    let letters: Listed[] = [];
    let later: LaterChosen = { unread: new Set(), chosen: [], format: 0 };
    const outcomes = await replayLetters(
      {
        runId,
        key,
        holder: holderName(),
        leaseTtlMs: options.leaseTtlMs,
        maxFutureMs: options.maxFutureMs,
        plan: planOptions(options),
        dryRun: options.dryRun,
        createColumns: options.createColumns,
      },
      {
        ...stores,
        state,
        signal: context.signal,
        now: nowMicros,
        log: (message, fields) => {
          context.logger.info(message, fields);
        },
        warn: (message, fields) => {
          context.logger.warn(message, fields);
        },
      },
      {
        chosen: async () => {
          // Each without its record, but for the _id it was read from.
          later = await laterChosen(store, key, flags);
          letters = await chosen(store, key, flags, later, (l) => ({ ...withoutRecord(l), ...readFrom(l) }));
          return letters;
        },
        settle: async (settled) => {
          const byId = new Map(letters.map((l) => [l.letterId, l]));
          const failed = settled.filter((o) => o.status === "failed");
          // The new reasons first: a replay stopped between the two steps leaves letters, never loses one.
          await store.put(await renewed(store, key, failed, byId, runId, later.unread));
          await store.remove(
            key,
            settled.filter((o) => o.status !== "failed").map((o) => o.letterId),
          );
        },
      },
    );
    const found = letters.length + later.chosen.length;
    const others = await elsewhere(found, key, flags, options, clients);
    if (options.json) {
      const body = {
        ...replayJson(outcomes, letters, key, store.location, flags.limit, options.dryRun),
        ...laterJson(later),
      };
      context.stdout(prettyJson(found === 0 ? { ...body, otherKeysWithLetters: others } : body));
    } else if (found === 0) {
      context.stdout(
        `no dead letters of state key ${key} to replay in ${store.location}${lettersElsewhereText(others, key)}`,
      );
    } else {
      context.stdout(
        replaySummary(
          outcomes,
          letters,
          store.location,
          flags.limit,
          options.dryRun,
          laterText(later.chosen.length, later.format, options.dryRun ? "would leave" : "left", "replay"),
        ),
      );
    }
    const waiting = later.chosen.length > 0 || outcomes.some((o) => o.status === "failed");
    return waiting ? EXIT.partial : EXIT.success;
  } finally {
    await state.close();
  }
}

/**
 * The letters of the records that failed again, with the new reasons. A failure that read no record
 * keeps the letter's stored record, read again here for just those letters.
 */
async function renewed(
  store: DeadLetterStore,
  key: string,
  failed: readonly ReplayOutcome[],
  byId: ReadonlyMap<string, StoredLetter>,
  runId: string,
  later: ReadonlySet<string>,
): Promise<StoredLetter[]> {
  const unread = new Set(
    failed.filter((o) => o.status === "failed" && o.record === undefined).map((o) => o.letterId),
  );
  const stored = new Map<string, StoredLetter>();
  if (unread.size > 0) {
    for await (const letter of store.list(key, later)) {
      if (unread.has(letter.letterId)) stored.set(letter.letterId, letter);
    }
  }
  return failed
    .map((o) => again(stored.get(o.letterId) ?? byId.get(o.letterId), o, runId))
    .filter((l) => l !== undefined);
}

function again(
  letter: StoredLetter | undefined,
  outcome: ReplayOutcome,
  runId: string,
): StoredLetter | undefined {
  if (letter === undefined || outcome.status !== "failed") return undefined;
  if (outcome.record === undefined) {
    // The same record as stored, cut or not, under the same letter id.
    return { ...letter, runId, at: new Date(), reason: cutReason(outcome.reason) };
  }
  return storedLetter(letter.key, runId, new Date(), {
    table: letter.table,
    direction: letter.direction,
    from: letter.from,
    id: letter.id,
    reason: outcome.reason,
    record: outcome.record,
  });
}

function replaySummary(
  outcomes: readonly ReplayOutcome[],
  letters: readonly Listed[],
  location: string,
  limit: number,
  dryRun: boolean,
  laterNote: string,
): string {
  const byId = new Map(letters.map((l) => [l.letterId, l]));
  const replayed = outcomes.filter((o) => o.status === "replayed").length;
  const gone = outcomes.filter((o) => o.status === "gone").length;
  const failed = outcomes.filter((o) => o.status === "failed");
  const counts = dryRun
    ? `would replay ${replayed} (to be written, or the target already holds it or something newer), ` +
      `${gone} gone from their source, ${failed.length} would fail again; dry run: nothing was ` +
      `written, and every letter still waits in ${location}`
    : `replayed ${replayed} (written, or the target already held it or something newer), ` +
      `${gone} gone from their source, ${failed.length} failed again and wait in ${location}`;
  const lines = [counts + laterNote];
  for (const outcome of failed.slice(0, limit)) {
    const letter = byId.get(outcome.letterId);
    lines.push(
      visibleInLine(
        `  ${outcome.letterId} ${letter?.table ?? ""} ${cutText(recordName(letter?.id, letter?.readFrom), ID_CHARS)}: ${outcome.reason}`,
      ),
    );
  }
  if (failed.length > limit)
    lines.push(`  ... and ${failed.length - limit} more (raise --limit to see them)`);
  return lines.join("\n");
}

/** What `replay --json` prints: the counts of the text, and the letters that failed again (--limit of them). */
function replayJson(
  outcomes: readonly ReplayOutcome[],
  letters: readonly Listed[],
  key: string,
  location: string,
  limit: number,
  dryRun: boolean,
): Record<string, unknown> {
  const byId = new Map(letters.map((l) => [l.letterId, l]));
  const failed = outcomes.filter((o) => o.status === "failed");
  return {
    key,
    location,
    dryRun,
    letters: letters.length,
    replayed: outcomes.filter((o) => o.status === "replayed").length,
    gone: outcomes.filter((o) => o.status === "gone").length,
    failed: failed.length,
    failedLetters: failed.slice(0, limit).map((o) => {
      const letter = byId.get(o.letterId);
      return {
        letterId: o.letterId,
        table: letter?.table ?? null,
        id: letter?.id ?? null,
        ...(letter?.readFrom === undefined ? {} : { readFrom: letter.readFrom }),
        reason: o.reason,
      };
    }),
  };
}

function jsonOf(letter: StoredLetter, withRecord: boolean): Record<string, unknown> {
  const json = letterToJson(letter);
  return withRecord ? json : { ...json, record: undefined };
}

/** A marker no record holds, for numbers JSON.stringify cannot print exactly. */
const BIG = `synced-integer-${randomUUID()}:`;

/** Indented JSON in which every number keeps its digits: integers past 2^53, and those no double holds. */
function prettyJson(value: unknown): string {
  const text = JSON.stringify(value, exactNumbers, 2);
  // The marker holds letters, digits and dashes only, so it needs no escaping in a pattern.
  return text.replace(new RegExp(`"${BIG}([-+.\\deE]+)"`, "g"), "$1");
}

function exactNumbers(this: unknown, key: string, value: unknown): unknown {
  // The value has been through toJSON already, which makes a NumberLiteral a double: its holder keeps
  // the literal.
  const held = (this as Record<string, unknown>)[key];
  if (held instanceof NumberLiteral) return `${BIG}${held.text}`;
  return typeof value === "bigint" ? `${BIG}${value}` : value;
}

/** A letter as listed: without its record, but for the `_id` it was read from. */
type Listed = StoredLetter & { readonly readFrom?: string };

function listedJson(letter: Listed): Record<string, unknown> {
  return {
    ...jsonOf(letter, false),
    ...(letter.readFrom === undefined ? {} : { readFrom: letter.readFrom }),
  };
}

/** The most of a record's id that a line of text shows. */
const ID_CHARS = 64;

function row(letter: Listed): string[] {
  const reason = cutText(letter.reason, 80);
  return [
    letter.letterId,
    formatMicros(BigInt(letter.at.getTime()) * 1000n),
    letter.table,
    letter.direction,
    // A record without an id (a document whose key fields give none) is known by its _id. A long text
    // key (tens of kilobytes) is cut as the reason is: `show` prints it whole.
    cutText(recordName(letter.id, letter.readFrom), ID_CHARS),
    reason,
  ];
}
