// JSON text that keeps 64-bit integers exact both ways, for whichever client sends it: a bigint is
// written as a number literal, and text that may hold a number a double would change is read
// losslessly (core/number-literal.ts).
// Each product's serializer (stores/*/serializer.ts) uses these and wraps their errors as its
// client's own.
//
// Reading uses lossless-json for the slow path rather than a hand-written parser: telling a number
// literal from digits inside a string needs a full JSON tokenizer (escapes, nesting), which is easy
// to get subtly wrong, and lossless-json is small, has no dependencies and lets us choose how each
// literal becomes a value. Both paths fall back to the built-in JSON only when it is exact.
import { stringify } from "lossless-json";

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
