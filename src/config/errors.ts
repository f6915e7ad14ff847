// One hierarchy for every failure synced reports, so the entry point can map any of them to an exit
// code and print `details` as fields: logs and the JSON summary should not have to parse messages.

/** The root of synced's errors. The message says what went wrong and what to do next. */
export class SyncedError extends Error {
  /** Structured context: table, id, index, host, option... Never a secret. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }

  /** JSON.stringify drops an Error's own message and cause; logs need both. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? this.cause.message : this.cause;
    return { name: this.name, message: this.message, details: this.details, cause };
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
      where === undefined ? problem : `${where}: ${problem}`,
      { option, ...(where === undefined ? {} : { source: where }), ...extra.details },
      "cause" in extra ? { cause: extra.cause } : undefined,
    );
    this.option = option;
  }
}

/** The command line itself is malformed: an unknown flag, a missing value, a stray argument. */
export class UsageError extends SyncedError {}
