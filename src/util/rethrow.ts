// Error translation at an adapter's boundary, for promises and for streams alike.

/** `work`'s result, or its failure passed through `map`. */
export async function rethrowing<T>(work: () => Promise<T>, map: (error: unknown) => Error): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw map(error);
  }
}

/** `source`'s items, or its failure passed through `map`. */
export async function* rethrowingEach<T>(
  source: AsyncIterable<T>,
  map: (error: unknown) => Error,
): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw map(error);
  }
}
