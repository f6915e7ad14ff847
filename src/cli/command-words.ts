// Which words of a command line name a command or an action. yargs reports a mistyped action
// (state followed by a word that is no action, then -k app) as unknown arguments, the action's own
// options among them, so the message would blame -k; naming the word that is no command says what
// is really wrong.
import { nearNames } from "../core/did-you-mean.js";
import { switchOf } from "./switch-values.js";

export const COMMANDS = ["run", "plan", "watch", "verify", "status", "state", "dead-letters"] as const;

/** The words of `argv` that are neither options nor an option's value; `switches` take no value. */
export function positionals(argv: readonly string[], switches: readonly string[]): string[] {
  const words: string[] = [];
  for (let at = 0; at < argv.length; at++) {
    const token = argv[at] ?? "";
    if (token === "--") break;
    if (!token.startsWith("-") || token === "-") words.push(token);
    // A bundle of one-letter switches (-qv) takes no value either.
    else if (!token.includes("=") && switchOf(token, switches) === undefined && !/^-[a-z]{2,}$/i.test(token))
      at++;
  }
  return words;
}

/**
 * The message for a first word that is no command, or an action that `state` or `dead-letters` does
 * not have; undefined when the command words are right. A word after options (`-k app stray`) is a
 * stray argument rather than a command, and left to the caller.
 */
export function unknownCommand(
  argv: readonly string[],
  switches: readonly string[],
  actions: Readonly<Record<string, readonly string[]>>,
): string | undefined {
  const [first, second] = positionals(argv, switches);
  if (first === undefined) return undefined;
  if (!(COMMANDS as readonly string[]).includes(first)) {
    if (argv[0] !== first) return undefined;
    return (
      `Unknown command "${first}": the commands are ${wordList(COMMANDS, "and")}, and run is the default.` +
      suggestion(first, COMMANDS)
    );
  }
  const known = actions[first];
  if (known === undefined || second === undefined || known.includes(second)) return undefined;
  return (
    `Unknown command "synced ${first} ${second}": synced ${first} takes ${wordList(known, "or")}.` +
    suggestion(second, known)
  );
}

function suggestion(word: string, candidates: readonly string[]): string {
  const near = nearNames(word, candidates, 2);
  return near.length === 0 ? "" : ` Did you mean ${near.join(" or ")}?`;
}

function wordList(words: readonly string[], conjunction: "and" | "or"): string {
  if (words.length < 2) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words.at(-1) ?? ""}`;
}
