// Exact numeric forms: integer ranges, the shortest decimal of a float32, arbitrary-precision
// decimals printed as Java's BigDecimal.toString does (Cassandra's own form, scale kept), and the
// two's-complement bytes the driver uses for varint and decimal.

export const INTEGER_RANGES = {
  tinyint: [-(2n ** 7n), 2n ** 7n - 1n],
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
  counter: [-(2n ** 63n), 2n ** 63n - 1n],
} as const satisfies Record<string, readonly [bigint, bigint]>;

/** The integer types whose values are JavaScript numbers. */
export type SmallIntegerName = "tinyint" | "smallint" | "int";

const SMALL_RANGES: Readonly<Record<SmallIntegerName, readonly [number, number]>> = {
  tinyint: [Number(INTEGER_RANGES.tinyint[0]), Number(INTEGER_RANGES.tinyint[1])],
  smallint: [Number(INTEGER_RANGES.smallint[0]), Number(INTEGER_RANGES.smallint[1])],
  int: [Number(INTEGER_RANGES.int[0]), Number(INTEGER_RANGES.int[1])],
};

/**
 * Whether `value` is an integer of the type's range, checked as a number: the common case of every
 * such value read, without the bigint the general path makes.
 */
export function fitsSmallInteger(value: number, name: SmallIntegerName): boolean {
  const [min, max] = SMALL_RANGES[name];
  return Number.isInteger(value) && value >= min && value <= max;
}

const INTEGER_TEXT = /^[+-]?\d+$/;
// JSON's number grammar, plus a leading "+" and the forms Java's BigDecimal reads ("1.", ".5").
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

export function parseIntegerText(text: string): bigint | undefined {
  return INTEGER_TEXT.test(text) ? BigInt(text) : undefined;
}

/** A decimal number as Cassandra keeps it: unscaledValue × 10^-scale, with a 32-bit scale. */
export interface Decimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

/** Reads decimal text exactly, keeping the scale ("1.50" has scale 2, "1E+3" scale -3). */
export function parseDecimalText(text: string): Decimal | "syntax" | "scale" {
  const match = DECIMAL_TEXT.exec(text);
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match ?? [];
  if (match === null || whole.length + fraction.length === 0) return "syntax";
  const scale = BigInt(fraction.length) - BigInt(exponent);
  if (scale < INT32_MIN || scale > INT32_MAX) return "scale";
  return { unscaled: BigInt(`${sign}${whole}${fraction}`), scale: Number(scale) };
}

/** Java's BigDecimal.toString: plain unless the exponent is large or very negative. */
export function formatDecimal({ unscaled, scale }: Decimal): string {
  const sign = unscaled < 0n ? "-" : "";
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString();
  const adjusted = digits.length - 1 - scale;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return sign + digits;
    if (digits.length > scale) {
      return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
    }
    return `${sign}0.${"0".repeat(scale - digits.length)}${digits}`;
  }
  const mantissa = digits.length > 1 ? `${digits.charAt(0)}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted >= 0 ? "+" : ""}${adjusted}`;
}

/**
 * The number whose shortest printed form is the shortest decimal that reads back as the same
 * float32: 0.1f prints as 0.1, not as 0.10000000149011612. `value` must already be a float32.
 */
export function shortestFloat32(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  for (let precision = 1; precision <= 9; precision++) {
    const [mantissa = "", exponent = "0"] = value.toExponential(precision - 1).split("e");
    const digits = BigInt(mantissa.replace(".", ""));
    const shift = Number(exponent) - (precision - 1);
    // The nearest decimal of this length may fall outside the float's rounding interval where the
    // interval is lopsided (at powers of two) while a neighbour falls inside, so try those too.
    const candidates = [digits, digits - 1n, digits + 1n]
      .map((d) => Number(`${d}e${shift}`))
      .filter((candidate) => Math.fround(candidate) === value)
      .sort((a, b) => Math.abs(a - value) - Math.abs(b - value));
    if (candidates[0] !== undefined) return candidates[0];
  }
  return value;
}

/** Big-endian two's complement, as CQL varint (and the unscaled part of decimal) is stored. */
export function bigintFromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let result = 0n;
  for (const byte of bytes) result = (result << 8n) | BigInt(byte);
  const first = bytes[0] ?? 0;
  return first >= 0x80 ? result - (1n << BigInt(bytes.length * 8)) : result;
}

export function twosComplementFromBigint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  } while (!(rest === 0n && (bytes[0] ?? 0) < 0x80) && !(rest === -1n && (bytes[0] ?? 0) >= 0x80));
  return Buffer.from(bytes);
}
