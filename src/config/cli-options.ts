// The command line. yargs only splits argv and checks option names: it applies no defaults and reads
// no environment, because loadConfig alone merges flags, SYNCED_* variables, the file and defaults,
// and a yargs default would hide a value from the file.
import yargs from "yargs";
import type { Argv } from "yargs";
import { didYouMean } from "../core/did-you-mean.js";
import { SyncedError, UsageError } from "../core/errors.js";
import { parseDuration } from "./duration.js";
import { unknownCommand, positionals } from "./command-words.js";
import { HELP_EPILOGUE } from "./help-text.js";
import type { Flags } from "./layers.js";
import { OPTION_SPECS } from "./option-specs.js";
import type { OptionSpec } from "./option-specs.js";
import { normalizeSwitchValues, switchOf } from "./switch-values.js";

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
  /** list: at most this many are printed. */
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

/** What `synced watch` takes beside the run options. */
export interface WatchFlags {
  readonly everyMs: number;
  readonly listen: { readonly host: string; readonly port: number };
}

export interface CliHandlers {
  /** Called with the parsed flags of `synced [run]`; pass them to loadConfig. */
  readonly run: (flags: Flags) => void | Promise<void>;
  /** Called with the parsed flags of `synced dead-letters <action>`; absent: the command is unknown. */
  readonly deadLetters?: (action: LetterAction, flags: Flags, letters: LetterFlags) => void | Promise<void>;
  /** `synced status`: -k and -i are not needed, since it reads every configuration of the store. */
  readonly status?: (flags: Flags, state: StateFlags) => void | Promise<void>;
  /** `synced plan`, with how many decisions to show per table, direction and reason. */
  readonly plan?: (flags: Flags, sample: number) => void | Promise<void>;
  /** `synced verify`, with how many differing ids to list per table and side. */
  readonly verify?: (flags: Flags, limit: number) => void | Promise<void>;
  /** `synced watch`: the run again and again, `everyMs` apart, serving /metrics and /healthz. */
  readonly watch?: (flags: Flags, watch: WatchFlags) => void | Promise<void>;
  /** `synced state set|reset`. */
  readonly state?: (action: StateAction, flags: Flags, state: StateFlags) => void | Promise<void>;
}

const STATE_HELP: Readonly<Record<StateAction, string>> = {
  set: "Move the configuration's checkpoint to --to (with --yes); the next run begins there",
  reset:
    "Clear the configuration's checkpoint (with --yes); the next run begins at -b or the earliest version",
};

function addStateCommands<T>(cli: Argv<T>, handlers: CliHandlers): Argv<T> {
  for (const action of STATE_ACTIONS) {
    cli.command(
      action,
      STATE_HELP[action],
      (command) => {
        addRunOptions(command).option("yes", {
          describe: "Confirm the change",
          group: "State:",
          type: "boolean",
        });
        return action === "set"
          ? command.option("to", {
              describe: "The new checkpoint: ISO-8601 or epoch seconds, as -b takes",
              group: "State:",
              requiresArg: true,
            })
          : command;
      },
      (args) => handlers.state?.(action, args, stateFlags(args)),
    );
  }
  return cli.demandCommand(1, "Name what to do with the checkpoint: set or reset");
}

function watchFlags(args: Flags): WatchFlags {
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
  const listen = typeof given === "string" ? given : "127.0.0.1:9464";
  const match = /^(?<host>.+):(?<port>\d{1,5})$/.exec(listen);
  const port = Number(match?.groups?.["port"]);
  if (!match?.groups || port > 65_535) {
    throw new UsageError(`--listen must be host:port, such as 0.0.0.0:9464; found "${listen}".`, {
      option: "listen",
    });
  }
  return { everyMs, listen: { host: match.groups["host"] ?? "127.0.0.1", port } };
}

/** A count option of plan, verify and status: a whole number from 0 up to a million. */
function wholeNumber(args: Flags, option: "limit" | "sample" | "runs", fallback: number, of: string): number {
  const value = args[option];
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed > 1_000_000) {
    throw new UsageError(
      `--${option} must be a whole number of ${of}, 0 or more; found "${String(value)}".`,
      {
        option,
      },
    );
  }
  return parsed;
}

function stateFlags(args: Flags): StateFlags {
  const runs = wholeNumber(args, "runs", 3, "runs");
  const to = args["to"];
  if (to !== undefined && typeof to !== "string") {
    throw new UsageError("--to takes one time; give it once.", { option: "to" });
  }
  return { ...(to === undefined ? {} : { to }), yes: args["yes"] === true, runs };
}

const LETTER_HELP: Readonly<Record<LetterAction, string>> = {
  list: "List the configuration's dead letters: the records that wait to be fixed and replayed",
  show: "Print one dead letter, with the record as it was read (a record over 256 KiB without its largest fields, named in recordCut)",
  replay:
    "Read each letter's record again at its source and sync it; a record that still fails stays, with its new reason",
  purge: "Delete dead letters for good (with --yes): named ones with --letter, or --all",
};

