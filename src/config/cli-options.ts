// The command line. yargs only splits argv and checks option names: it applies no defaults and reads
// no environment, because loadConfig alone merges flags, SYNCED_* variables, the file and defaults,
// and a yargs default would hide a value from the file.
import yargs from "yargs";
import type { Argv } from "yargs";
import { didYouMean } from "../core/did-you-mean.js";
import { SyncedError, UsageError } from "../core/errors.js";
import { HELP_EPILOGUE } from "./help-text.js";
import type { Flags } from "./layers.js";
import { OPTION_SPECS } from "./option-specs.js";
import type { OptionSpec } from "./option-specs.js";

export interface CliHandlers {
  /** Called with the parsed flags of `synced [run]`; pass them to loadConfig. */
  readonly run: (flags: Flags) => void | Promise<void>;
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
  const cli = yargs([...argv]);
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
      .epilogue(HELP_EPILOGUE)
      .help()
      .alias("help", "h")
      // Piped help (no terminal width) stays unwrapped, so each option is one line for grep.
      .wrap(Number.isFinite(cli.terminalWidth()) ? Math.min(120, cli.terminalWidth()) : null)
  );
}

const NAMES = OPTION_SPECS.flatMap((spec) => [spec.flag, ...(spec.alias === undefined ? [] : [spec.alias])]);
const HINT = "Run synced --help to see every option.";

function usageError(message: string, argv: readonly string[], cause: Error | undefined): UsageError {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
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
  if (!given) return `Unexpected argument "${name}": synced takes options only, such as -k app -i app.`;
  const guess = didYouMean(name, NAMES);
  return `Unknown option ${dashed(name)}${guess === undefined ? "" : ` (did you mean ${dashed(guess)}?)`}.`;
}

function dashed(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}
