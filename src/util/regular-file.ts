// Reads and appends that never wait on a FIFO or a device where a regular file belongs. Such a file is
// opened without blocking and then refused, because a blocked open holds one of Node's worker threads,
// and even process.exit waits for those: the run would report its error and then never end.
// A symbolic link is not followed either, unless the reader asks: a link planted in a state directory
// would otherwise have synced read, or append whole records to, whatever file it points at.
import { constants, lstat, open, type FileHandle } from "node:fs/promises";
import type { Stats } from "node:fs";
import { SyncedError } from "../core/errors.js";

/** A path that names a FIFO, a socket, a device or a directory where a regular file was expected. */
export class NotAFileError extends SyncedError {
  constructor(
    readonly path: string,
    readonly found: string,
  ) {
    super(`${path} is ${found}, not a regular file`, { path, found });
  }
}

/** A regular file larger than its reader takes; it is refused unread. */
export class FileTooLargeError extends SyncedError {
  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    super(`${path} is larger than ${formatBytes(maxBytes)}`, { path, maxBytes });
  }
}

export interface ReadLimits {
  /** Refuse a larger file instead of reading it whole. */
  readonly maxBytes?: number;
  /** Follow a symbolic link, as for a file an option names; refused by default. */
  readonly followLinks?: boolean;
}

export async function readRegularFile(path: string, limits: ReadLimits = {}): Promise<string> {
  const handle = await openRegularFile(path, limits);
  try {
    if (limits.maxBytes === undefined) return await handle.readFile("utf8");
    return await readAtMost(handle, path, (await handle.stat()).size, limits.maxBytes);
  } finally {
    await handle.close();
  }
}

/**
 * Opens a regular file for reading, for a reader that reads it a piece at a time; the caller closes it.
 * A symbolic link is refused unless `followLinks`.
 */
export async function openRegularFile(
  path: string,
  options: { readonly followLinks?: boolean } = {},
): Promise<FileHandle> {
  const noFollow = options.followLinks === true ? 0 : constants.O_NOFOLLOW;
  const handle = await openFile(path, constants.O_RDONLY | constants.O_NONBLOCK | noFollow);
  try {
    await ensureRegular(handle, path);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Appends `text`, creating the file, readable by its owner only, if it is missing. `flush`: on disk
 * before this returns, for a file whose lines must outlive the machine stopping.
 */
export async function appendToRegularFile(
  path: string,
  text: string,
  { flush = false }: { readonly flush?: boolean } = {},
): Promise<void> {
  const flags =
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK | constants.O_NOFOLLOW;
  const handle = await openFile(path, flags, 0o600);
  try {
    await ensureRegular(handle, path);
    await handle.appendFile(text, "utf8");
    if (flush) await handle.sync();
  } finally {
    await handle.close();
  }
}

async function openFile(path: string, flags: number, mode?: number): Promise<FileHandle> {
  try {
    return await open(path, flags, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A FIFO that nobody reads refuses a non-blocking writer.
    if (code === "ENXIO") throw new NotAFileError(path, "a FIFO");
    // O_NOFOLLOW refuses a link as the last part of the path; ELOOP may also mean a loop further up.
    if (code === "ELOOP" && (await isLink(path))) throw new NotAFileError(path, "a symbolic link");
    throw error;
  }
}

async function isLink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

// The size stat gives is not trusted alone: a file can grow while it is read, and files such as those
// under /proc say 0 whatever they hold. Reading up to one byte past the bound tells.
async function readAtMost(handle: FileHandle, path: string, size: number, maxBytes: number): Promise<string> {
  if (size > maxBytes) throw new FileTooLargeError(path, maxBytes);
  let buffer = Buffer.alloc(Math.min(maxBytes + 1, size + 4096));
  let length = 0;
  for (;;) {
    if (length > maxBytes) throw new FileTooLargeError(path, maxBytes);
    if (length === buffer.length) {
      const larger = Buffer.alloc(Math.min(maxBytes + 1, buffer.length * 2));
      buffer.copy(larger);
      buffer = larger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) return buffer.toString("utf8", 0, length);
    length += bytesRead;
  }
}

async function ensureRegular(handle: FileHandle, path: string): Promise<Stats> {
  const stats = await handle.stat();
  if (!stats.isFile()) throw new NotAFileError(path, fileKind(stats));
  return stats;
}

/** What a path that is not a regular file is, for messages: "a FIFO", "a directory", ... */
export function fileKind(stats: Stats): string {
  if (stats.isSymbolicLink()) return "a symbolic link";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isDirectory()) return "a directory";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "something else";
}

/** `1 MiB`, `64 KiB`, or bytes. */
export function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
