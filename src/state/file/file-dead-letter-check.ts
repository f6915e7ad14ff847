// A dead-letter file is checked before a run connects, as the state directory is: a run that would
// fail only at its first letter (a directory that takes no file, a FIFO, a directory or a link where
// the file belongs) is refused at once, and one that cannot count its waiting letters never exits 0.
import { randomBytes } from "node:crypto";
import { lstat, open, rm } from "node:fs/promises";
import { constants, type Stats } from "node:fs";
import { dirname, join } from "node:path";
import { inStateStore, StateSetupError } from "../state-errors.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { makeDirectory } from "../../util/make-directory.js";
import { fileKind } from "../../util/regular-file.js";

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
  const othersFile = (): StateSetupError =>
    new StateSetupError(
      `the dead-letter file ${path} holds something other than dead letters (it does not begin with a ` +
        "JSON object), and synced adds letters only to a file of letters. Give the letters a file of " +
        "their own (--dead-letter).",
      { path },
    );
  await inStateStore(
    "prepare the dead-letter file",
    `file ${path}`,
    async () => {
      const found = await statOrNothing(path);
      if (found === undefined) {
        await probeDirectory(dirname(path)).catch((error: unknown) => {
          throw refuse(`cannot be created: ${error instanceof Error ? error.message : String(error)}`);
        });
        return;
      }
      if (!found.isFile()) throw refuse(`is ${fileKind(found)}, not a regular file`);
      // Opened as a letter is appended, without blocking and without following a link, then closed.
      const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK | constants.O_NOFOLLOW;
      const handle = await open(path, flags).catch((error: unknown) => {
        throw refuse(`cannot be written: ${error instanceof Error ? error.message : String(error)}`);
      });
      await handle.close();
      // A file of letters is lines of JSON objects. One that begins otherwise (a system file, a
      // secret, /proc/self/status) is someone else's: synced would append letters to it, then stop
      // at reading it. It is refused here, before anything connects, and left as it is.
      if (!(await beginsAsLetters(path))) throw othersFile();
    },
    { timeoutMs, as: StateSetupError, store: "dead-letter store" },
  );
}

/** Bytes read to find the file's first character other than white space. */
const FIRST_BYTES = 4096;

/** Whether the file is empty, or its first character after white space opens a JSON object. */
async function beginsAsLetters(path: string): Promise<boolean> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const buffer = Buffer.alloc(FIRST_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, FIRST_BYTES, 0);
    const first = buffer.subarray(0, bytesRead).toString("latin1").trimStart();
    // A file of only white space this far is taken for one of letters: blank lines are read past.
    return first === "" || first.startsWith("{");
  } finally {
    await handle.close();
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
