// One hierarchy for every failure synced reports. Each error carries its kind, which the entry point
// maps to a documented exit code, and `details`, which logs and the JSON summary print as fields, so
// nobody has to parse messages. Anything thrown that is not a SyncedError is a bug in synced.

/**
 * What went wrong, as far as the caller of synced is concerned; each kind has its own exit code.
 * - failed: the run could not finish; the checkpoint did not move.
 * - usage: bad flags, environment, config file or state location; nothing was done.
 * - unreachable: a store could not be reached, or refused the credentials or a privilege.
 * - lease-held: another run of the configuration holds the lease; nothing was done.
 * - circuit-open: more records failed than the error budget allows.
 * - interrupted: stopped by a signal.
 */
export type FailureKind = "failed" | "usage" | "unreachable" | "lease-held" | "circuit-open" | "interrupted";

/** The root of synced's errors. The message says what went wrong and what to do next. */
export class SyncedError extends Error {
  readonly kind: FailureKind = "failed";
  /** Structured context: table, id, index, host, option... Never a secret. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = details;
  }

  /** JSON.stringify drops an Error's own message and cause; logs need both. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? this.cause.message : this.cause;
    return { name: this.name, kind: this.kind, message: this.message, details: this.details, cause };
  }
}

/** Where an option's value came from, to tell the user which of the four places to fix. */
export type OptionSource =
  | { readonly kind: "flag"; readonly flag: string }
  | { readonly kind: "env"; readonly variable: string }
  | { readonly kind: "file"; readonly path: string; readonly key: string }
  | { readonly kind: "default" };

export function describeSource(source: OptionSource): string {
  switch (source.kind) {
    case "flag":
      return `flag ${source.flag}`;
    case "env":
      return `environment variable ${source.variable}`;
    case "file":
      return `config file ${source.path}, key ${source.key}`;
    case "default":
      return "default value";
  }
}

export function flagSource(option: string): OptionSource {
  return { kind: "flag", flag: `--${option}` };
}

/** An option with a bad or missing value, or options that contradict each other. */
export class ConfigError extends SyncedError {
  override readonly kind = "usage";
  /** The option's flag name without dashes, e.g. `batch-size`. */
  readonly option: string;

  constructor(
    option: string,
    source: OptionSource | undefined,
    problem: string,
    extra: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    const where = source === undefined ? undefined : describeSource(source);
    super(
      where === undefined || beginsWithFlag(problem, source) ? problem : `${where}: ${problem}`,
      { option, ...(where === undefined ? {} : { source: where }), ...extra.details },
      "cause" in extra ? { cause: extra.cause } : undefined,
    );
    this.option = option;
  }
}

/**
 * Whether `problem` opens with the very flag `source` names ("--tables names what does not exist"):
 * "flag --tables: " before it would name the option twice. A value from the environment or a config
 * file keeps the prefix, which says where it was given.
 */
function beginsWithFlag(problem: string, source: OptionSource | undefined): boolean {
  if (source?.kind !== "flag" || !problem.startsWith(source.flag)) return false;
  const next = problem.charAt(source.flag.length);
  return next === "" || !/[\w=-]/.test(next);
}

/** The command line itself is malformed: an unknown flag, a missing value, a stray argument. */
export class UsageError extends SyncedError {
  override readonly kind = "usage";
}
