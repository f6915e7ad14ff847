// Failures of the state store, in synced's one error hierarchy. A store that cannot be used as
// configured (no such keyspace, a directory that cannot be written) is a usage error: nothing was
// done, and the user has to change --state or the store. Failures during a run stop it without
// moving the checkpoint.
import { SyncedError } from "../core/errors.js";
import { withTimeLimit } from "../util/time-limit.js";
import { privilegeRefusal } from "./refused-privilege.js";
import { indexBlock } from "./blocked-index.js";
import { repeatTransient } from "./repeat-transient.js";
import { FROM_PAGE, isSearchError, SearchError, withStatus } from "../stores/search/search-error.js";

/** Anything that went wrong reading or writing the state store. The message says what to do next. */
export class StateError extends SyncedError {}

/** The state location cannot be used as configured: fix it or choose another --state. */
export class StateSetupError extends StateError {
  override readonly kind = "usage";
}

/**
 * A command that only reads found nothing at the location: no directory, table or index, which only a
 * run creates. Nothing was created in its place, and the message says what is missing.
 */
export class NoStateError extends StateError {
  override readonly kind = "usage";

  /** `runMakesIt`: false where a run would refuse the location too (a keyspace it does not create). */
  constructor(
    readonly location: string,
    missing: string,
    store: "state" | "dead-letter store" = "state",
    readonly runMakesIt = true,
  ) {
    super(`there is no ${store} in ${location}: ${missing}`, { location, missing });
  }
}

/**
 * The store refused the login a privilege it needs (or the login itself) after synced connected: as
 * with the data stores, exit 5, whatever the step, since neither the location nor the state is wrong.
 */
export class StatePrivilegeError extends StateError {
  override readonly kind = "unreachable";
}

/** Other runs keep changing the lease while this one tries to take it. */
export class LeaseContendedError extends StateError {
  override readonly kind = "lease-held";
}

