// A dead-letter file is checked before a run connects, as the state directory is: a run that would
// fail only at its first letter (a directory that takes no file, a FIFO, a directory or a link where
// the file belongs) is refused at once, and one that cannot count its waiting letters never exits 0.
import { randomBytes } from "node:crypto";
import { lstat, open, rm } from "node:fs/promises";
import { constants, type Stats } from "node:fs";
import { dirname, join } from "node:path";
import { inStateStore, isUnwritable, StateSetupError } from "../state-errors.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { makeDirectory } from "../../util/make-directory.js";
import { fileKind } from "../../util/regular-file.js";
import { letterFromJson } from "../../deadletter/letter-json.js";
import { NewerStateError } from "../state-format.js";

/**
 * Refuses with a StateSetupError a dead-letter file that could not take a letter: it must be a regular
 * file this process can append to, or be missing from a directory that exists (or can be made) and
 * takes a new file. Nothing is left behind: a missing file is not created.
 */
export async function checkDeadLetterFile(path: string, timeoutMs = DEFAULT_STATE_TIMEOUT_MS): Promise<void> {
  const refuse = (problem: string): StateSetupError =>
    new StateSetupError(
      `the dead-letter file ${path} ${problem}, so no letter could be written there. Choose another ` +
        "location, or move what is there out of the way.",
      { path },
    );
  const othersFile = (why: string): StateSetupError =>
    new StateSetupError(
      `the dead-letter file ${path} holds something other than dead letters (${why}), and synced adds ` +
        "letters only to a file of letters. Give the letters a file of their own (--dead-letter).",
      { path },
    );
  await inStateStore(
    "prepare the dead-letter file",
    `file ${path}`,
    async () => {
      const found = await statOrNothing(path);
      if (found === undefined) {
        // A read-only place, or one this user may not write, is left to inStateStore, which names the
        // cause and what to do; "move what is there out of the way" would send the operator astray.
        await probeDirectory(dirname(path)).catch((error: unknown) => {
          throw isUnwritable(error) ? error : refuse(`cannot be created: ${messageOf(error)}`);
        });
        return;
      }
      if (!found.isFile()) throw refuse(`is ${fileKind(found)}, not a regular file`);
      // Opened as a letter is appended, without blocking and without following a link, then closed.
      const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK | constants.O_NOFOLLOW;
      const handle = await open(path, flags).catch((error: unknown) => {
        throw isUnwritable(error) ? error : refuse(`cannot be written: ${messageOf(error)}`);
      });
      await handle.close();
      // A file of letters is lines of JSON objects. One that begins otherwise (a system file, a
      // secret, /proc/self/status) is someone else's: synced would append letters to it, then stop
      // at reading it. It is refused here, before anything connects, and left as it is.
      const other = await notLetters(path);
      if (other !== undefined) throw othersFile(other);
    },
    { timeoutMs, as: StateSetupError, store: "dead-letter store" },
  );
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Bytes read at a time to find the file's first line. */
const CHUNK_BYTES = 64 * 1024;
/**
 * The longest first line read to tell whether it is a letter: a letter keeps at most 256 KiB of its
 * record. A longer one beginning as a JSON object is taken for a letter of an earlier version, which
 * kept records whole.
 */
const FIRST_LINE_LIMIT = 4 * 1024 * 1024;

/**
 * Why the file is not one of letters, or undefined where it may be: empty, or its first line other
 * than white space a letter (or a damaged one, which the run then names by its line). A first line
 * that a crash cut short (the file's only one, never ended) need only open a JSON object: the
 * letters' reader passes over it. What the file holds is never put in the answer, as it may be a
 * secret.
 */
async function notLetters(path: string): Promise<string | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    let text = "";
    for (let position = 0; position < FIRST_LINE_LIMIT;) {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      // Byte for byte: a character cut between two reads cannot change where the line ends or whether
      // it parses, as JSON syntax is ASCII.
      text += buffer.subarray(0, bytesRead).toString("latin1");
      const start = text.search(/\S/);
      if (start < 0) continue;
      if (text.charAt(start) !== "{") return "it does not begin with a JSON object";
      const end = text.indexOf("\n", start);
      if (end >= 0)
        return isLetterLine(text.slice(start, end), `the first line of ${path}`)
          ? undefined
          : "its first line is JSON, but not a dead letter";
    }
    // Only white space, a first line cut short, or one longer than a letter now is.
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Whether a line may be a letter: JSON holding a letter's fields, or a line that is not JSON at all, a
 * letter damaged by hand, say, which the letters' reader names by its line with what to do. A letter
 * of a later state format is refused as such: it is a letter, one this synced cannot read.
 */
function isLetterLine(line: string, location: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return true;
  }
  try {
    // A letter of an earlier version named no key: any key stands in for it.
    letterFromJson(value, { location, remedy: "" }, "key");
    return true;
  } catch (error) {
    if (error instanceof NewerStateError) throw error;
    return false;
  }
}

async function statOrNothing(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The directory exists, or is made, and takes a new file. */
async function probeDirectory(directory: string): Promise<void> {
  await makeDirectory(directory);
  const probe = join(directory, `.probe-${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(probe, "wx", 0o600);
  await handle.close();
  await rm(probe, { force: true });
}
