// A state or dead-letter location that cannot be used is a usage error (exit 2) of the option that
// named it, with where its value came from: --state, or --dead-letter for letters when it is set.
// Commands that look at state or letters create nothing, so where no run made the store they say so
// rather than create an empty one and report it empty.
import type { SyncOptions } from "../config/options.js";
import { ConfigError } from "../core/errors.js";
import { resolve } from "node:path";
import { keyPlaceProblem } from "../state/file/file-key-place.js";
import { NoStateError, StateSetupError } from "../state/state-errors.js";

/** `work`'s result; a NoStateError or StateSetupError becomes a ConfigError of the location's option. */
export async function namingTheLocation<T>(
  options: SyncOptions,
  what: "state" | "dead letters",
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof NoStateError || error instanceof StateSetupError)) throw error;
    const option = what === "dead letters" && options.deadLetter !== undefined ? "dead-letter" : "state";
    // A location the user did not set is --state's default.
    const source = options.sources?.[option] ?? { kind: "default" };
    const beside =
      option === "state" && what === "dead letters"
        ? " (dead letters live beside the state unless --dead-letter says otherwise)"
        : "";
    // A run makes the state's tables, never their keyspace.
    const next =
      error instanceof NoStateError && !error.runMakesIt
        ? ", or create the keyspace with the replication your cluster needs: a run then creates the store in it."
        : ": a run creates the store there, and this command does not.";
    const problem =
      error instanceof NoStateError
        ? `${error.message}; nothing was created. Check --${option}${beside}${next}`
        : error.message;
    throw new ConfigError(option, source, problem, { cause: error });
  }
}

/**
 * Refuses, before anything connects, a state name whose place in a state directory is taken by a file
 * (another configuration's letters, say): a usage error of --name, or of --state for a derived name.
 */
export async function refuseKeyPlace(options: SyncOptions, key: string): Promise<void> {
  if (options.state.backend !== "file") return;
  const root = resolve(options.state.directory);
  const problem = await keyPlaceProblem(root, key);
  if (problem === undefined) return;
  const option = options.name === undefined ? "state" : "name";
  throw new ConfigError(
    option,
    options.sources?.[option] ?? { kind: "default" },
    `the state name '${key}' cannot be used in the state directory ${root}: ${problem}; choose another --name`,
  );
}
