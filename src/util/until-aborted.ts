// Work that takes no abort signal, such as a Cassandra request, given up once a signal aborts: the
// caller stops waiting at once, while the work itself is abandoned.

/** What `work` answers, or `signal`'s reason once it aborts; work is not begun under an aborted one. */
export function untilAborted<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const doing = work();
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => {
      // An abandoned request may still fail later; that must not surface as an unhandled rejection.
      doing.catch(() => undefined);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", stop, { once: true });
    doing.then(resolve, reject).finally(() => {
      signal.removeEventListener("abort", stop);
    });
  });
}
