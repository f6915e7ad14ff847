// What each command takes beside the run options, read from the parsed flags by the rule of its kind
// in the option table (config/option-specs.ts), so that a count means the same in every command.
import { UsageError } from "../core/errors.js";
import { parseDuration } from "../config/duration.js";
import type { Flags } from "../config/layers.js";
import type { SyncOptions } from "../config/options.js";
import { commandOptionSpec, MAX_COUNT, OPTION_SPECS, type CommandPath } from "../config/option-specs.js";

export const LETTER_ACTIONS = ["list", "show", "replay", "purge"] as const;
export type LetterAction = (typeof LETTER_ACTIONS)[number];

/** What `synced dead-letters <action>` takes beside the run options. */
export interface LetterFlags {
  /** Letter ids: only these (show takes exactly one). */
  readonly letters: readonly string[];
  /** purge: every letter of the configuration. */
  readonly all: boolean;
  /** purge: the confirmation. */
  readonly yes: boolean;
  /** list, replay: at most this many letters are printed (0 for the others, which print none). */
  readonly limit: number;
}

export const STATE_ACTIONS = ["set", "reset"] as const;
export type StateAction = (typeof STATE_ACTIONS)[number];

/** What `synced status` and `synced state <action>` take beside the run options. */
export interface StateFlags {
  /** set: the new checkpoint, in any form -b takes. */
  readonly to?: string;
  /** set, reset: the confirmation. */
  readonly yes: boolean;
  /** status: this many recent runs per configuration. */
  readonly runs: number;
}

/** What `synced verify` takes beside the run options. */
export interface VerifyFlags {
  /** Differing ids listed per table and side, and as many bad records. */
  readonly limit: number;
  /** Write what differs as a run would (conditionally, last write wins). */
  readonly repair: boolean;
  /** With repair: also copy records the other side lacks. */
  readonly copyMissing: boolean;
}

/** What `synced watch` takes beside the run options. */
export interface WatchFlags {
  readonly everyMs: number;
  /** A verify with repair after a run, at most this often; absent: never. */
  readonly verifyEveryMs?: number;
  /** /healthz fails once a run has gone this long without finishing a batch. */
  readonly stalledAfterMs: number;
  readonly listen: { readonly host: string; readonly port: number };
}

/** A count option: a whole number from 0 to MAX_COUNT, its default where it is not given. */
export function count(args: Flags, path: CommandPath, flag: string): number {
  const spec = commandOptionSpec(path, flag);
  const value = args[flag];
  const parsed = value === undefined ? Number(spec.default) : Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed > MAX_COUNT) {
    throw new UsageError(
      `--${flag} must be a whole number of ${spec.unit ?? "items"} from 0 to ${MAX_COUNT}; found "${String(value)}".`,
      { option: flag },
    );
  }
  return parsed;
}

