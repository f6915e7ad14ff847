// Durations always carry a unit: a bare "30" could mean seconds or milliseconds, and guessing wrong
// by a factor of a thousand is worse than asking.
import { ConfigError, flagSource } from "../core/errors.js";
import type { OptionSource } from "../core/errors.js";

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const WHOLE = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/**
 * Parses `1500ms`, `30s`, `5m`, `1h`, `2d`, or a combination such as `1h30m`, into milliseconds.
 * `0` alone is accepted. Anything else is a ConfigError that names `option`.
 */
export function parseDuration(
  value: string,
  option: string,
  source: OptionSource = flagSource(option),
): number {
  const text = value.trim();
  if (text === "0") return 0;
  if (!WHOLE.test(text)) {
    const hint = /^\d+(\.\d+)?$/.test(text)
      ? `has no unit; write for example ${text}s or ${text}ms`
      : "is not a duration";
    throw new ConfigError(
      option,
      source,
      `"${value}" ${hint}. Use a whole number with a unit (ms, s, m, h, d), which may be combined: 1500ms, 30s, 5m, 1h30m, 2d.`,
      { details: { value } },
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as Unit];
  if (!Number.isSafeInteger(total)) {
    throw new ConfigError(option, source, `"${value}" is too long a duration.`, { details: { value } });
  }
  return total;
}

/** The shortest exact form of a duration, in the syntax parseDuration reads: 300000 → `5m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  let rest = ms;
  let text = "";
  for (const unit of Object.keys(UNIT_MS) as Unit[]) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}
