// A Map whose keys are told apart as Cassandra tells them apart. A JS Map takes -0 for 0 (it even
// stores a key -0 as 0), while a float or double map key of Cassandra holds -0.0 and 0.0 as two keys:
// a row's {-0.0: 'a', 0.0: 'b'} read into a Map lost an entry and the sign of the other, and a
// document's {"-0": "a", "0": "b"} bound as a Map was written as {0.0: 'b'}. Every other key the
// driver gives is an object (or a string, or a bigint), for which the two rules agree.

/** The entry of the key -0, kept beside the Map's own entries, where it would be taken for 0. */
interface NegativeZeroEntry<V> {
  readonly value: V;
}

const isNegativeZero = (key: unknown): boolean => Object.is(key, -0);

export class CqlMap<K, V> extends Map<K, V> {
  #negativeZero: NegativeZeroEntry<V> | undefined;

  // The driver binds a value as a map's entries when it is `instanceof encoding.map`, and any other
  // as an object's properties: a Map of any kind is an instance, so that a Map is bound as before.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Map;
  }

  // The Map constructor would call set() before the private field exists: entries are added after.
  constructor(entries?: Iterable<readonly [K, V]> | null) {
    super();
    for (const [key, value] of entries ?? []) this.set(key, value);
  }

  override set(key: K, value: V): this {
    if (!isNegativeZero(key)) return super.set(key, value);
    this.#negativeZero = { value };
    return this;
  }

  override get(key: K): V | undefined {
    return isNegativeZero(key) ? this.#negativeZero?.value : super.get(key);
  }

  override has(key: K): boolean {
    return isNegativeZero(key) ? this.#negativeZero !== undefined : super.has(key);
  }

  override delete(key: K): boolean {
    if (!isNegativeZero(key)) return super.delete(key);
    const had = this.#negativeZero !== undefined;
    this.#negativeZero = undefined;
    return had;
  }

  override clear(): void {
    this.#negativeZero = undefined;
    super.clear();
  }

  override get size(): number {
    return super.size + (this.#negativeZero === undefined ? 0 : 1);
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  override entries(): MapIterator<[K, V]> {
    const own = super.entries();
    const negativeZero = this.#negativeZero;
    if (negativeZero === undefined) return own;
    return iterate(
      (function* (): Generator<[K, V], void> {
        yield [-0 as K, negativeZero.value];
        yield* own;
      })(),
    );
  }

  override keys(): MapIterator<K> {
    return iterate(
      (function* (entries) {
        for (const [key] of entries) yield key;
      })(this.entries()),
    );
  }

  override values(): MapIterator<V> {
    return iterate(
      (function* (entries) {
        for (const [, value] of entries) yield value;
      })(this.entries()),
    );
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

/** A generator, typed as the iterator a Map's methods return (both iterate once, as themselves). */
function iterate<T>(generator: Generator<T, unknown>): MapIterator<T> {
  return generator as unknown as MapIterator<T>;
}