/** The subcommands of `synced dead-letters`, each with the run options that find the configuration. */
function addLetterCommands<T>(cli: Argv<T>, handlers: CliHandlers): Argv<T> {
  for (const action of LETTER_ACTIONS) {
    cli.command(
      action === "show" ? "show <letter>" : action,
      LETTER_HELP[action],
      (command) =>
        addRunOptions(command)
          .option("letter", {
            describe:
              action === "show"
                ? "The letter's id"
                : "Only this letter (repeat for more); ids come from the list",
            group: "Dead letters:",
            type: "string",
            array: action !== "show",
          })
          .option("limit", {
            describe: "At most this many letters are printed [default: 100]",
            group: "Dead letters:",
            requiresArg: true,
          })
          .option("all", {
            describe: "purge: every letter of the configuration",
            group: "Dead letters:",
            type: "boolean",
          })
          .option("yes", {
            describe: "purge: confirm the deletion",
            group: "Dead letters:",
            type: "boolean",
          }),
      (args) => handlers.deadLetters?.(action, args, letterFlags(args)),
    );
  }
  return cli.demandCommand(1, "Name what to do with the dead letters: list, show, replay or purge");
}

function letterFlags(args: Flags): LetterFlags {
  const letter = args["letter"];
  const letters = (Array.isArray(letter) ? letter : letter === undefined ? [] : [letter]).map(String);
  const limit = args["limit"];
  const parsed = limit === undefined ? 100 : Number(limit);
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new UsageError(`--limit must be a whole number of letters, 1 or more; found "${String(limit)}".`, {
      option: "limit",
    });
  }
  return { letters, all: args["all"] === true, yes: args["yes"] === true, limit: parsed };
}

function helpText(spec: OptionSpec): string {
  const required = spec.required === true ? " Required." : "";
  const fallback = spec.default === undefined ? "" : ` [default: ${spec.default}]`;
  return `${spec.describe}.${required} [env: ${spec.env}]${fallback}`;
}

/** Declares every run option on `cli`; `plan`, `verify` and `watch` take the same options. */
export function addRunOptions<T>(cli: Argv<T>): Argv<T> {
  for (const spec of OPTION_SPECS) {
    cli.option(spec.flag, {
      describe: helpText(spec),
      group: `${spec.group}:`,
      ...(spec.alias === undefined ? {} : { alias: spec.alias }),
      // No `string` type: with number parsing off every value stays text, and help stays uncluttered.
      ...(spec.kind === "boolean" ? { type: "boolean" as const } : { requiresArg: true }),
    });
  }
  return cli;
}

/**
 * The synced command line over `argv` (without node and the script: use hideBin), with `run` as the
 * default command. Other subcommands are added with `.command()` before `.parseAsync()`. Bad flags
 * make parsing throw a UsageError; errors thrown by handlers pass through unchanged.
 */
export function buildCli(argv: readonly string[], handlers: CliHandlers): Argv {
  const cli = yargs(normalizeSwitchValues(argv, SUBCOMMAND_SWITCHES));
  return (
    cli
      .scriptName("synced")
      .parserConfiguration({
        // Keeps `-b 1420070400.123456789` exact: a number would lose the last digits.
        "parse-numbers": false,
        "parse-positional-numbers": false,
        "dot-notation": false,
        "camel-case-expansion": false,
      })
      .strict()
      .exitProcess(false)
      .fail((message: string | undefined, error: Error | undefined) => {
        if (error instanceof SyncedError) throw error;
        if (error !== undefined && error.name !== "YError") throw error;
        throw usageError(message ?? error?.message ?? "invalid command line", argv, error);
      })
      .command(
        ["run", "$0"],
        "Reconcile the keyspace's tables with the Elasticsearch indices over [begin, end), then save the checkpoint",
        (command) => addRunOptions(command),
        (args) => handlers.run(args),
      )
      .command(
        "plan",
        "Show what a run would write, per table and direction, with a sample of decisions and both sides' values; writes nothing",
        (command) =>
          addRunOptions(command).option("sample", {
            describe: "Decisions shown per table, direction and reason [default: 5]",
            group: "Plan:",
            requiresArg: true,
          }),
        (args) => handlers.plan?.(args, wholeNumber(args, "sample", 5, "decisions")),
      )
      .command(
        "watch",
        "Run again and again, --every apart, as a long-running process serving /metrics and /healthz; SIGTERM stops it",
        (command) =>
          addRunOptions(command)
            .option("every", {
              describe: "Time from the end of one run to the start of the next, such as 5m. Required",
              group: "Watch:",
              requiresArg: true,
            })
            .option("listen", {
              describe: "host:port for /metrics and /healthz [default: 127.0.0.1:9464]",
              group: "Watch:",
              requiresArg: true,
            }),
        (args) => handlers.watch?.(args, watchFlags(args)),
      )
      .command(
        "verify",
        "Compare both sides over a range (everything unless -b/-e): per table and side, records equal, missing, older or newer on the other; exits 7 when they differ",
        (command) =>
          addRunOptions(command).option("limit", {
            describe: "Differing ids listed per table and side [default: 20]",
            group: "Verify:",
            requiresArg: true,
          }),
        (args) => handlers.verify?.(args, wholeNumber(args, "limit", 20, "ids")),
      )
      .command(
        "status",
        "Show the checkpoint, lease and recent runs of every configuration in the state store (--state); creates nothing, and exits 2 where no run made one",
        (command) =>
          addRunOptions(command).option("runs", {
            describe: "Recent runs shown per configuration [default: 3]",
            group: "State:",
            requiresArg: true,
          }),
        (args) => handlers.status?.(args, stateFlags(args)),
      )
      .command(
        "state",
        "Move (set) or clear (reset) the checkpoint of a configuration (see synced state --help)",
        (command) => addStateCommands(command, handlers),
      )
      .command(
        "dead-letters",
        "List, show, replay or purge the records a run could not sync (see synced dead-letters --help)",
        (command) => addLetterCommands(command, handlers),
      )
      .epilogue(HELP_EPILOGUE)
      .help()
      .alias("help", "h")
      // Piped help (no terminal width) stays unwrapped, so each option is one line for grep.
      .wrap(Number.isFinite(cli.terminalWidth()) ? Math.min(120, cli.terminalWidth()) : null)
  );
}

