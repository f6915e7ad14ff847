// What the Cassandra cluster can do that synced relies on where it can, decided from the releases its
// nodes report. Cassandra 5.0 added maxwritetime(), which reads the newest write time of a row's
// cells, collections and user-defined types included, and storage-attached indexes (SAI), which
// answer range queries on the timestamp column, and the vector type, which an index's dense_vector
// field becomes. Cassandra 4.1 has none of them: synced then reads write times cell by cell
// (fetch-current.ts, write.ts), cannot create the timestamp index, and makes no vector column.
//
// Pure: connect.ts reads the releases from the driver's view of the cluster once it is connected, the
// stores take the result as a setting, and tests pass a release to take the 4.1 paths on a 5.0 server.
import { formatCqlType, holdsType, type CqlType } from "../../core/cql-type.js";

export interface CassandraCapabilities {
  /** The oldest release among the nodes, as the server reports it, for messages. */
  readonly release: string;
  /** maxwritetime() exists (Cassandra 5.0 and later). */
  readonly maxWritetime: boolean;
  /** Storage-attached indexes exist (Cassandra 5.0 and later). */
  readonly storageAttachedIndexes: boolean;
  /** The vector type exists (Cassandra 5.0 and later). */
  readonly vectorType: boolean;
}

const UNKNOWN = "of an unknown release";
const NONE = { maxWritetime: false, storageAttachedIndexes: false, vectorType: false } as const;

type Version = readonly [major: number, minor: number, patch: number];

/** The numbers of a release such as `4.1.10` or `5.0-beta1`; undefined when it is not one. */
function parseRelease(release: string): Version | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/**
 * The capabilities of a cluster whose nodes report `releases`. Any node may coordinate a query, so
 * the oldest decides (a cluster in the middle of a rolling upgrade from 4.1 is a 4.1 cluster). A
 * release that cannot be read counts as one without either feature: the paths for 4.1 work on every
 * release, the others do not.
 */
export function capabilitiesOf(releases: readonly string[]): CassandraCapabilities {
  let oldest: { release: string; version: Version } | undefined;
  for (const release of releases) {
    const version = parseRelease(release);
    if (version === undefined) return { release: release || UNKNOWN, ...NONE };
    if (oldest === undefined || compare(version, oldest.version) < 0) oldest = { release, version };
  }
  if (oldest === undefined) return { release: UNKNOWN, ...NONE };
  const atLeast5 = oldest.version[0] >= 5;
  return {
    release: oldest.release,
    maxWritetime: atLeast5,
    storageAttachedIndexes: atLeast5,
    vectorType: atLeast5,
  };
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Why --create-timestamp-index cannot be done on this cluster, or undefined when it can. */
export function timestampIndexRefusal(capabilities: CassandraCapabilities): string | undefined {
  if (capabilities.storageAttachedIndexes) return undefined;
  return (
    `--create-timestamp-index creates a storage-attached index (SAI), which Cassandra 5.0 introduced, ` +
    `and this cluster runs Cassandra ${capabilities.release}. Nothing was done: run without ` +
    `--create-timestamp-index. Runs then read a time range by filtering every row of each table, so ` +
    `an incremental run costs time in proportion to the table rather than to what changed, until the ` +
    `cluster is on Cassandra 5.0.`
  );
}

/** Whether a column of `type` is a vector or holds one. */
function holdsVector(type: CqlType): boolean {
  return holdsType(type, (t) => t.kind === "vector");
}

/**
 * Why this cluster cannot hold a column of `type` made for the index field `field` (mapped as
 * `fieldType`), or undefined when it can. Sent anyway, the statement fails with a CQL syntax error
 * that says nothing of the release. The caller adds what to do, which differs between a table and a
 * column.
 */
export function columnTypeRefusal(
  capabilities: CassandraCapabilities,
  field: string,
  fieldType: string,
  type: CqlType,
): string | undefined {
  if (capabilities.vectorType || !holdsVector(type)) return undefined;
  return (
    `field "${field}" (${fieldType}) would be a column of type ${formatCqlType(type)}, and the vector ` +
    `type came with Cassandra 5.0: this cluster runs Cassandra ${capabilities.release}`
  );
}
