// Merges several async sources into one stream, running at most `concurrency` of them at a time.
// A producer waits until its item has been taken, so memory stays bounded by the concurrency
// however large the sources are (back-pressure instead of buffering).
export async function* mergeAsync<T>(
  sources: readonly (() => AsyncIterable<T>)[],
  concurrency: number,
): AsyncGenerator<T> {
  /** Items waiting for the consumer; `taken(false)` releases a producer because the merge stopped. */
  const queue: { item: T; taken: (goOn: boolean) => void }[] = [];
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let running = 0;
  let next = 0;
  let stopped = false;

  const notify = (): void => {
    wake?.();
    wake = undefined;
  };

  const run = async (source: () => AsyncIterable<T>): Promise<void> => {
    try {
      for await (const item of source()) {
        if (stopped) return;
        const goOn = await new Promise<boolean>((taken) => {
          queue.push({ item, taken });
          notify();
        });
        // Released because the merge stopped (a source failed, or the consumer left): asking the
        // source for its next item would read a page (and retry it) for a read that is over.
        if (!goOn) return;
      }
    } catch (error) {
      failure ??= { error };
    } finally {
      running--;
      startMore();
      notify();
    }
  };

  const startMore = (): void => {
    while (!stopped && failure === undefined && running < concurrency && next < sources.length) {
      const source = sources[next++];
      if (source === undefined) break;
      running++;
      void run(source);
    }
  };

  startMore();
  try {
    for (;;) {
      if (failure !== undefined) throw failure.error;
      const head = queue.shift();
      if (head !== undefined) {
        head.taken(true);
        yield head.item;
        continue;
      }
      if (running === 0 && next >= sources.length) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stopped = true;
    for (const pending of queue.splice(0)) pending.taken(false);
  }
}
