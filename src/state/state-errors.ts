// Plain Error subclasses with a `details` object, so that they can later be re-parented under the
// project's common error base without changing what callers read from them.

export type StateErrorDetails = Readonly<Record<string, unknown>>;

/** Anything that went wrong reading or writing the state store. The message says what to do next. */
export class StateError extends Error {
  override readonly name: string = "StateError";
  readonly details: StateErrorDetails;

  constructor(message: string, details: StateErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = details;
  }
}

/** A stored checkpoint, lease or run record could not be read back as valid state. */
export class CorruptStateError extends StateError {
  override readonly name: string = "CorruptStateError";

  constructor(
    readonly location: string,
    problem: string,
    remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt state in ${location}: ${problem}. ${remedy}`, { location, problem }, options);
  }
}

/** The lease is no longer held by the caller: it was released, or taken over after it expired. */
export class LeaseLostError extends StateError {
  override readonly name: string = "LeaseLostError";

  constructor(key: string, owner: string, currentOwner: string | undefined) {
    const now = currentOwner === undefined ? "nobody holds it now" : `run ${currentOwner} holds it now`;
    super(
      `the lease on state key '${key}' is no longer held by run ${owner}: ${now}. ` +
        "Stop this run without moving the checkpoint; renew leases well before they expire.",
      { key, owner, currentOwner },
    );
  }
}

/** Runs one store operation, turning a driver or file-system error into a `StateError` that says where. */
export async function inStateStore<T>(action: string, location: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StateError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StateError(
      `could not ${action} in the state store (${location}): ${reason}. ` +
        "Check that the state store is reachable and writable, or choose another state location.",
      { action, location },
      { cause: error },
    );
  }
}
