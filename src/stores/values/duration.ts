// CQL duration is three signed counts: months and days (32-bit) and nanoseconds (64-bit), all of one
// sign. The driver's Duration.toString rounds months to years (18 months prints as "2y6mo") and its
// fromString skips text it does not understand, so both directions are done here, in the driver's
// unit syntax ("1y2mo3d4h5m6s7ms8us9ns"), which Duration.fromString and CQL both read.

export interface DurationParts {
  readonly months: bigint;
  readonly days: bigint;
  readonly nanos: bigint;
}

const NANOS = { h: 3_600_000_000_000n, m: 60_000_000_000n, s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n };
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

export function formatDuration({ months, days, nanos }: DurationParts): string {
  const negative = months < 0n || days < 0n || nanos < 0n;
  const abs = (n: bigint) => (n < 0n ? -n : n);
  let rest = abs(nanos);
  const units: [bigint, string][] = [
    [abs(months) / 12n, "y"],
    [abs(months) % 12n, "mo"],
    [abs(days), "d"],
  ];
  for (const [unit, size] of Object.entries(NANOS)) {
    units.push([rest / size, unit]);
    rest %= size;
  }
  units.push([rest, "ns"]);
  const text = units
    .filter(([count]) => count !== 0n)
    .map(([count, unit]) => `${count}${unit}`)
    .join("");
  return `${negative ? "-" : ""}${text === "" ? "0s" : text}`;
}

// Longest units first, so "ms" and "mo" are not read as "m".
const UNIT = /(\d+)(mo|ms|us|µs|ns|y|w|d|h|m|s)/y;
const ORDER = ["y", "mo", "w", "d", "h", "m", "s", "ms", "us", "ns"];
const ISO = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const ISO_WEEKS = /^P(\d+)W$/;

/** Reads the unit syntax or ISO 8601 (`P1Y2M3DT4H5M6S`, `P2W`); undefined when malformed or too large. */
export function parseDuration(text: string): DurationParts | undefined {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  const parts = body.startsWith("P") ? parseIso(body) : parseUnits(body);
  if (parts === undefined) return undefined;
  const { months, days, nanos } = parts;
  // A negative count may reach one further than a positive one: -2^31 months, -2^63 nanoseconds.
  const extra = negative ? 1n : 0n;
  if (months > INT32_MAX + extra || days > INT32_MAX + extra || nanos > INT64_MAX + extra) return undefined;
  return negative ? { months: -months, days: -days, nanos: -nanos } : parts;
}

function parseUnits(body: string): DurationParts | undefined {
  const parts = { months: 0n, days: 0n, nanos: 0n };
  let last = -1;
  UNIT.lastIndex = 0;
  while (UNIT.lastIndex < body.length) {
    const match = UNIT.exec(body);
    if (!match) return undefined;
    const count = BigInt(match[1] ?? "0");
    const unit = match[2] === "µs" ? "us" : (match[2] ?? "");
    const position = ORDER.indexOf(unit);
    // Each unit once and largest first, as Cassandra requires.
    if (position <= last) return undefined;
    last = position;
    add(parts, count, unit);
  }
  return last < 0 ? undefined : parts;
}

function parseIso(body: string): DurationParts | undefined {
  const weeks = ISO_WEEKS.exec(body);
  if (weeks) return { months: 0n, days: BigInt(weeks[1] ?? "0") * 7n, nanos: 0n };
  const match = ISO.exec(body);
  if (!match || body === "P" || body.endsWith("T")) return undefined;
  const parts = { months: 0n, days: 0n, nanos: 0n };
  ["y", "mo", "d", "h", "m", "s"].forEach((unit, i) => {
    add(parts, BigInt(match[i + 1] ?? "0"), unit);
  });
  return parts;
}

function add(parts: { months: bigint; days: bigint; nanos: bigint }, count: bigint, unit: string): void {
  if (unit === "y") parts.months += count * 12n;
  else if (unit === "mo") parts.months += count;
  else if (unit === "w") parts.days += count * 7n;
  else if (unit === "d") parts.days += count;
  else if (unit === "ns") parts.nanos += count;
  else parts.nanos += count * NANOS[unit as keyof typeof NANOS];
}
