// Cassandra answers "unavailable" both when replicas are down and when the consistency level asks for
// more replicas than the keyspace has at all (THREE on a keyspace with one replica). The first is
// worth retrying through a restart; the second never succeeds, and retrying it for --retry-window
// while advising to check the nodes sends the user the wrong way. Told apart here by the replicas the
// keyspace can have: its replication factor per data centre, capped by the nodes the cluster has
// (down ones included), so a count is never below the truth. The replication is read from
// system_schema, not from the driver's metadata, which misses it with the encoding synced uses
// (replication is a map, and the driver's parser expects an object).
import cassandra from "cassandra-driver";
import { ConfigError, SyncedError } from "../../core/errors.js";
import { consistencyName } from "./consistency.js";

export interface KeyspaceReplicas {
  readonly keyspace: string;
  /** As a user would recognise it: `SimpleStrategy, replication factor 1, on 1 node`. */
  readonly replication: string;
  /** The most replicas of a row the cluster can hold. */
  readonly total: number;
  /** The most of them in the local data centre, which LOCAL_* levels count. */
  readonly local: number;
  /** The replicas the replication asks for, in all and locally, before the nodes cap them. */
  readonly asked: { readonly total: number; readonly local: number };
}

export interface Unmeetable {
  /** The level, as the driver numbers it and as the options name it. */
  readonly consistency: number;
  readonly level: string;
  readonly required: number;
  readonly available: number;
  readonly scope: "cluster" | "local";
}

const { consistencies, responseErrorCodes } = cassandra.types;
const UNAVAILABLE: number = responseErrorCodes.unavailableException;
const LOCAL_LEVELS = new Set<number>([
  consistencies.localOne,
  consistencies.localQuorum,
  consistencies.localSerial,
]);

/** A keyspace's replication as system_schema holds it: the strategy's class and its options. */
export interface Replication {
  readonly keyspace: string;
  readonly strategy: string;
  readonly options: Readonly<Record<string, string>>;
}

/** Undefined when the keyspace does not exist, or the cluster would not say. */
export async function readReplication(
  client: cassandra.Client,
  keyspace: string,
): Promise<Replication | undefined> {
  try {
    const result = await client.execute(
      "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
      [keyspace],
      { prepare: true },
    );
    const replication: unknown = result.rows[0]?.get("replication");
    if (!(replication instanceof Map)) return undefined;
    const entries = [...(replication as Map<string, string>).entries()];
    const strategy = entries.find(([key]) => key === "class")?.[1] ?? "";
    return { keyspace, strategy, options: Object.fromEntries(entries.filter(([key]) => key !== "class")) };
  } catch {
    // Only a better message depends on it; a cluster that cannot answer shows it on the run's reads.
    return undefined;
  }
}

/** Undefined for strategies whose placement this does not know (LocalStrategy, custom ones). */
export function keyspaceReplicas(
  keyspace: string,
  strategy: string,
  options: Readonly<Record<string, string>>,
  nodesByDc: ReadonlyMap<string, number>,
  localDc: string,
): KeyspaceReplicas | undefined {
  const factor = (text: string | undefined): number => Number.parseInt(text ?? "0", 10) || 0;
  const short = strategy.split(".").pop() ?? strategy;
  if (short === "SimpleStrategy") {
    const rf = factor(options["replication_factor"]);
    const nodes = [...nodesByDc.values()].reduce((a, b) => a + b, 0);
    return {
      keyspace,
      replication: `${short}, replication factor ${rf}, on ${nodes} node${nodes === 1 ? "" : "s"}`,
      total: Math.min(rf, nodes),
      local: Math.min(rf, nodesByDc.get(localDc) ?? 0),
      asked: { total: rf, local: nodesByDc.has(localDc) ? rf : 0 },
    };
  }
  if (short === "NetworkTopologyStrategy") {
    const dcs = Object.entries(options).filter(([dc]) => dc !== "class");
    const inDc = (dc: string): number => Math.min(factor(options[dc]), nodesByDc.get(dc) ?? 0);
    return {
      keyspace,
      replication: [short, ...dcs.map(([dc, rf]) => `${dc}: ${rf}`)].join(", "),
      total: dcs.reduce((sum, [dc]) => sum + inDc(dc), 0),
      local: inDc(localDc),
      asked: {
        total: dcs.reduce((sum, [dc]) => sum + factor(options[dc]), 0),
        local: factor(options[localDc]),
      },
    };
  }
  return undefined;
}

