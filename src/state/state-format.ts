// The format of what the state stores write: checkpoints, leases, run records and dead letters. A
// later synced that changes what one of them means raises it, so that an earlier synced, run again
// after a rollback, refuses what the later one wrote rather than misreads it (a lease it would not see
// as held, a checkpoint it would place elsewhere, a letter it would replay wrongly). Records written
// before formats were recorded carry none and are of format 1.
import { CorruptStateError, StateError } from "./state-errors.js";

export const STATE_FORMAT = 1;

/** How a refusal names the record and what to choose instead of the store that holds it. */
export interface FormatRefusal {
  /** What is in the later format: by default the state in the location. */
  readonly subject?: string;
  /** The option to point elsewhere, and what this synced finds there. */
  readonly instead?: string;
  /** The subject names more than one record. */
  readonly plural?: boolean;
  /** What this synced would do with it: by default, misread it. */
  readonly harm?: string;
}

/** The format a record carries where it is later than this synced reads; undefined otherwise. */
export function laterFormat(found: unknown): number | undefined {
  return typeof found === "number" && Number.isSafeInteger(found) && found > STATE_FORMAT ? found : undefined;
}

/** Checks the format a record carries (none: format 1), naming the record where it is not one this synced reads. */
export function checkStateFormat(
  found: unknown,
  location: string,
  remedy: string,
  refusal: FormatRefusal = {},
): void {
  if (found === undefined || found === null) return;
  if (typeof found !== "number" || !Number.isSafeInteger(found) || found < 1) {
    const shown = JSON.stringify(found);
    throw new CorruptStateError(
      location,
      `its state format must be a whole number from 1, found ${shown}`,
      remedy,
    );
  }
  if (found > STATE_FORMAT) throw new NewerStateError(location, found, refusal);
}

/**
 * A record in a state format later than this synced reads. Nothing is changed there: the later synced
 * that wrote it goes on from it as it left it.
 */
export class NewerStateError extends StateError {
  override readonly kind = "usage";

  constructor(
    readonly location: string,
    readonly format: number,
    refusal: FormatRefusal = {},
  ) {
    const subject = refusal.subject ?? `the state in ${location}`;
    const instead = refusal.instead ?? "--state, where this one starts without a checkpoint";
    const harm = refusal.harm ?? "would misread it";
    super(
      `${subject} ${refusal.plural === true ? "are" : "is"} in state format ${format}, written by a later ` +
        `synced; this synced reads format ${STATE_FORMAT} and ${harm}, so it changed nothing. Run the later synced ` +
        `that wrote it (or a newer one), or choose another ${instead}.`,
      { location, format },
    );
  }
}
