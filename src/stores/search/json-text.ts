// JSON text that keeps 64-bit integers exact both ways, for whichever client sends it: a bigint is
// written as a number literal, so is a NumberLiteral read from a document (a field synced does not
// own is written back as it was read), and text that may hold a number a double would change is read
// losslessly (core/number-literal.ts).
// Each product's serializer (stores/*/serializer.ts) uses these and wraps their errors as its
// client's own.
//
// Reading uses lossless-json for the slow path rather than a hand-written parser: telling a number
// literal from digits inside a string needs a full JSON tokenizer (escapes, nesting), which is easy
// to get subtly wrong, and lossless-json is small, has no dependencies and lets us choose how each
// literal becomes a value. Both paths fall back to the built-in JSON only when it is exact.
import { stringify } from "lossless-json";
import { NumberLiteral } from "../../core/number-literal.js";

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

const LITERAL_TEXT = [
  { test: (value: unknown) => value instanceof NumberLiteral, stringify: (value: unknown) => String(value) },
];

/** The JSON text of `object`, with bigints and NumberLiterals as plain number literals. */
export function toJsonText(object: Record<string, unknown>): string {
  const literals = NumberLiteral.written;
  try {
    const text = JSON.stringify(object);
    // A NumberLiteral wrote its double: only a body that held one is written again, with its text.
    if (NumberLiteral.written === literals) return text;
  } catch (error) {
    // JSON.stringify refuses bigints outright: then, as after a literal, the slower writer is needed.
    if (!(error instanceof TypeError && error.message.includes("BigInt"))) {
      throw new JsonTextError(error instanceof Error ? error.message : String(error), object);
    }
  }
  try {
    return stringify(object, undefined, undefined, LITERAL_TEXT) ?? "null";
  } catch (error) {
    throw new JsonTextError(error instanceof Error ? error.message : String(error), object);
  }
}
