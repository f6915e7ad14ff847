// Where a password or API key was read from, kept beside it so that a store that refuses it can say
// which of the four places to fix; never the secret itself.
import { describeSource, type OptionSource } from "./errors.js";

export interface SecretOrigin {
  /** The option that gave it: the secret's own option, or its -file option. */
  readonly source: OptionSource;
  /** The file it was read from, when the -file option gave it. */
  readonly file?: string;
}

/**
 * `the password from environment variable SYNCED_ES_PASSWORD`, or
 * `the API key in the file /run/key (flag --es-api-key-file)`.
 */
export function describeSecret(what: "password" | "API key", origin: SecretOrigin): string {
  const where = describeSource(origin.source);
  return origin.file === undefined
    ? `the ${what} from ${where}`
    : `the ${what} in the file ${origin.file} (${where})`;
}
