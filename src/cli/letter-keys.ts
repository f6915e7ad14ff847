// A dead-letters command that finds no letter under its key, where other keys hold some, was most
// likely given other options than the run's (--name, --tables): naming those keys says so.
import type { SyncOptions } from "../config/options.js";
import { SyncedError } from "../core/errors.js";
import { openStateStore } from "../state/open-state-store.js";
import { shardOfKey, unshardedKey } from "../state/state-key.js";
import type { Clients } from "./connections.js";
import { nearestKeys } from "./nearest-keys.js";
import { openDeadLetters } from "./run-command.js";

/** Keys looked into at most, nearest first: each costs a count in the letters' store. */
const LOOKED_INTO = 20;

/**
 * The keys of the state store, other than `key`, that have letters waiting, nearest first. Empty where
 * the state is in another store than the letters (its connection is not open) or cannot be read: the
 * hint is not worth failing the command for.
 */
export async function otherKeysWithLetters(
  key: string,
  options: SyncOptions,
  clients: Partial<Clients>,
): Promise<string[]> {
  if (options.state.backend !== (options.deadLetter ?? options.state).backend) return [];
  let keys: string[];
  try {
    const state = await openStateStore(options.state, clients, {
      timeoutMs: options.stateTimeoutMs,
      localDc: options.cassandra.localDc,
      create: false,
    });
    try {
      keys = await state.listKeys();
    } finally {
      await state.close();
    }
  } catch (error) {
    if (error instanceof SyncedError) return [];
    throw error;
  }
  const others = keys.filter((k) => k !== key);
  const candidates = [...new Set([...nearestKeys(key, others, options, LOOKED_INTO), ...others])].slice(
    0,
    LOOKED_INTO,
  );
  const holding: string[] = [];
  for (const candidate of candidates) {
    if ((await lettersOf(candidate, options, clients)) > 0) holding.push(candidate);
    if (holding.length === 3) break;
  }
  return holding;
}

async function lettersOf(key: string, options: SyncOptions, clients: Partial<Clients>): Promise<number> {
  let store;
  try {
    store = await openDeadLetters(options, key, clients, false);
  } catch (error) {
    // A key whose runs never put a letter has no store of its own (a file beside the state).
    if (error instanceof SyncedError) return 0;
    throw error;
  }
  try {
    return await store.count(key);
  } finally {
    await store.close();
  }
}

/** For a message: the keys that hold letters, and what to check; else nothing. */
export function lettersElsewhereText(keys: readonly string[], key: string): string {
  if (keys.length === 0) return "";
  // A key of this configuration under another shard count is reached by --shard alone.
  const named = keys.map((k) => {
    if (unshardedKey(k) !== unshardedKey(key)) return k;
    const shard = shardOfKey(k);
    return `${k} (${shard === undefined ? "no --shard" : `--shard ${shard}`})`;
  });
  return (
    `\nLetters wait under other state keys: ${named.join(", ")}. ` +
    "Give the options of the run that stored them (--name, --tables, ...)."
  );
}
