// A time limit on work that cannot be cancelled, such as a file-system call stuck on a hung mount or a
// FIFO: the caller stops waiting and reports it, while the call itself is abandoned.

/** `work`'s result, or the error `onTimeout` makes once `ms` have passed without one. */
export async function withTimeLimit<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
  });
  // An abandoned call may still fail later; that must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
