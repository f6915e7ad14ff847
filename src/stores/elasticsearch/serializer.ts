// JSON for the Elasticsearch client that keeps 64-bit integers exact both ways: a bigint is written as
// a number literal, and a response integer beyond ±2^53 is read as a bigint. Pass the class as
// `new Client({ Serializer: LosslessSerializer })`.
//
// Reading uses lossless-json for the slow path rather than a hand-written parser: telling a number
// literal from digits inside a string needs a full JSON tokenizer (escapes, nesting), which is easy
// to get subtly wrong, and lossless-json is small, has no dependencies and lets us choose how each
// literal becomes a value. Both paths fall back to the built-in JSON only when it is exact.
import { errors, Serializer } from "@elastic/elasticsearch";
import { stringify } from "lossless-json";
import { parseJsonLossless } from "../../core/canonical-json.js";

// No integer of 15 digits or fewer can pass 2^53 (16 digits), so text without a run of 16 digits
// is read exactly by JSON.parse. Long digit runs inside strings only cost the slow path.
const LONG_RUN = 16;

/**
 * Whether the text holds LONG_RUN digits in a row. Any such run covers exactly one position of every
 * LONG_RUN, so only those are looked at, and the digits around a hit measured: a quarter of the time
 * of a regular expression that tries every position, on every response read.
 */
export function hasLongDigitRun(text: string): boolean {
  const isDigit = (at: number): boolean => {
    const code = text.charCodeAt(at);
    return code >= 48 && code <= 57;
  };
  for (let at = LONG_RUN - 1; at < text.length; at += LONG_RUN) {
    if (!isDigit(at)) continue;
    let first = at;
    while (first > 0 && isDigit(first - 1)) first--;
    let last = at;
    while (last + 1 < text.length && isDigit(last + 1)) last++;
    if (last - first + 1 >= LONG_RUN) return true;
    // The next run starts past `last`; a probe every LONG_RUN from here still meets any long one.
    at = last;
  }
  return false;
}

/** The JSON text of `object`, with bigints as plain number literals. */
export function toJsonText(object: Record<string, unknown>): string {
  try {
    return JSON.stringify(object);
  } catch (error) {
    // JSON.stringify refuses bigints outright, so only then is the slower writer needed.
    if (!(error instanceof TypeError && error.message.includes("BigInt"))) {
      throw new errors.SerializationError(error instanceof Error ? error.message : String(error), object);
    }
  }
  try {
    return stringify(object) ?? "null";
  } catch (error) {
    throw new errors.SerializationError(error instanceof Error ? error.message : String(error), object);
  }
}

type SerializerOptions = NonNullable<ConstructorParameters<typeof Serializer>[0]>;

export class LosslessSerializer extends Serializer {
  private readonly guardPrototypes: boolean;

  constructor(options: SerializerOptions = {}) {
    super(options);
    this.guardPrototypes = (options.enablePrototypePoisoningProtection ?? false) !== false;
  }

  override serialize(object: Record<string, unknown>): string {
    return toJsonText(object);
  }

  // ndserialize (bulk bodies) calls serialize for each line that is not already a string, so bigints
  // are handled there too; bulk-write.ts passes documents it has already turned into text.

  // The type parameter is the base class's signature, kept so callers see no difference.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  override deserialize<T = unknown>(json: string): T {
    if (!hasLongDigitRun(json)) return super.deserialize<T>(json);
    // The built-in parse first rejects prototype-poisoning keys when that protection is on.
    if (this.guardPrototypes) super.deserialize(json);
    try {
      return parseJsonLossless(json) as T;
    } catch (error) {
      throw new errors.DeserializationError(error instanceof Error ? error.message : String(error), json);
    }
  }
}
