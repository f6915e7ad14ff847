// A test's keyspace of a few tables, each holding the rows the test starts from, and a directory for
// the config file it writes: the set-up the tests of field names and of the type-field layout share.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Harness } from "./harness.js";

const PREPARED = { prepare: true } as const;

export interface TableSpec {
  readonly name: string;
  /** The columns and key as CREATE TABLE lists them: `id uuid PRIMARY KEY, tmstmp timestamp, n int`. */
  readonly columns: string;
  /** Rows to insert, by column as CQL names it (`'"a.b"'` in its quotes where it needs them). */
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
}

export interface TableWorld {
  readonly h: Harness;
  /** Writes the config file, one line each, and returns its path. */
  config(lines: readonly string[]): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * A world (Harness.create(prefix)) whose keyspace holds `tables` and their rows, after the
 * user-defined types `types` (`address (zip int, street text)`) they may use.
 */
export async function tableWorld(
  prefix: string,
  tables: readonly TableSpec[],
  types: readonly string[] = [],
): Promise<TableWorld> {
  const h = await Harness.create(prefix);
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-config-`));
  for (const type of types) await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.${type}`);
  for (const table of tables) {
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.${table.name} (${table.columns})`);
    for (const row of table.rows ?? []) {
      const columns = Object.keys(row);
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table.name} (${columns.join(", ")}) ` +
          `VALUES (${columns.map(() => "?").join(", ")})`,
        Object.values(row),
        PREPARED,
      );
    }
  }
  return {
    h,
    async config(lines) {
      const path = join(dir, "synced.yaml");
      await writeFile(path, [...lines, ""].join("\n"));
      return path;
    },
    async cleanup() {
      await h.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
