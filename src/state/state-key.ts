// A state key names one configuration's checkpoint, lease and run history in every backend: a
// directory name, part of an Elasticsearch document id, and a Cassandra partition key. So it keeps
// to characters all three accept, and stays readable enough for `synced status`.
import { createHash } from "node:crypto";
import { StateError } from "./state-errors.js";

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

export const MAX_STATE_KEY_LENGTH = 200;

// Windows refuses these as file names whatever the extension.
const RESERVED_FILE_NAME = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const READABLE_PART_LENGTH = 40;

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

/** Returns an explicit `--name` unchanged if it is a usable key, and throws a `StateError` if not. */
export function validateStateKey(name: string): string {
  const problem = keyProblem(name);
  if (problem !== undefined) {
    throw new StateError(
      `the state name '${name}' cannot be used: ${problem}. A state name may hold letters, digits, ` +
        `'.', '_' and '-', must start with a letter or digit, and is at most ${MAX_STATE_KEY_LENGTH} ` +
        "characters long; choose another --name.",
      { name, problem },
    );
  }
  return name;
}

export function isValidStateKey(name: string): boolean {
  return keyProblem(name) === undefined;
}

function keyProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_STATE_KEY_LENGTH) return `it is ${name.length} characters long`;
  if (!/^[A-Za-z0-9]/.test(name)) return `it starts with ${JSON.stringify(name.charAt(0))}`;
  const bad = /[^A-Za-z0-9._-]/u.exec(name)?.[0];
  if (bad !== undefined) return `it contains ${JSON.stringify(bad)}`;
  if (name.endsWith(".")) return "it ends with '.', which Windows drops from file names";
  if (RESERVED_FILE_NAME.test(name)) return "it is a reserved file name on Windows";
  return undefined;
}

function readable(part: string): string {
  const cleaned = part
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, READABLE_PART_LENGTH);
  return cleaned === "" ? "x" : cleaned;
}