/** What makes `error` an unavailable answer that no retry can cure, if it is one. */
export function unmeetableConsistency(
  error: unknown,
  replicas: KeyspaceReplicas | undefined,
): Unmeetable | undefined {
  if (replicas === undefined) return undefined;
  // Every coordinator gives the same answer, so one host's is enough.
  const answers =
    error instanceof cassandra.errors.NoHostAvailableError
      ? Object.values((error.innerErrors ?? {}) as Record<string, unknown>)
      : [error];
  for (const answer of answers) {
    if (!(answer instanceof cassandra.errors.ResponseError)) continue;
    if (answer.code !== UNAVAILABLE) continue;
    const { consistencies: level, required } = answer as { consistencies?: unknown; required?: unknown };
    if (typeof level !== "number" || typeof required !== "number") continue;
    const scope = LOCAL_LEVELS.has(level) ? "local" : "cluster";
    const available = scope === "local" ? replicas.local : replicas.total;
    if (required > available) {
      return {
        consistency: level,
        level: consistencyName(level),
        required,
        available,
        scope,
      };
    }
  }
  return undefined;
}

/** The refusal of the option whose level no retry can meet; exit 2, since only a new value helps. */
export function unmeetableError(
  found: Unmeetable,
  replicas: KeyspaceReplicas,
  option: "cassandra-read-consistency" | "cassandra-write-consistency",
  action: string,
  cause: unknown,
): ConfigError {
  const local = found.scope === "local";
  const needs = `${found.required} replica${found.required === 1 ? "" : "s"}`;
  const has = found.available === 0 ? "none" : String(found.available);
  const asked = local ? replicas.asked.local : replicas.asked.total;
  // A replication that asks for enough replicas on too few nodes (one raised before the nodes came):
  // more replicas would not help, fewer or more nodes would.
  const remedy =
    asked >= found.required
      ? `, or give the cluster the nodes the keyspace's ${asked} replicas need, or give the keyspace ` +
        "no more replicas than its nodes can hold (ALTER KEYSPACE ... WITH replication)."
      : ", or give the keyspace more replicas (ALTER KEYSPACE ... WITH replication) and the cluster the " +
        "nodes to hold them.";
  return new ConfigError(
    option,
    undefined,
    `Cassandra cannot ${action} at ${found.level}: ${found.level} needs ${needs}` +
      `${local ? " in the local data centre (--cassandra-local-dc)" : ""}, but keyspace ` +
      `${replicas.keyspace} has ${has}${local ? " there" : ""} (${replicas.replication}), so no retry can succeed. Choose a lower --${option} (LOCAL_QUORUM ` +
      `needs a majority of the replicas, LOCAL_ONE one of them)${remedy}`,
    { details: { level: found.level, required: found.required, replicas: found.available }, cause },
  );
}

/**
 * The refusal of a lightweight transaction whose Paxos round no retry can meet: it needs a majority of
 * all the row's replicas whatever the options say, so only the keyspace's replication (or more nodes)
 * can make it work; exit 1, as the flags are not at fault.
 */
export function unmeetableTransactionError(
  found: Unmeetable,
  replicas: KeyspaceReplicas,
  action: string,
  cause: unknown,
): SyncedError {
  const has = found.available === 0 ? "none" : String(found.available);
  return new SyncedError(
    `Cassandra cannot ${action} with a lightweight transaction: its Paxos round needs ${found.required} ` +
      `replicas (a majority of the row's replicas${found.scope === "local" ? " in the local data centre" : ""}, ` +
      `as ${found.level}), but keyspace ${replicas.keyspace} has ${has} (${replicas.replication}), so no ` +
      "retry can succeed. synced writes a row with one where its write time is within --lag of now, " +
      "and every row with --cassandra-writes lwt. Give the keyspace no more replicas than the cluster " +
      "has nodes to hold (ALTER KEYSPACE ... WITH replication), or add the nodes. The run stopped " +
      "without moving the checkpoint.",
    { level: found.level, required: found.required, replicas: found.available },
    { cause },
  );
}
