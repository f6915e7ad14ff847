// The command line. yargs only splits argv and checks option names: it applies no defaults and reads
// no environment, because loadConfig alone merges flags, SYNCED_* variables, the file and defaults,
// and a yargs default would hide a value from the file.
import yargs from "yargs";
import type { Argv } from "yargs";
import { didYouMean } from "../core/did-you-mean.js";
import { SyncedError, UsageError } from "../core/errors.js";
import type { Flags } from "../config/layers.js";
import {
  COMMAND_OPTION_SPECS,
  COMMAND_RANGE_DESCRIPTIONS,
  commandOptionSpecs,
  OPTION_SPECS,
  type CommandOptionSpec,
  type CommandPath,
  type OptionSpec,
} from "../config/option-specs.js";
import {
  count,
  LETTER_ACTIONS,
  letterFlags,
  STATE_ACTIONS,
  stateFlags,
  verifyFlags,
  watchFlags,
  type LetterAction,
  type LetterFlags,
  type StateAction,
  type StateFlags,
  type VerifyFlags,
  type WatchFlags,
} from "./command-flags.js";
import { COMMANDS, unknownCommand, positionals } from "./command-words.js";
import { HELP_EPILOGUE } from "./help-text.js";
import { normalizeSwitchValues, switchOf } from "./switch-values.js";

export interface CliHandlers {
  /** Called with the parsed flags of `synced [run]`; pass them to loadConfig. */
  readonly run: (flags: Flags) => void | Promise<void>;
  /** Called with the parsed flags of `synced dead-letters <action>`; absent: the command is unknown. */
  readonly deadLetters?: (action: LetterAction, flags: Flags, letters: LetterFlags) => void | Promise<void>;
  /** `synced status`: -k and -i are not needed, since it reads every configuration of the store. */
  readonly status?: (flags: Flags, state: StateFlags) => void | Promise<void>;
  /** `synced plan`, with how many decisions to show per table, direction and reason. */
  readonly plan?: (flags: Flags, sample: number) => void | Promise<void>;
  /** `synced verify`, with how many differing ids to list per table and side, and whether to repair. */
  readonly verify?: (flags: Flags, verify: VerifyFlags) => void | Promise<void>;
  /** `synced watch`: the run again and again, `everyMs` apart, serving /metrics, /healthz and /livez. */
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
      (command) => addCommandOptions(addRunOptions(command), action === "set" ? "state set" : "state"),
      (args) => handlers.state?.(action, args, stateFlags(args)),
    );
  }
  return cli.demandCommand(1, "Name what to do with the checkpoint: set or reset");
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
    const show = action === "show";
    cli.command(
      show ? "show <letter>" : action,
      LETTER_HELP[action],
      (command) => addCommandOptions(addRunOptions(command), `dead-letters ${action}`),
      (args) => handlers.deadLetters?.(action, args, letterFlags(action, args)),
    );
  }
  return cli.demandCommand(1, "Name what to do with the dead letters: list, show, replay or purge");
}

/** `own`: the command's description of the option, in place of the run's. */
function helpText(spec: OptionSpec, own?: string): string {
  const describe = own ?? spec.describe;
  const required = spec.required === true && own === undefined ? " Required." : "";
  const fallback = spec.default === undefined ? "" : ` [default: ${spec.default}]`;
  return `${describe}.${required} [env: ${spec.env}]${fallback}`;
}

function commandHelpText(spec: CommandOptionSpec): string {
  const required = spec.required === true ? ". Required" : "";
  const fallback = spec.default === undefined ? "" : ` [default: ${spec.default}]`;
  return `${spec.describe}${required}${fallback}`;
}

