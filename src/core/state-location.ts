// Where the state lives, as the user writes it in --state. Parsed here, beside the naming rules, so
// that the option layer and the state backends read it the same way.
import { join } from "node:path";
import { ConfigError, flagSource, type OptionSource } from "./errors.js";
import { CQL_NAME_RULE, cqlNameProblem, indexNameProblem } from "./names.js";

export type StateLocation =
  | { readonly backend: "file"; readonly directory: string }
  | { readonly backend: "cassandra"; readonly keyspace: string; readonly table: string }
  | { readonly backend: "elasticsearch"; readonly index: string };

/** Relative to the working directory. */
export const DEFAULT_STATE_DIRECTORY = "state";

const FORMS = "a directory, cassandra:<keyspace>.<table>, or elasticsearch:<index> (es:<index>)";
const DEAD_LETTER_FORMS = "a file, cassandra:<keyspace>.<table>, or elasticsearch:<index> (es:<index>)";

/**
 * Reads `cassandra:<keyspace>.<table>`, `elasticsearch:<index>` or `es:<index>`, and otherwise a
 * directory, optionally written `file:<directory>`. A one-letter prefix is a Windows drive, and a
 * directory whose name looks like a prefix can be written `./name:...`. A bad location is a
 * ConfigError of the `state` option. `--dead-letter` takes the same forms, with a file for a directory.
 */
export function parseStateLocation(
  text: string,
  source: OptionSource = flagSource("state"),
  option: "state" | "dead-letter" = "state",
): StateLocation {
  const noun = option === "state" ? "state" : "dead-letter";
  const fail = (problem: string): ConfigError =>
    new ConfigError(
      option,
      source,
      `the ${noun} location '${text}' cannot be used: ${problem}. Give ${option === "state" ? FORMS : DEAD_LETTER_FORMS}.`,
      {
        details: { location: text, problem },
      },
    );
  if (text.trim() === "") throw fail("it is empty");
  const match = /^(?<scheme>[A-Za-z][A-Za-z0-9+.-]+):(?<rest>.*)$/s.exec(text);
  if (!match?.groups) return { backend: "file", directory: text };
  const scheme = (match.groups["scheme"] ?? "").toLowerCase();
  const rest = match.groups["rest"] ?? "";
  switch (scheme) {
    case "file":
      if (rest === "") throw fail(`it names no ${option === "state" ? "directory" : "file"}`);
      return { backend: "file", directory: rest };
    case "cassandra": {
      const parts = rest.split(".");
      if (parts.length !== 2) throw fail("a Cassandra location is cassandra:<keyspace>.<table>");
      const [keyspace = "", table = ""] = parts;
      for (const [what, name] of [
        ["keyspace", keyspace],
        ["table", table],
      ] as const) {
        const problem = cqlNameProblem(name);
        if (problem !== undefined) {
          throw fail(`'${name}' is not usable as the ${noun} ${what} (${problem}; use ${CQL_NAME_RULE})`);
        }
      }
      return { backend: "cassandra", keyspace, table };
    }
    case "elasticsearch":
    case "es": {
      const problem = indexNameProblem(rest);
      if (problem !== undefined) throw fail(`'${rest}' is not usable as the ${noun} index (${problem})`);
      return { backend: "elasticsearch", index: rest };
    }
    default:
      throw fail(`'${scheme}:' is not a kind of ${noun} store`);
  }
}

/** Where dead letters live: `--dead-letter` takes the forms of `--state`, with a file for a directory. */
export type DeadLetterLocation =
  | { readonly backend: "file"; readonly path: string }
  | { readonly backend: "cassandra"; readonly keyspace: string; readonly table: string }
  | { readonly backend: "elasticsearch"; readonly index: string };

export function parseDeadLetterLocation(
  text: string,
  source: OptionSource = flagSource("dead-letter"),
): DeadLetterLocation {
  const parsed = parseStateLocation(text, source, "dead-letter");
  return parsed.backend === "file" ? { backend: "file", path: parsed.directory } : parsed;
}

/** Beside the state: `<key>.dead-letters.ndjson` in its directory, `<table>_dead_letters`, `<index>-dead-letters`. */
export function defaultDeadLetterLocation(state: StateLocation, key: string): DeadLetterLocation {
  switch (state.backend) {
    case "file":
      return { backend: "file", path: join(state.directory, `${key}.dead-letters.ndjson`) };
    case "cassandra":
      return { backend: "cassandra", keyspace: state.keyspace, table: `${state.table}_dead_letters` };
    case "elasticsearch":
      return { backend: "elasticsearch", index: `${state.index}-dead-letters` };
  }
}

export function formatDeadLetterLocation(location: DeadLetterLocation): string {
  return location.backend === "file" ? location.path : formatStateLocation(location);
}

export function formatStateLocation(location: StateLocation): string {
  switch (location.backend) {
    case "file":
      return location.directory;
    case "cassandra":
      return `cassandra:${location.keyspace}.${location.table}`;
    case "elasticsearch":
      return `elasticsearch:${location.index}`;
  }
}
