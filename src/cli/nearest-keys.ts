// An operator who mistypes --name, or spells --tables differently from the run, reaches another state
// key than the run's: naming the keys the store does hold shows which one was meant.
import type { SyncOptions } from "../config/options.js";
import { closestNames, nearNames } from "../core/did-you-mean.js";
import { siblingKeys } from "../state/state-key.js";

/**
 * Up to `limit` of `keys` (other than `key`) most likely meant: those close in spelling, and for a key
 * derived from the options, those of the same keyspace and index; else the first ones the store holds.
 */
export function nearestKeys(key: string, keys: readonly string[], options: SyncOptions, limit = 3): string[] {
  const others = keys.filter((k) => k !== key);
  const siblings =
    options.name === undefined ? siblingKeys(key, others, options.keyspace, options.index) : [];
  const near = [...new Set([...nearNames(key, others, limit), ...siblings])];
  return (near.length > 0 ? near : closestNames(key, others, limit)).slice(0, limit);
}

/** For a message: where the store holds other keys, which, and what to check; else nothing. */
export function otherKeysText(keys: readonly string[], location: string): string {
  if (keys.length === 0) return "";
  return (
    ` The state store (${location}) also holds ${keys.join(", ")}: check --name, --tables and the ` +
    "other options that make the key against the run's."
  );
}
