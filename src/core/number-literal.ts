// A JSON number literal that a double cannot hold: its value as written, kept as text. Only a literal
// of 16 digits or more that the double would change is kept so (12345678901234567.891); every other
// number is read as a double, as JSON.parse reads it, so a document reads the same whatever else its
// response holds. A decimal or varint column takes the text exactly; other consumers see `toJSON`'s
// double, except the JSON writer of request bodies (search/json-text.ts), which writes the text back.

/** The number literal `text`, exactly as a document holds it. */
export class NumberLiteral {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }

  /**
   * How many times JSON.stringify has met a literal: a writer that must keep the text compares it
   * before and after, so a body holding none costs nothing more.
   */
  static written = 0;

  /** What JSON.stringify writes, as it wrote the double this literal used to be read as. */
  toJSON(): number {
    NumberLiteral.written++;
    return Number(this.text);
  }
}

const INTEGER_LITERAL = /^-?\d+$/;
const DECIMAL_LITERAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The value of a JSON number literal: a bigint for an integer beyond ±2^53, the literal itself where it
 * has a run of 16 digits and the double would change its value, else the double.
 */
export function readNumberLiteral(literal: string): number | bigint | NumberLiteral {
  const number = Number(literal);
  // Fewer characters hold no integer beyond 2^53 and no run of 16 digits: most literals end here.
  if (literal.length < LONG_RUN) return number;
  if (INTEGER_LITERAL.test(literal)) return Number.isSafeInteger(number) ? number : BigInt(literal);
  const printed = String(number);
  // A literal without such a run may be read by JSON.parse too (mayHoldInexactNumber): it reads as there.
  if (printed === literal || !hasLongNumberRun(literal)) return number;
  return Number.isFinite(number) && decimalValue(printed) === decimalValue(literal)
    ? number
    : new NumberLiteral(literal);
}

/** The decimal value of a number's text, written one way only ("1.50e1" and "15" give "15e0"). */
function decimalValue(text: string): string | undefined {
  const match = DECIMAL_LITERAL.exec(text);
  if (match === null) return undefined;
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match;
  const digits = (whole + fraction).replace(/^0+/, "");
  if (digits === "") return "0";
  const trimmed = digits.replace(/0+$/, "");
  const power = BigInt(exponent) - BigInt(fraction.length) + BigInt(digits.length - trimmed.length);
  return `${sign === "-" ? "-" : ""}${trimmed}e${power}`;
}

// A literal of 15 significant digits or fewer changes as a double only beyond the double's range
// (1e400, 1e-400). Finding those exponents in every response would cost a sixth of its parse, so they
// read as JSON.parse reads them (an Infinity a decimal or double column refuses, or 0), and only runs
// of 16 digits and dots take the lossless path. Runs inside strings only cost that path.
const LONG_RUN = 16;

/** Whether `text` may hold a number literal of 16 digits or more, which JSON.parse could change. */
export function mayHoldInexactNumber(text: string): boolean {
  return hasLongNumberRun(text);
}

const isNumberChar = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at);
  return (code >= 48 && code <= 57) || code === 46;
};

/**
 * Whether the text holds LONG_RUN digits and dots in a row. Any such run covers exactly one position
 * of every LONG_RUN, so only those are looked at, and the characters around a hit measured: a
 * quarter of the time of a regular expression that tries every position, on every response read.
 */
export function hasLongNumberRun(text: string): boolean {
  for (let at = LONG_RUN - 1; at < text.length; at += LONG_RUN) {
    if (!isNumberChar(text, at)) continue;
    let first = at;
    while (first > 0 && isNumberChar(text, first - 1)) first--;
    let last = at;
    while (last + 1 < text.length && isNumberChar(text, last + 1)) last++;
    if (last - first + 1 >= LONG_RUN) return true;
    // The next run starts past `last`; a probe every LONG_RUN from here still meets any long one.
    at = last;
  }
  return false;
}
