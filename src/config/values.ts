// Turns one raw value, from whichever layer supplied it, into a typed value, or into a ConfigError
// that names the option and that layer. Flags and the environment give strings; a config file may
// also give numbers, booleans and lists.
import { ConfigError } from "../core/errors.js";
import type { OptionSource } from "../core/errors.js";
import type { Flag } from "./option-specs.js";

export interface Setting {
  readonly flag: Flag;
  readonly raw: unknown;
  readonly source: OptionSource;
  /** The value is never echoed in an error. */
  readonly secret: boolean;
}

export function invalid(setting: Setting, problem: string): ConfigError {
  return new ConfigError(setting.flag, setting.source, problem);
}

/** `"x"` for error messages, or nothing for a secret. */
export function quoted(setting: Setting, text: string): string {
  return setting.secret ? "the value" : `"${text}"`;
}

/** One non-empty string. Integer numbers from a file are accepted as their digits, except for secrets. */
export function asText(setting: Setting): string {
  const { raw } = setting;
  if (Array.isArray(raw)) {
    // Only a repeated flag gives a list from the command line; a file's list is a value of the wrong shape.
    if (setting.source.kind === "file")
      throw invalid(setting, "takes one value, not a list; keep the one you mean");
    throw invalid(setting, "given more than once; give it once");
  }
  let text: string;
  // A secret is taken verbatim: spaces around it may be part of it.
  if (typeof raw === "string") text = setting.secret ? raw : raw.trim();
  else if (typeof raw === "number" && Number.isSafeInteger(raw) && !setting.secret) text = String(raw);
  else throw invalid(setting, `must be a string${typeof raw === "number" ? "; quote it" : ""}`);
  if (text.trim() === "") throw invalid(setting, "is empty");
  return text;
}

/** Comma separated text, repeated flags, or a file's list; blanks and duplicates dropped. */
export function asList(setting: Setting): string[] {
  const items = Array.isArray(setting.raw) ? (setting.raw as unknown[]) : [setting.raw];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== "string")
      throw invalid(setting, "must be a list of strings, or one comma separated string");
    for (const part of item.split(",")) {
      const trimmed = part.trim();
      if (trimmed !== "" && !out.includes(trimmed)) out.push(trimmed);
    }
  }
  return out;
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/** The words a switch takes as a value, in any case: true, 1, yes, on; false, 0, no, off. */
export function booleanWord(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return TRUE.has(word) ? true : FALSE.has(word) ? false : undefined;
}

const BOOLEAN_ADVICE = "write true or false (yes/no, on/off and 1/0 are read too)";

export function asBoolean(setting: Setting): boolean {
  const { raw } = setting;
  if (typeof raw === "boolean") return raw;
  const word = typeof raw === "string" || raw === 0 || raw === 1 ? booleanWord(String(raw)) : undefined;
  if (word !== undefined) return word;
  if (Array.isArray(raw)) throw invalid(setting, "takes true or false, not a list");
  throw invalid(setting, `${JSON.stringify(raw)} is not true or false; ${BOOLEAN_ADVICE}`);
}

export function asInteger(setting: Setting, min: number, max: number): number {
  const text = asText(setting);
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(setting, `"${text}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

export function asChoice<T extends string>(setting: Setting, choices: readonly T[], caseless = false): T {
  const text = asText(setting);
  const found = choices.find((choice) =>
    caseless ? choice.toLowerCase() === text.toLowerCase() : choice === text,
  );
  if (found === undefined) throw invalid(setting, `"${text}" is not one of ${choices.join(", ")}`);
  return found;
}

/** A time or duration: text, or a whole number from a file, whose precision a float would lose. */
export function asNumericText(setting: Setting): string {
  if (typeof setting.raw === "number" && !Number.isSafeInteger(setting.raw)) {
    throw invalid(setting, `${setting.raw} must be quoted, so that no digit is lost`);
  }
  return asText(setting);
}
