// What a command stopped by SIGINT or SIGTERM leaves, for its last message: a run keeps its
// checkpoint, but a replay or a verify has none to keep, and their users need to hear what stays
// and what to do instead.
import type { LetterAction } from "./command-flags.js";
import type { Logger } from "./logger.js";
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

/** What a stopped verify --repair, replay and purge leave, before the advice to do it again. */
const REPAIR_LEFT = "verify leaves the checkpoint alone, and what the repair wrote stays";
const REPLAY_LEFT = "every letter still waits";
const PURGE_LEFT = "some letters may be purged already";

export function verifyStop(repair: boolean): string {
  return repair
    ? `${REPAIR_LEFT}: verify --repair again settles the rest`
    : "verify writes nothing and leaves the checkpoint alone";
}

export function lettersStop(action: LetterAction, dryRun: boolean): string {
  // A dry run reads and counts, and removes no letter: replaying or purging "again" would mislead.
  if (dryRun && (action === "replay" || action === "purge"))
    return `a dry run of ${action} changes no letter`;
  // A replay settles its letters once every record is replayed; until then each one waits.
  if (action === "replay")
    return `${REPLAY_LEFT}: replay again (a record already written is then found equal, and its letter removed)`;
  if (action === "purge") return `${PURGE_LEFT}: purge again to purge the rest`;
  return "nothing was changed";
}

// Store errors end as a run's stop does; replay, purge, verify and plan have no checkpoint to keep.
const RUN_STOPPED = /The run stopped without moving the checkpoint/g;

/** A store's advice to run again, mid-sentence or leading one. */
const RUN_AGAIN = /\b([Rr])un again\b/g;

/**
 * What a store's error says to "run again", in the words of each command whose user would repeat
 * that command instead (a run would not replay the letters, nor verify, plan or purge), and what
 * that command leaves without its own advice to do it again: the store's advice says it then.
 */
const AGAIN: ReadonlyMap<string, { readonly again: string; readonly left: string }> = new Map([
  [lettersStop("replay", false), { again: "replay again", left: REPLAY_LEFT }],
  [lettersStop("purge", false), { again: "purge again", left: PURGE_LEFT }],
  [verifyStop(true), { again: "verify --repair again", left: REPAIR_LEFT }],
  [verifyStop(false), { again: "verify again", left: verifyStop(false) }],
  [PLAN_STOP, { again: "plan again", left: PLAN_STOP }],
  // A dry run of either is repeated as one, once what stopped it is fixed.
  [lettersStop("replay", true), { again: "replay --dry-run again", left: lettersStop("replay", true) }],
  [lettersStop("purge", true), { again: "purge --dry-run again", left: lettersStop("purge", true) }],
]);

/**
 * A store's error in the words of the command it stopped: "The run stopped without moving the
 * checkpoint" becomes what that command leaves (`kept`, as a signal's stop says it), and "run again"
 * that command's own words. Where the store says to run again, what the command leaves comes
 * without its own advice to do it again, so the message says it once.
 */
export function inCommandWords(message: string, kept: string): string {
  if (kept === RUN_STOP) return message;
  const words = AGAIN.get(kept);
  if (words === undefined) return message.replace(RUN_STOPPED, `It stopped, and ${kept}`);
  const advised = message.search(RUN_AGAIN) >= 0;
  return message
    .replace(RUN_STOPPED, `It stopped, and ${advised ? words.left : kept}`)
    .replace(RUN_AGAIN, (_, r: string) => (r === "R" ? capitalized(words.again) : words.again));
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/**
 * `logger`, saying what a run would in the words of the command that runs it in its own name (synced
 * plan): a run's advice to run again, and its stop, become that command's (`kept`).
 */
export function loggerInCommandWords(logger: Logger, kept: string): Logger {
  const words = (message: string): string => inCommandWords(message, kept);
  return {
    info(message, fields) {
      logger.info(words(message), fields);
    },
    warn(message, fields) {
      logger.warn(words(message), fields);
    },
    error(message, fields) {
      logger.error(words(message), fields);
    },
    debug(message, fields) {
      logger.debug(words(message), fields);
    },
    progress(stats, expected) {
      logger.progress(stats, expected);
    },
    done() {
      logger.done();
    },
    end(level, message, fields) {
      logger.end(level, words(message), fields);
    },
    setLevel(level) {
      logger.setLevel(level);
    },
  };
}
