// What may be logged of the options: secrets replaced, and times in ISO-8601 because JSON has no
// bigint. Secrets are found by key name, so a secret added to SyncOptions later is covered as long as
// its key is one of these.
import type { SyncOptions } from "./options.js";
import { formatMicros } from "../core/micros.js";

const SECRET_KEYS = new Set(["password", "apiKey", "secret", "token"]);
export const REDACTED = "[redacted]";

/** A JSON-safe copy of `options` with every secret replaced by "[redacted]". */
export function redactedConfig(options: SyncOptions): Record<string, unknown> {
  // Where each value came from is for messages, not for every run's log.
  const logged = Object.fromEntries(Object.entries(options).filter(([key]) => key !== "sources"));
  return redact(logged) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (typeof value === "bigint") return formatMicros(value);
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SECRET_KEYS.has(key) ? REDACTED : redact(inner)]),
  );
}