/** A stored checkpoint, lease or run record could not be read back as valid state. */
export class CorruptStateError extends StateError {
  constructor(
    readonly location: string,
    problem: string,
    remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt state in ${location}: ${problem}. ${remedy}`, { location, problem }, options);
  }
}

/**
 * The end of every unreadable checkpoint's remedy, after how to fix or remove it by hand: the commands
 * that place or clear it, which replace what they cannot read.
 */
export const CHECKPOINT_WAY_OUT =
  "Or place it again with synced state set --to <time> --yes and this run's options (synced status " +
  "shows where the last runs ended), or clear it with synced state reset --yes; without a checkpoint " +
  "the next run starts from --begin, or from the earliest version.";

/** The lease is no longer held by the caller: it was released, or taken over after it expired. */
export class LeaseLostError extends StateError {
  constructor(key: string, owner: string, currentOwner: string | undefined) {
    const now = currentOwner === undefined ? "nobody holds it now" : `run ${currentOwner} holds it now`;
    super(
      `the lease on state key '${key}' is no longer held by run ${owner}: ${now}. ` +
        "The run stopped without moving the checkpoint; if runs keep losing their lease, give " +
        "--lease-ttl more room.",
      { key, owner, currentOwner },
    );
  }
}

type StateErrorClass = new (
  message: string,
  details: Record<string, unknown>,
  options: { cause: unknown },
) => StateError;

export interface StepOptions {
  /** How long the operation may take; a hung disk, mount or server fails it instead of the run hanging. */
  readonly timeoutMs: number;
  /** The error to raise: StateError, unless a failure means the store cannot be used as configured. */
  readonly as?: StateErrorClass;
  /** What the messages call the store: the state store, unless said otherwise. */
  readonly store?: string;
  /**
   * The store's transient errors, for an operation that is safe to repeat: it is run again while it
   * fails with one, within the time limit, so that an answer lost to a broken connection or a node
   * restarting does not fail the run.
   */
  readonly transient?: (error: unknown) => boolean;
  /**
   * Why the store cannot be used as configured, where a failure shows it (a Cassandra keyspace with
   * fewer replicas than a consistency level needs): never repeated, and a StateSetupError.
   */
  readonly unusable?: (error: unknown) => string | undefined;
}

/**
 * Runs one store operation within its time limit, turning a driver or file-system error into a
 * `StateError` (or the given subclass) that says where. `work`'s signal is aborted when the limit
 * passes, so that requests it repeats stop being repeated once nobody waits for them.
 */
export async function inStateStore<T>(
  action: string,
  location: string,
  work: (signal: AbortSignal) => Promise<T>,
  options: StepOptions,
): Promise<T> {
  const as = options.as ?? StateError;
  const store = options.store ?? "state store";
  const given = new AbortController();
  const timedOut = (): StateError => {
    given.abort();
    return new as(
      `could not ${action} in the ${store} (${location}): it did not finish within ` +
        `${options.timeoutMs} ms. Check that the ${store} is reachable and responsive (a hung disk ` +
        "or mount, a FIFO where a file should be), or raise --state-timeout.",
      { action, location, timeoutMs: options.timeoutMs },
      { cause: undefined },
    );
  };
  const { unusable } = options;
  const transient =
    options.transient === undefined || unusable === undefined
      ? options.transient
      : (error: unknown): boolean => options.transient?.(error) === true && unusable(error) === undefined;
  const attempt =
    transient === undefined
      ? work(given.signal)
      : repeatTransient(transient, options.timeoutMs)(() => work(given.signal), given.signal);
  try {
    return await withTimeLimit(attempt, options.timeoutMs, timedOut);
  } catch (error) {
    if (error instanceof StateError) throw error;
    const why = unusable?.(error);
    if (why !== undefined) {
      throw new StateSetupError(
        `could not ${action} in the ${store} (${location}): ${why}`,
        { action, location },
        { cause: error },
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    const elsewhere = store === "dead-letter store" ? "--dead-letter" : "--state";
    // Before the privileges: a blocked index answers 403 too. Even while the store is prepared, the
    // location is right, so this is no usage error: the run stops as at any other step (exit 1).
    const blocked = indexBlock(error, location);
    if (blocked !== undefined) {
      const said =
        error instanceof SearchError && error.answer.status !== undefined ? error.answer.reason : reason;
      throw new StateError(
        `could not ${action} in the ${store} (${location}): ${blocked.why} (${said}). ` +
          `${blocked.todo}, and run again.`,
        { action, location },
        { cause: error },
      );
    }
    const refused = privilegeRefusal(error);
    if (refused !== undefined) {
      throw new StatePrivilegeError(
        `could not ${action} in the ${store} (${location}): ${refused}.`,
        { action, location },
        { cause: error },
      );
    }
    const full = fullStore(error);
    if (full !== undefined) {
      throw new as(
        `could not ${action} in the ${store} (${location}): it is full: ${full} (${reason}). ` +
          `Make room (or raise the limit), or choose another place with ${elsewhere}, and run again.`,
        { action, location },
        { cause: error },
      );
    }
    if (isSearchError(error, "refused") && error.answer.status === 413) {
      const { status, reason } = error.answer;
      const from = error.answer.page === true ? `, ${FROM_PAGE}` : "";
      throw new as(
        `could not ${action} in the ${store} (${location}): the request was refused as too large: ` +
          `${withStatus(status, reason)}${from}. Raise the limit on request bodies (a proxy's, such as ` +
          "nginx's client_max_body_size, or the nodes' http.max_content_length), or choose another place " +
          `with ${elsewhere}, and run again.`,
        { action, location },
        { cause: error },
      );
    }
    const unwritable = unwritableStore(error);
    if (unwritable !== undefined) {
      throw new as(
        `could not ${action} in the ${store} (${location}): ${unwritable.why} (${reason}). ` +
          `${unwritable.todo}, or choose another place with ${elsewhere}, and run again.`,
        { action, location },
        { cause: error },
      );
    }
    throw new as(
      `could not ${action} in the ${store} (${location}): ${reason}. ` +
        `Check that the ${store} is reachable and writable, or choose another location.`,
      { action, location },
      { cause: error },
    );
  }
}

/** Whether `error` says a file of the store cannot be written at all (see unwritableStore). */
export function isUnwritable(error: unknown): boolean {
  return unwritableStore(error) !== undefined;
}

/**
 * Why a file of the store cannot be written at all, and what to do: the store is there, so the
 * advice to check that it is reachable would send the operator the wrong way too.
 */
function unwritableStore(error: unknown): { why: string; todo: string } | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case "EROFS":
      return {
        why: "its file system is mounted read-only",
        todo:
          "Mount it read-write (one the kernel made read-only after I/O errors needs checking first; " +
          "the checkpoint did not move)",
      };
    case "EACCES":
    case "EPERM":
      return {
        why: `the user synced runs as (uid ${process.getuid?.() ?? "?"}) may not write there`,
        todo:
          "Give that user write access to the directory (in Kubernetes, the pod's securityContext " +
          "fsGroup on the volume)",
      };
    default:
      return undefined;
  }
}

/**
 * Why a file of the store cannot grow, for the errors that say so: room is what is missing, not the
 * store, so the advice to check that it is reachable would send the operator the wrong way.
 */
function fullStore(error: unknown): string | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case "EFBIG":
      return "the file is as large as this process may make a file (ulimit -f)";
    case "ENOSPC":
      return "no space is left on its file system";
    case "EDQUOT":
      return "the user's disk quota is used up";
    default:
      // A search cluster's flood-stage block is told by indexBlock, as it may have been set by hand.
      return undefined;
  }
}
