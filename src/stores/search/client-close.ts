// Closing a client waits for its requests in flight, and one abandoned after a time limit (a state
// store that stopped answering, given up at --state-timeout) holds the close until the request
// timeout (60 s): a stopped command printed its summary, then was killed at the end of its grace
// period without exiting. The close is waited for this long at most; the process exits once its
// command is done whether the close finished or not.
export const CLIENT_CLOSE_MS = 1000;

/** Settles once `closing` does, or after CLIENT_CLOSE_MS; never fails. */
export async function closedWithin(closing: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLIENT_CLOSE_MS);
  });
  try {
    await Promise.race([closing.catch(() => undefined), waited]);
  } finally {
    clearTimeout(timer);
  }
}
