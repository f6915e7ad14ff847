// The format of what the state stores write: checkpoints, leases and run records. A later synced that
// changes what one of them means raises it, so that an earlier synced, run again after a rollback,
// refuses what the later one wrote rather than misreads it (a lease it would not see as held, a
// checkpoint it would place elsewhere). Records written before formats were recorded carry none and
// are of format 1.
import { CorruptStateError, StateError } from "./state-errors.js";

export const STATE_FORMAT = 1;

/** Checks the format a record carries (none: format 1), naming the record where it is not one this synced reads. */
export function checkStateFormat(found: unknown, location: string, remedy: string): void {
  if (found === undefined || found === null) return;
  if (typeof found !== "number" || !Number.isSafeInteger(found) || found < 1) {
    const shown = JSON.stringify(found);
    throw new CorruptStateError(
      location,
      `its state format must be a whole number from 1, found ${shown}`,
      remedy,
    );
  }
  if (found > STATE_FORMAT) throw new NewerStateError(location, found);
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
  ) {
    super(
      `the state in ${location} is in state format ${format}, written by a later synced; this synced ` +
        `reads format ${STATE_FORMAT} and would misread it, so it changed nothing. Run the later synced ` +
        "that wrote it (or a newer one), or choose another --state, where this one starts without a checkpoint.",
      { location, format },
    );
  }
}
