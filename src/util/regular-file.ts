// Reads and appends that never wait on a FIFO or a device where a regular file belongs. Such a file is
// opened without blocking and then refused, because a blocked open holds one of Node's worker threads,
// and even process.exit waits for those: the run would report its error and then never end.
import { constants, open, type FileHandle } from "node:fs/promises";
import type { Stats } from "node:fs";
import { SyncedError } from "../core/errors.js";

/** A path that names a FIFO, a socket, a device or a directory where a regular file was expected. */
export class NotAFileError extends SyncedError {
  constructor(
    readonly path: string,
    found: string,
  ) {
    super(`${path} is ${found}, not a regular file`, { path, found });
  }
}

export async function readRegularFile(path: string): Promise<string> {
  const handle = await openRegularFile(path);
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/** Opens a regular file for reading, for a reader that reads it a piece at a time; the caller closes it. */
export async function openRegularFile(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    await ensureRegular(handle, path);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Appends `text`, creating the file if it is missing. */
export async function appendToRegularFile(path: string, text: string): Promise<void> {
  let handle: FileHandle;
  try {
    const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;
    handle = await open(path, flags, 0o666);
  } catch (error) {
    // A FIFO that nobody reads refuses a non-blocking writer.
    if ((error as NodeJS.ErrnoException).code === "ENXIO") throw new NotAFileError(path, "a FIFO");
    throw error;
  }
  try {
    await ensureRegular(handle, path);
    await handle.appendFile(text, "utf8");
  } finally {
    await handle.close();
  }
}

async function ensureRegular(handle: FileHandle, path: string): Promise<void> {
  const stats = await handle.stat();
  if (!stats.isFile()) throw new NotAFileError(path, kindOf(stats));
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isDirectory()) return "a directory";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "something else";
}
