// A state key names one configuration's checkpoint, lease and run history in every backend: a
// directory name, part of an Elasticsearch document id, and a Cassandra partition key. So it keeps
// to characters all three accept, and stays readable enough to find by eye in a listing of the state store.
import { createHash } from "node:crypto";
import { STATE_KEY_RULE, stateKeyProblem } from "../core/names.js";
import { StateSetupError } from "./state-errors.js";

/** Everything that makes two configurations reconcile different data. */
export interface StateKeyParts {
  readonly cassandraCluster: string;
  readonly keyspace: string;
  readonly elasticsearchCluster: string;
  readonly index: string;
  /** The `--tables` selection; empty or absent means every table. */
  readonly tables?: readonly string[] | undefined;
  readonly direction: string;
  readonly layout: string;
}

/** What the key of a configuration is made of; the resolved options have these fields. */
export interface StateKeyOptions {
  /** --name: the key itself. */
  readonly name?: string;
  /** --shard: each shard covers its own part of the data. */
  readonly shard?: { readonly index: number; readonly total: number };
  readonly cassandra: { readonly contactPoints: readonly string[]; readonly port: number };
  readonly keyspace: string;
  readonly elasticsearch: { readonly nodes: readonly string[] };
  readonly index: string;
  readonly tables: readonly string[];
  readonly direction: string;
  readonly layout: string;
}

const READABLE_PART_LENGTH = 40;

/** The key of a configuration: --name or one derived from it, with its shard, if any. */
export function stateKeyFor(options: StateKeyOptions): string {
  // Each shard covers its own part of the data, so each keeps its own checkpoint, lease and history.
  const shard = options.shard === undefined ? "" : `.shard-${options.shard.index}-of-${options.shard.total}`;
  return validateStateKey(`${baseStateKey(options)}${shard}`);
}

/** The `--shard i/N` a key was made with, as it is given on the command line; undefined if none. */
const SHARD_SUFFIX = /\.shard-(\d+)-of-(\d+)$/;

export function shardOfKey(key: string): string | undefined {
  const match = SHARD_SUFFIX.exec(key);
  return match === null ? undefined : `${match[1]}/${match[2]}`;
}

function baseStateKey(options: StateKeyOptions): string {
  if (options.name !== undefined) return options.name;
  return deriveStateKey({
    cassandraCluster: `${[...options.cassandra.contactPoints].sort().join(",")}:${options.cassandra.port}`,
    keyspace: options.keyspace,
    elasticsearchCluster: [...options.elasticsearch.nodes].sort().join(","),
    index: options.index,
    tables: options.tables,
    direction: options.direction,
    layout: options.layout,
  });
}

/**
 * The keys of other configurations of the same keyspace and index among `keys`, when `key` is one
 * derived from the options: another spelling of the same clusters (a contact point with its port, a
 * node by name), another --tables or --direction. Empty for a --name key.
 */
export function siblingKeys(key: string, keys: readonly string[], keyspace: string, index: string): string[] {
  const prefix = `${readable(keyspace)}.${readable(index)}.`;
  if (!key.startsWith(prefix)) return [];
  // The same configuration's other shards, of this count or another, are no other spelling of it.
  const base = unshardedKey(key);
  return keys.filter((k) => k.startsWith(prefix) && unshardedKey(k) !== base);
}

/** A key without its shard: the configuration's key. */
export function unshardedKey(key: string): string {
  return key.replace(SHARD_SUFFIX, "");
}

/**
 * The other shard counts `keys` hold of `key`'s configuration, each with the keys of all its shards in
 * order; `undefined` stands for the configuration's unsharded key, where that is present and not `key`.
 */
export function otherShardCounts(key: string, keys: readonly string[]): Map<number | undefined, string[]> {
  const base = unshardedKey(key);
  const own = SHARD_SUFFIX.exec(key)?.[2];
  const counts = new Map<number | undefined, string[]>();
  if (own !== undefined && keys.includes(base)) counts.set(undefined, [base]);
  for (const k of keys) {
    const match = SHARD_SUFFIX.exec(k);
    if (match === null || k.slice(0, match.index) !== base || match[2] === own) continue;
    const total = Number(match[2]);
    counts.set(
      total,
      Array.from({ length: total }, (_, i) => `${base}.shard-${i}-of-${total}`),
    );
  }
  return counts;
}

/** `<keyspace>.<index>.<hash>`, where the hash covers every part, so any change gives a new key. */
export function deriveStateKey(parts: StateKeyParts): string {
  const tables = [...new Set(parts.tables ?? [])].sort();
  const identity = JSON.stringify([
    parts.cassandraCluster,
    parts.keyspace,
    parts.elasticsearchCluster,
    parts.index,
    tables.length === 0 ? "*" : tables,
    parts.direction,
    parts.layout,
  ]);
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, 8);
  return `${readable(parts.keyspace)}.${readable(parts.index)}.${hash}`;
}

/** Returns an explicit `--name` unchanged if it is a usable key, and throws a `StateSetupError` if not. */
export function validateStateKey(name: string): string {
  const problem = stateKeyProblem(name);
  if (problem !== undefined) {
    throw new StateSetupError(
      `the state name '${name}' cannot be used: ${problem}. A state name holds ${STATE_KEY_RULE}; ` +
        "choose another --name.",
      { name, problem },
    );
  }
  return name;
}

export function isValidStateKey(name: string): boolean {
  return stateKeyProblem(name) === undefined;
}

function readable(part: string): string {
  const cleaned = part
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, READABLE_PART_LENGTH);
  return cleaned === "" ? "x" : cleaned;
}
