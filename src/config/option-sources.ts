// Where each option the user set came from, kept past start-up: some mistakes show only once synced
// has connected (a --tables name that is no table, a consistency level the keyspace cannot meet), and
// the engine and the stores that find them know the option but not where its value was given.
import { ConfigError } from "../core/errors.js";
import type { Layers } from "./layers.js";
import { OPTION_SPECS } from "./option-specs.js";
import type { OptionSources } from "./options.js";

export function optionSources(layers: Layers): OptionSources {
  return Object.fromEntries(
    OPTION_SPECS.flatMap((spec) => {
      const found = layers.find(spec.flag);
      return found === undefined ? [] : [[spec.flag, found.source]];
    }),
  );
}

/**
 * `error` told where its option's value came from, when it is a ConfigError that does not say and
 * the user set that option; anything else unchanged.
 */
export function withOptionSource<E>(error: E, sources: OptionSources | undefined): E | ConfigError {
  if (!(error instanceof ConfigError) || error.details["source"] !== undefined) return error;
  const source = sources?.[error.option];
  if (source === undefined) return error;
  return new ConfigError(error.option, source, error.message, {
    details: { ...error.details },
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
}
