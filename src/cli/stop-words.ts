// What a command stopped by SIGINT or SIGTERM leaves, for its last message: a run keeps its
// checkpoint, but a replay or a verify has none to keep, and their users need to hear what stays
// and what to do instead.
import type { LetterAction } from "./command-flags.js";
import { RUN_STOP } from "../reconcile/run-errors.js";

// The default, a run's (and a watch's, a state command's), as the stop itself says it.
export { RUN_STOP };

/** A dry run (`--dry-run` on run or watch) compares and writes nothing, so it has no checkpoint to keep. */
export const DRY_RUN_STOP = "a dry run writes nothing and leaves the checkpoint alone";

/** What a run or a dry run leaves: the stop message and the run's last log line say the same. */
export function runStop(dryRun: boolean): string {
  return dryRun ? DRY_RUN_STOP : RUN_STOP;
}

/** A plan reads as a dry run does, under the lease, and writes nothing. */
export const PLAN_STOP = "plan writes nothing and leaves the checkpoint alone";

export function verifyStop(repair: boolean): string {
  return repair
    ? "verify leaves the checkpoint alone, and what the repair wrote stays: verify --repair again settles the rest"
    : "verify writes nothing and leaves the checkpoint alone";
}

export function lettersStop(action: LetterAction, dryRun: boolean): string {
  // A dry run reads and counts, and removes no letter: replaying or purging "again" would mislead.
  if (dryRun && (action === "replay" || action === "purge")) return "a dry run changes no letter";
  // A replay settles its letters once every record is replayed; until then each one waits.
  if (action === "replay")
    return "every letter still waits: replay again (a record already written is then found equal, and its letter removed)";
  if (action === "purge") return "some letters may be purged already: purge again to purge the rest";
  return "nothing was changed";
}

// Store errors end as a run's stop does; replay, purge, verify and plan have no checkpoint to keep.
const RUN_STOPPED = /The run stopped without moving the checkpoint/g;

/**
 * What a store's error says to "run again", in the words of each command whose user would repeat
 * that command instead: a run would not replay the letters, nor verify, plan or purge.
 */
const AGAIN: ReadonlyMap<string, string> = new Map([
  [lettersStop("replay", false), "replay again"],
  [lettersStop("purge", false), "purge again"],
  [verifyStop(true), "verify --repair again"],
  [verifyStop(false), "verify again"],
  [PLAN_STOP, "plan again"],
]);

/**
 * A store's error in the words of the command it stopped: "The run stopped without moving the
 * checkpoint" becomes what that command leaves (`kept`, as a signal's stop says it).
 */
export function inCommandWords(message: string, kept: string): string {
  if (kept === RUN_STOP) return message;
  const said = message.replace(RUN_STOPPED, `It stopped, and ${kept}`);
  const again = AGAIN.get(kept);
  return again === undefined ? said : said.replace(/\brun again\b/g, again);
}
