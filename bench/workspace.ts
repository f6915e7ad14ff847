// The benchmark's keyspace and indices: named `bench_<base36 time>` so runs never collide, and
// removed at the end, whatever happened in between.
import { mkdtemp, rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clients } from "./clients.js";
import { createTableCql } from "./data.js";

export interface Workspace {
  /** The keyspace, and the index prefix (`-i`): table `t` lives in index `<name>-t`. */
  readonly name: string;
  /** synced's state and dead letters, outside the repository. */
  readonly stateDirectory: string;
}

export function indexOf(workspace: Workspace, table: string): string {
  return `${workspace.name}-${table}`;
}

export async function createWorkspace(clients: Clients, now = Date.now()): Promise<Workspace> {
  const name = `bench_${now.toString(36)}`;
  const stateDirectory = await mkdtemp(join(tmpdir(), `synced-${name}-`));
  try {
    await clients.cassandra.execute(
      `CREATE KEYSPACE ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
  } catch (error) {
    await rm(stateDirectory, { recursive: true, force: true });
    throw error;
  }
  return { name, stateDirectory };
}

export async function createTables(clients: Clients, workspace: Workspace, tables: string[]): Promise<void> {
  // One at a time: concurrent schema changes on one node only queue up behind each other.
  for (const table of tables) await clients.cassandra.execute(createTableCql(workspace.name, table));
}

export async function dropTable(clients: Clients, workspace: Workspace, table: string): Promise<void> {
  await clients.cassandra.execute(`DROP TABLE IF EXISTS ${workspace.name}.${table}`);
}

/**
 * The storage-attached index on tmstmp that `--create-timestamp-index` would create, built before the
 * incremental figures so that they time the runs, not the build. Bounded: a few minutes at most.
 */
export async function indexTimestamps(clients: Clients, workspace: Workspace, table: string): Promise<void> {
  const name = `${table}_tmstmp_idx`;
  await clients.cassandra.execute(
    `CREATE CUSTOM INDEX IF NOT EXISTS ${name} ON ${workspace.name}.${table} (tmstmp) USING 'StorageAttachedIndex'`,
  );
  for (let attempt = 0; attempt < 1200; attempt++) {
    const result = await clients.cassandra.execute(
      "SELECT index_name, is_queryable FROM system_views.sai_column_indexes WHERE keyspace_name = ?",
      [workspace.name],
      { prepare: true },
    );
    if (result.rows.some((row) => row.get("index_name") === name && row.get("is_queryable") === true)) return;
    await delay(250);
  }
  throw new Error(`the index ${workspace.name}.${name} did not become queryable within 5 minutes`);
}

export async function deleteIndex(clients: Clients, index: string): Promise<void> {
  await clients.elasticsearch.indices.delete({ index, ignore_unavailable: true });
}

/** Makes everything indexed so far visible to the next search or point in time. */
export async function refreshIndex(clients: Clients, index: string): Promise<void> {
  await clients.elasticsearch.indices.refresh({ index });
}

export async function countDocuments(clients: Clients, index: string): Promise<number> {
  return (await clients.elasticsearch.count({ index })).count;
}

/**
 * Drops the keyspace and deletes the indices (and with them synced's alias) unless `keepData`, then
 * removes the state directory. Each step is tried even when an earlier one failed; the failures are
 * returned.
 */
export async function removeWorkspace(
  clients: Clients,
  workspace: Workspace,
  keepData: boolean,
): Promise<string[]> {
  const failures: string[] = [];
  const attempt = async (what: string, step: () => Promise<unknown>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (!keepData) {
    await attempt(`drop keyspace ${workspace.name}`, () =>
      clients.cassandra.execute(`DROP KEYSPACE IF EXISTS ${workspace.name}`),
    );
    // Wildcard deletes are refused by default (action.destructive_requires_name): list, then name each.
    await attempt(`delete indices ${workspace.name}-*`, async () => {
      const indices = await clients.elasticsearch.indices.get({
        index: `${workspace.name}-*`,
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      const names = Object.keys(indices);
      if (names.length > 0) await clients.elasticsearch.indices.delete({ index: names.join(",") });
    });
  }
  // The checkpoints and dead letters of throw-away runs are of no use once the data is measured.
  await attempt(`remove ${workspace.stateDirectory}`, () =>
    rm(workspace.stateDirectory, { recursive: true, force: true }),
  );
  return failures;
}
