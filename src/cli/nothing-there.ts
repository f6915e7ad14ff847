// Commands that look at state or dead letters create nothing: where a run never made the store, they
// say so as a usage error (exit 2) of the option that named the location, with where its value came
// from, rather than create an empty store and report it empty.
import type { SyncOptions } from "../config/options.js";
import { ConfigError } from "../core/errors.js";
import { NoStateError } from "../state/state-errors.js";

/** `work`'s result; a NoStateError becomes a ConfigError of --state, or of --dead-letter when set. */
export async function nothingCreated<T>(
  options: SyncOptions,
  what: "state" | "dead letters",
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof NoStateError)) throw error;
    const option = what === "dead letters" && options.deadLetter !== undefined ? "dead-letter" : "state";
    const source = option === "state" ? options.locationSources.state : options.locationSources.deadLetter;
    const beside =
      option === "state" && what === "dead letters"
        ? " (dead letters live beside the state unless --dead-letter says otherwise)"
        : "";
    throw new ConfigError(
      option,
      source,
      `${error.message}; nothing was created. Check --${option}${beside}: a run creates the store there, ` +
        "and this command does not.",
      { cause: error },
    );
  }
}
