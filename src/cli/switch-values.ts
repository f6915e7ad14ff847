// A switch written with a value (`--json=maybe`): yargs reads anything but "true" as false, so a
// typo would silently turn the switch off. The words the environment takes for a switch are read the
// same way here, and anything else is refused before yargs sees it. A value comes only after "=": a
// word after a space is never taken for one.
import { ConfigError } from "../core/errors.js";
import { OPTION_SPECS } from "../config/option-specs.js";
import { booleanWord } from "../config/values.js";

/** Long names and one-letter aliases of the run options' switches, to their option name. */
const RUN_SWITCHES = new Map<string, string>(
  OPTION_SPECS.filter((spec) => spec.kind === "boolean").flatMap((spec) => [
    [spec.flag, spec.flag],
    ...(spec.alias === undefined ? [] : [[spec.alias, spec.flag] as [string, string]]),
  ]),
);

/** The option name of `token` when it is a switch written without a value (`--json`, `-q`, `--no-json`). */
export function switchOf(token: string, extra: readonly string[]): string | undefined {
  const name = /^--?(?:no-)?([A-Za-z][\w-]*)$/.exec(token)?.[1];
  if (name === undefined) return undefined;
  return RUN_SWITCHES.get(name) ?? (extra.includes(name) ? name : undefined);
}

/**
 * A switch followed by a word that reads as a boolean (`--dry-run false`): yargs took "true" and
 * "false" there as the switch's value but left "no" as a stray word, so one spelling turned the switch
 * off and the other was refused. A switch takes a value only after "=", so both are refused alike.
 */
function refuseSpacedValue(token: string, next: string | undefined, extra: readonly string[]): void {
  const option = switchOf(token, extra);
  if (option === undefined || next === undefined || booleanWord(next) === undefined) return;
  throw new ConfigError(
    option,
    { kind: "flag", flag: token },
    `"${next}" after a space is not its value: a switch is on given alone (--${option}) and off with ` +
      `--no-${option}; to give it a value, write it after "=", as --${option}=false or --${option}=true ` +
      "(true/false, yes/no, on/off or 1/0).",
  );
}

/**
 * `argv` with each `--switch=<word>` written as `--switch=true` or `--switch=false`; a ConfigError for
 * a value that is not a boolean. `extra` names the switches of subcommands (`--yes`, `--all`).
 */
export function normalizeSwitchValues(argv: readonly string[], extra: readonly string[]): string[] {
  const out: string[] = [];
  for (const [at, token] of argv.entries()) {
    if (token === "--") return [...out, ...argv.slice(at)];
    refuseSpacedValue(token, argv[at + 1], extra);
    const match = /^(--?)(no-)?([A-Za-z][\w-]*)=(.*)$/s.exec(token);
    const [, dashes = "", negated, name = "", value = ""] = match ?? [];
    const option = RUN_SWITCHES.get(name) ?? (extra.includes(name) ? name : undefined);
    if (match === null || option === undefined) {
      out.push(token);
      continue;
    }
    const source = { kind: "flag", flag: `${dashes}${negated ?? ""}${name}` } as const;
    if (negated !== undefined) {
      throw new ConfigError(
        option,
        source,
        `--no-${option} takes no value; write --no-${option}, or --${option}=false.`,
      );
    }
    const word = booleanWord(value);
    if (word === undefined) {
      throw new ConfigError(
        option,
        source,
        `"${value}" is not true or false; give ${dashes}${name} alone for true or --no-${option} for false, ` +
          `or write --${option}=true or --${option}=false.`,
      );
    }
    out.push(`${dashes}${name}=${String(word)}`);
  }
  return out;
}