/** Declares the options `path` takes beside the run options, from the option table. */
function addCommandOptions<T>(cli: Argv<T>, path: CommandPath): Argv<T> {
  for (const spec of commandOptionSpecs(path)) {
    cli.option(spec.flag, {
      describe: commandHelpText(spec),
      group: `${spec.group}:`,
      // Every value stays text, as the run options' do; each kind is read in command-flags.ts.
      ...(spec.kind === "boolean"
        ? { type: "boolean" as const }
        : spec.kind === "list"
          ? { type: "string" as const, array: true }
          : { requiresArg: true }),
    });
  }
  return cli;
}

/**
 * Declares every run option on `cli`; `plan`, `verify` and `watch` take the same options, described
 * as `command` takes them where its range is not a run's.
 */
export function addRunOptions<T>(cli: Argv<T>, command?: string): Argv<T> {
  const own = command === undefined ? undefined : COMMAND_RANGE_DESCRIPTIONS[command];
  for (const spec of OPTION_SPECS) {
    cli.option(spec.flag, {
      describe: helpText(spec, own?.[spec.flag]),
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
        (command) => addCommandOptions(addRunOptions(command), "plan"),
        (args) => handlers.plan?.(args, count(args, "plan", "sample")),
      )
      .command(
        "watch",
        "Run again and again, --every apart, as a long-running process serving /metrics, /healthz and /livez; SIGTERM stops it",
        (command) => addCommandOptions(addRunOptions(command, "watch"), "watch"),
        (args) => handlers.watch?.(args, watchFlags(args)),
      )
      .command(
        "verify",
        "Compare both sides over a range (everything unless -b/-e): per table and side, records equal, missing, older or newer on the other; exits 7 when they differ. --repair writes the winning copies as a run would",
        (command) => addCommandOptions(addRunOptions(command, "verify"), "verify"),
        (args) => handlers.verify?.(args, verifyFlags(args)),
      )
      .command(
        "status",
        "Show the checkpoint, lease and recent runs of every configuration in the state store (--state); creates nothing, and exits 2 where no run made one",
        (command) => addCommandOptions(addRunOptions(command, "status"), "status"),
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
const SUBCOMMAND_SWITCHES = [
  ...new Set(COMMAND_OPTION_SPECS.filter((spec) => spec.kind === "boolean").map((spec) => spec.flag)),
];
const NAMES = OPTION_SPECS.flatMap((spec) => [spec.flag, ...(spec.alias === undefined ? [] : [spec.alias])]);
const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  state: STATE_ACTIONS,
  "dead-letters": LETTER_ACTIONS,
};

/** Words that take no value, beside the run options' switches. */
const VALUELESS = [...SUBCOMMAND_SWITCHES, "help", "h", "version"];

/** Where the options of the command on `argv` are listed: each command's help lists its own. */
function helpHint(argv: readonly string[]): string {
  const [command, action] = positionals(argv, VALUELESS);
  const words: string[] = [];
  if (command !== undefined && command !== "run" && (COMMANDS as readonly string[]).includes(command)) {
    words.push(command);
    if (action !== undefined && ACTIONS[command]?.includes(action) === true) words.push(action);
  }
  return `Run ${["synced", ...words, "--help"].join(" ")} to see every option.`;
}

function usageError(message: string, argv: readonly string[], cause: Error | undefined): UsageError {
  const hint = helpHint(argv);
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  const wrongWord = unknown === null ? undefined : unknownCommand(argv, VALUELESS, ACTIONS);
  if (wrongWord !== undefined) return new UsageError(`${wrongWord} ${hint}`, {}, { cause });
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
    return new UsageError(`${parts.join(" ")} ${hint}`, { arguments: names }, { cause });
  }
  const noValue = /^Not enough arguments following: (.*)$/.exec(message);
  if (noValue !== null) {
    const name = noValue[1] ?? "";
    const spec = OPTION_SPECS.find((s) => s.flag === name || s.alias === name);
    const flag = spec === undefined ? dashed(name) : `--${spec.flag}`;
    return new UsageError(`${flag} needs a value. ${hint}`, { option: spec?.flag ?? name }, { cause });
  }
  return new UsageError(`${message}. ${hint}`, {}, { cause });
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
