// The files options name (the config file, secrets, TLS certificates and keys) are read whole when
// synced starts. Only a regular file is read: a FIFO would wait for a writer forever, a device such as
// /dev/zero never ends, and a file far larger than any such file is a wrong path, not a secret.
import { FileTooLargeError, formatBytes, NotAFileError, readRegularFile } from "../util/regular-file.js";

/** Reads a file an option names, whole, as text. */
export type ReadFile = (path: string) => Promise<string>;

/** The largest config, secret, certificate or key file synced reads; real ones are a few KiB. */
export const MAX_OPTION_FILE_BYTES = 1024 * 1024;

// Links are followed: a Kubernetes Secret or ConfigMap is mounted as links to the current version.
export const readOptionFileFromDisk: ReadFile = (path) =>
  readRegularFile(path, { maxBytes: MAX_OPTION_FILE_BYTES, followLinks: true });

/**
 * Why the file at `path` could not be read, and what to do, for a message that names the option;
 * `label` is how the message names the file.
 */
export function unreadableFileProblem(path: string, error: unknown, label = path): string {
  if (error instanceof NotAFileError) {
    return (
      `${label} is ${error.found}, not a regular file: synced reads config, secret, certificate and key ` +
      "files whole when it starts, so give the path of a regular file"
    );
  }
  if (error instanceof FileTooLargeError) {
    return (
      `${label} is larger than ${formatBytes(error.maxBytes)}, the most a config, secret, certificate ` +
      "or key file may hold: check that the option names the right file"
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return `cannot read ${label}: ${reason}. Check the path and its permissions`;
}