/** The switches that subcommands add to the run options. */
const SUBCOMMAND_SWITCHES = ["yes", "all"];
const NAMES = OPTION_SPECS.flatMap((spec) => [spec.flag, ...(spec.alias === undefined ? [] : [spec.alias])]);
const HINT = "Run synced --help to see every option.";
const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  state: STATE_ACTIONS,
  "dead-letters": LETTER_ACTIONS,
};

/** Words that take no value, beside the run options' switches. */
const VALUELESS = [...SUBCOMMAND_SWITCHES, "help", "h", "version"];

function usageError(message: string, argv: readonly string[], cause: Error | undefined): UsageError {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  const wrongWord = unknown === null ? undefined : unknownCommand(argv, VALUELESS, ACTIONS);
  if (wrongWord !== undefined) return new UsageError(`${wrongWord} ${HINT}`, {}, { cause });
  const [command, action] = positionals(argv, VALUELESS);
  if (
    message.startsWith("Not enough non-option arguments") &&
    command === "dead-letters" &&
    action === "show"
  ) {
    return new UsageError(
      "synced dead-letters show needs the id of a letter: synced dead-letters show <letter>, with the " +
        "options of its configuration. `synced dead-letters list` with the same options prints the ids.",
      { argument: "letter" },
      { cause },
    );
  }
  if (unknown !== null) {
    const names = (unknown[1] ?? "").split(", ");
    const parts = names.map((name) => describeUnknown(name, argv));
    return new UsageError(`${parts.join(" ")} ${HINT}`, { arguments: names }, { cause });
  }
  const noValue = /^Not enough arguments following: (.*)$/.exec(message);
  if (noValue !== null) {
    const name = noValue[1] ?? "";
    const spec = OPTION_SPECS.find((s) => s.flag === name || s.alias === name);
    const flag = spec === undefined ? dashed(name) : `--${spec.flag}`;
    return new UsageError(`${flag} needs a value. ${HINT}`, { option: spec?.flag ?? name }, { cause });
  }
  return new UsageError(`${message}. ${HINT}`, {}, { cause });
}

function describeUnknown(name: string, argv: readonly string[]): string {
  const given = argv.some((token) => {
    const bare = token.replace(/^-+/, "").split("=")[0];
    return token.startsWith("-") && (bare === name || bare === `no-${name}`);
  });
  if (!given) {
    const after = argv[argv.indexOf(name) - 1] ?? "";
    const option = switchOf(after, SUBCOMMAND_SWITCHES);
    if (option !== undefined) {
      return `Unexpected argument "${name}" after ${after}, which takes no value: give ${after} alone, or write --${option}=false.`;
    }
    return `Unexpected argument "${name}": synced takes options only, such as -k app -i app.`;
  }
  // An option of the run can be unknown where it does not belong; suggesting it back would confuse.
  const found = didYouMean(name, NAMES);
  const guess = found === name ? undefined : found;
  return `Unknown option ${dashed(name)}${guess === undefined ? "" : ` (did you mean ${dashed(guess)}?)`}.`;
}

function dashed(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}