export function watchFlags(args: Flags): WatchFlags {
  const every = args["every"];
  if (typeof every !== "string") {
    throw new UsageError("synced watch needs --every <duration> once, such as --every 5m.", {
      option: "every",
    });
  }
  const everyMs = parseDuration(every, "every");
  if (everyMs < 1000 || everyMs > 86_400_000) {
    throw new UsageError(`--every must be from 1s to 1d; found "${every}".`, { option: "every" });
  }
  const given = args["listen"];
  const listen = typeof given === "string" ? given : (commandOptionSpec("watch", "listen").default ?? "");
  const match = /^(?<host>.+):(?<port>\d{1,5})$/.exec(listen);
  const port = Number(match?.groups?.["port"]);
  if (!match?.groups || port > 65_535) {
    throw new UsageError(`--listen must be host:port, such as 0.0.0.0:9464; found "${listen}".`, {
      option: "listen",
    });
  }
  return {
    everyMs,
    ...verifyEvery(args),
    stalledAfterMs: stalledAfter(args),
    // `[::1]:9464`, as URLs write an IPv6 address: the address is what is inside the brackets.
    listen: { host: (match.groups["host"] ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1"), port },
  };
}

const MINUTE_MS = 60_000;
const THIRTY_DAYS_MS = 30 * 86_400_000;

function verifyEvery(args: Flags): { verifyEveryMs?: number } {
  const given = args["verify-every"];
  if (given === undefined) return {};
  if (typeof given !== "string") {
    throw new UsageError("--verify-every takes one duration, such as --verify-every 1d; give it once.", {
      option: "verify-every",
    });
  }
  const verifyEveryMs = parseDuration(given, "verify-every");
  if (verifyEveryMs < MINUTE_MS || verifyEveryMs > THIRTY_DAYS_MS) {
    throw new UsageError(`--verify-every must be from 1m to 30d; found "${given}".`, {
      option: "verify-every",
    });
  }
  return { verifyEveryMs };
}

function stalledAfter(args: Flags): number {
  const given = args["stalled-after"] ?? commandOptionSpec("watch", "stalled-after").default;
  if (typeof given !== "string") {
    throw new UsageError("--stalled-after takes one duration, such as --stalled-after 10m; give it once.", {
      option: "stalled-after",
    });
  }
  const stalledAfterMs = parseDuration(given, "stalled-after");
  if (stalledAfterMs < 1000 || stalledAfterMs > 86_400_000) {
    throw new UsageError(`--stalled-after must be from 1s to 1d; found "${given}".`, {
      option: "stalled-after",
    });
  }
  return stalledAfterMs;
}

export function verifyFlags(args: Flags): VerifyFlags {
  const repair = args["repair"] === true;
  const copyMissing = args["copy-missing"] === true;
  if (copyMissing && !repair) {
    // Copying is a repair; alone it would be a read-only verify that silently ignored the flag.
    throw new UsageError("--copy-missing copies as part of a repair; give it with --repair.", {
      option: "copy-missing",
    });
  }
  return { limit: count(args, "verify", "limit"), repair, copyMissing };
}

/** The run options that choose a configuration or its range, which select nothing in `synced status`. */
const SELECTING = new Set(["keyspace", "index", "name", "tables", "exclude-tables", "direction", "layout"]);
SELECTING.add("shard").add("begin").add("end");

/**
 * What to tell of the run options given to `synced status` that would select a configuration or a
 * range: status shows every configuration of the state store, and taking them in silence let an
 * operator believe the list was one configuration's. Not refused: the same options as the runs' are
 * often passed to every command.
 */
export function ignoredSelection(args: Flags): string | undefined {
  const given = OPTION_SPECS.filter((spec) => SELECTING.has(spec.flag) && args[spec.flag] !== undefined);
  if (given.length === 0) return undefined;
  const names = given.map((spec) => `--${spec.flag}`);
  return (
    `synced status shows every configuration of the state store, whatever ${names.join(", ")} ` +
    `${names.length === 1 ? "selects" : "select"} in a run: look for the configuration by its key in the list.`
  );
}

/**
 * What to tell of the options that create schema in a run, given to `synced verify`, which compares
 * the tables and indices as they stand and creates none: taken in silence, --create-timestamp-index
 * looked done. Not refused, as for status: a job's options are often given to verify as they are.
 */
export function ignoredCreation(options: SyncOptions): string | undefined {
  const given = [
    options.createTables ? "--create-tables" : undefined,
    options.createColumns ? "--create-columns" : undefined,
    options.createTimestampIndex ? "--create-timestamp-index" : undefined,
  ].filter((flag) => flag !== undefined);
  if (given.length === 0) return undefined;
  const [asks, they] = given.length === 1 ? ["asks", "it asks"] : ["ask", "they ask"];
  return (
    `synced verify creates nothing, whatever ${given.join(", ")} ${asks} of a run: it compares the tables ` +
    `and indices as they stand (a run of synced or synced watch creates what ${they} for).`
  );
}

export function stateFlags(args: Flags): StateFlags {
  const runs = count(args, "status", "runs");
  const to = args["to"];
  if (to !== undefined && typeof to !== "string") {
    throw new UsageError("--to takes one time; give it once.", { option: "to" });
  }
  return { ...(to === undefined ? {} : { to }), yes: args["yes"] === true, runs };
}

export function letterFlags(action: LetterAction, args: Flags): LetterFlags {
  const letter = args["letter"];
  const letters = (Array.isArray(letter) ? letter : letter === undefined ? [] : [letter]).map(String);
  return {
    letters,
    all: args["all"] === true,
    yes: args["yes"] === true,
    // Only list and replay print letters; the others take no --limit.
    limit: action === "list" || action === "replay" ? count(args, `dead-letters ${action}`, "limit") : 0,
  };
}
