// Durations always carry a unit: a bare "30" could mean seconds or milliseconds, and guessing wrong
// by a factor of a thousand is worse than asking.
import { ConfigError, flagSource } from "../core/errors.js";
import type { OptionSource } from "../core/errors.js";
import { UNIT_MS, type Unit } from "../core/duration-text.js";

const WHOLE = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/**
 * Parses `1500ms`, `30s`, `5m`, `1h`, `2d`, or a combination such as `1h30m`, into milliseconds.
 * `0` alone is accepted. Anything else is a ConfigError that names `option`: so is a combination
 * that gives a unit twice (`1h1h`) or a smaller unit before a larger one (`30m1h`), which is a slip
 * of the keyboard more often than a sum anyone meant.
 */
export function parseDuration(
  value: string,
  option: string,
  source: OptionSource = flagSource(option),
): number {
  const ms = durationMillis(value);
  if (typeof ms === "number") return ms;
  throw new ConfigError(option, source, ms.problem, { details: { value } });
}

/** What parseDuration reads, or a sentence saying what is wrong with `value`, which it quotes. */
export function durationMillis(value: string): number | { readonly problem: string } {
  const text = value.trim();
  if (text === "0") return 0;
  if (!WHOLE.test(text)) {
    const hint = /^\d+(\.\d+)?$/.test(text)
      ? `has no unit; write for example ${text}s or ${text}ms`
      : "is not a duration";
    return {
      problem: `"${value}" ${hint}. Use a whole number with a unit (ms, s, m, h, d), which may be combined: 1500ms, 30s, 5m, 1h30m, 2d.`,
    };
  }
  const slip = unitSlip(text);
  if (slip !== undefined) {
    return { problem: `"${text}" ${slip}. Give each unit once, largest first, as in 1h30m or 1m30s500ms.` };
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as Unit];
  if (!Number.isSafeInteger(total)) return { problem: `"${value}" is too long a duration.` };
  return total;
}

const ORDER: readonly string[] = Object.keys(UNIT_MS);

function unitSlip(text: string): string | undefined {
  const seen: string[] = [];
  for (const [, , unit = ""] of text.matchAll(PART)) {
    const previous = seen.at(-1);
    if (previous !== undefined && ORDER.indexOf(unit) <= ORDER.indexOf(previous)) {
      return seen.includes(unit) ? `gives the unit ${unit} twice` : `gives ${previous} before ${unit}`;
    }
    seen.push(unit);
  }
  return undefined;
}
