// State in a Cassandra table, for runs whose filesystem does not last, such as a CronJob's pod.
// Checkpoints and runs are written at LOCAL_QUORUM, so that a later run reading at LOCAL_QUORUM
// sees them whichever replica answers.
import { addColumns } from "./add-columns.js";
import { columnsCreatingTable, tableColumns } from "./existing-table.js";
import { LeasedStateStore } from "../leased-state-store.js";
import cassandra from "cassandra-driver";
import type { Checkpoint, RunRecord, StateStore } from "../state-store.js";
import { DEFAULT_RUN_HISTORY_LIMIT, DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { CQL_NAME_RULE, cqlNameProblem } from "../../core/names.js";
import { quoteIdentifier } from "../../core/cql-identifier.js";
import { CHECKPOINT_WAY_OUT, NoStateError, StateSetupError } from "../state-errors.js";
import { isValidStateKey, validateStateKey } from "../state-key.js";
import {
  ADDED_COLUMNS,
  COLUMNS,
  COVERS_MARK,
  createTableCql,
  INSERT_RUN_COLUMNS,
  RowReader,
  runValues,
  SINGLE_ITEM,
} from "./cassandra-schema.js";
import { CassandraLeases } from "./cassandra-lease.js";
import { STATE_FORMAT } from "../state-format.js";
import { StateReplicas } from "./state-replicas.js";
import { repeatTransient } from "../repeat-transient.js";
import { isTransientCassandraError } from "../../stores/cassandra/transient-errors.js";

export interface CassandraStateStoreOptions {
  readonly keyspace: string;
  readonly table: string;
  /** Create a missing keyspace with SimpleStrategy and one replica: for tests and demos only. */
  readonly createKeyspace?: boolean;
  /** False for commands that only read: a missing table is a NoStateError, and nothing is created. */
  readonly create?: boolean;
  readonly historyLimit?: number;
  readonly timeoutMs?: number;
  /** The client's local data centre (--cassandra-local-dc), for the messages of a replication no retry can meet. */
  readonly localDc?: string;
}

const QUORUM = { prepare: true, consistency: cassandra.types.consistencies.localQuorum };

export class CassandraStateStore extends LeasedStateStore implements StateStore {
  readonly backend = "cassandra";
  /**
   * The columns added since the first version that the checkpoint's read asks for. A table of an
   * earlier version gets them when a run opens it; a command that creates nothing (status, verify)
   * reads its checkpoints without them: as covering everything, which is what they are to the run that
   * adds `covers`, and of the first state format.
   */
  private added = `, ${ADDED_COLUMNS.join(", ")}`;

  private constructor(
    private readonly client: cassandra.Client,
    private readonly table: string,
    private readonly historyLimit: number,
    timeoutMs: number,
    localDc: string | undefined,
  ) {
    const location = `Cassandra table ${table}`;
    const replicas = new StateReplicas(client, localDc);
    const transient = (error: unknown): boolean =>
      isTransientCassandraError(error) && replicas.unusable(error) === undefined;
    const repeat = repeatTransient(transient, timeoutMs);
    super(
      location,
      new CassandraLeases(client, table, location, repeat),
      timeoutMs,
      isTransientCassandraError,
      replicas.unusable,
    );
    this.replicas = replicas;
  }

  private readonly replicas: StateReplicas;

  /** Creates the table if it is missing; the client stays the caller's to shut down. */
  static async open(
    client: cassandra.Client,
    options: CassandraStateStoreOptions,
  ): Promise<CassandraStateStore> {
    const table = `${stateName("keyspace", options.keyspace)}.${stateName("table", options.table)}`;
    const store = new CassandraStateStore(
      client,
      table,
      options.historyLimit ?? DEFAULT_RUN_HISTORY_LIMIT,
      options.timeoutMs ?? DEFAULT_STATE_TIMEOUT_MS,
      options.localDc,
    );
    await store.step("prepare the state table", () => store.prepare(options), StateSetupError);
    await store.replicas.read(options.keyspace.toLowerCase());
    return store;
  }

  getCheckpoint(key: string): Promise<Checkpoint | undefined> {
    return this.step("read the checkpoint", async () => {
      const result = await this.client.execute(
        `SELECT key, position, updated_at, run_id${this.added} FROM ${this.table} ` +
          "WHERE key = ? AND kind = 'checkpoint' AND item = ?",
        [validateStateKey(key), SINGLE_ITEM],
        QUORUM,
      );
      const row = result.rows[0];
      if (row === undefined) return undefined;
      const remedy =
        `Fix the row, or delete it (DELETE FROM ${this.table} WHERE key = '${key}' AND kind = 'checkpoint'). ` +
        CHECKPOINT_WAY_OUT;
      return new RowReader(
        row,
        `the checkpoint row of key '${key}' in table ${this.table}`,
        remedy,
      ).checkpoint();
    });
  }

  setCheckpoint(key: string, position: bigint, runId: string, covers?: readonly string[]): Promise<void> {
    return this.step("save the checkpoint", async () => {
      await this.client.execute(
        `INSERT INTO ${this.table} (key, kind, item, format, position, updated_at, run_id, covers) ` +
          "VALUES (?, 'checkpoint', ?, ?, ?, ?, ?, ?)",
        [
          validateStateKey(key),
          SINGLE_ITEM,
          STATE_FORMAT,
          position.toString(),
          new Date(),
          runId,
          covers === undefined ? null : [COVERS_MARK, ...covers],
        ],
        QUORUM,
      );
    });
  }

  deleteCheckpoint(key: string): Promise<void> {
    return this.step("delete the checkpoint", async () => {
      await this.client.execute(
        `DELETE FROM ${this.table} WHERE key = ? AND kind = 'checkpoint'`,
        [validateStateKey(key)],
        QUORUM,
      );
    });
  }

  appendRun(run: RunRecord): Promise<void> {
    return this.step("save the run history", async () => {
      validateStateKey(run.key);
      const markers = INSERT_RUN_COLUMNS.split(",").map(() => "?");
      await this.client.execute(
        `INSERT INTO ${this.table} (${INSERT_RUN_COLUMNS}) VALUES (${markers.join(", ")})`,
        runValues(run),
        QUORUM,
      );
      const kept = await this.client.execute(
        `SELECT item FROM ${this.table} WHERE key = ? AND kind = 'run' LIMIT ?`,
        [run.key, this.historyLimit + 1],
        QUORUM,
      );
      const oldestKept: unknown = kept.rows[this.historyLimit - 1]?.get("item");
      if (kept.rowLength > this.historyLimit && typeof oldestKept === "string") {
        // One range tombstone, however many runs are dropped.
        await this.client.execute(
          `DELETE FROM ${this.table} WHERE key = ? AND kind = 'run' AND item < ?`,
          [run.key, oldestKept],
          QUORUM,
        );
      }
    });
  }

  recentRuns(key: string, limit: number): Promise<RunRecord[]> {
    return this.step("read the run history", async () => {
      const result = await this.client.execute(
        `SELECT * FROM ${this.table} WHERE key = ? AND kind = 'run' LIMIT ?`,
        [validateStateKey(key), Math.max(1, Math.min(limit, this.historyLimit))],
        QUORUM,
      );
      const remedy = "Delete the row; it holds the history of one past run only.";
      const runs = result.rows.map((row) =>
        new RowReader(row, `a run row of key '${key}' in table ${this.table}`, remedy).run(),
      );
      return limit > 0 ? runs : [];
    });
  }

  /**
   * A lease partition counts: it is all that a first run still at work, or killed before it saved
   * anything, leaves. Releasing deletes the row, so a released lease lists nothing.
   */
  listKeys(): Promise<string[]> {
    return this.step("list the state keys", async () => {
      const keys = new Set<string>();
      const result = await this.client.execute(`SELECT DISTINCT key, kind FROM ${this.table}`, [], {
        ...QUORUM,
        fetchSize: 1000,
      });
      for await (const row of result) {
        const key: unknown = row.get("key");
        if (typeof key === "string" && isValidStateKey(key)) keys.add(key);
      }
      return [...keys].sort();
    });
  }

  close(): Promise<void> {
    // The client belongs to the caller.
    return Promise.resolve();
  }

  private async prepare(options: CassandraStateStoreOptions): Promise<void> {
    const keyspace = options.keyspace.toLowerCase();
    const found = await this.client.execute(
      "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
      [keyspace],
      { prepare: true },
    );
    const create = options.create ?? true;
    if (found.rowLength === 0) {
      if (!create) {
        const missing = `its keyspace ${options.keyspace} does not exist`;
        throw new NoStateError(this.location, missing, "state", false);
      }
      if (options.createKeyspace !== true) {
        throw new StateSetupError(
          `the keyspace ${options.keyspace} for the state table does not exist. Create it with the ` +
            "replication your cluster needs, or choose an existing keyspace in the state location.",
          { keyspace: options.keyspace },
        );
      }
      await this.client.execute(
        `CREATE KEYSPACE IF NOT EXISTS ${stateName("keyspace", options.keyspace)} ` +
          "WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
    }
    const table = options.table.toLowerCase();
    const present = create
      ? await columnsCreatingTable(this.client, keyspace, table, createTableCql(this.table))
      : await tableColumns(this.client, keyspace, table);
    if (present.size === 0) throw new NoStateError(this.location, "the table does not exist");
    const added = (name: string): boolean => (ADDED_COLUMNS as readonly string[]).includes(name);
    const missing = Object.keys(COLUMNS).filter((name) => !present.has(name) && !added(name));
    if (missing.length > 0) {
      throw new StateSetupError(
        `the table ${this.table} exists but is not a synced state table (it lacks ${missing.join(", ")}). ` +
          "Choose another table name in the state location.",
        { table: this.table, missing },
      );
    }
    // A state table of an earlier version lacks the columns added since. Another run adding them
    // first is as good.
    const lacking = ADDED_COLUMNS.filter((name) => !present.has(name));
    if (!create) {
      this.added = ADDED_COLUMNS.filter((name) => present.has(name))
        .map((name) => `, ${name}`)
        .join("");
      return;
    }
    await addColumns(
      this.client,
      this.table,
      lacking.map((name) => [name, COLUMNS[name]] as const),
    );
  }
}

/**
 * A keyspace or table name of the state location, for CQL. Folded to lower case as cqlsh folds an
 * unquoted name (so `App` and `app` are the same keyspace), then quoted where CQL needs it.
 */
function stateName(what: "keyspace" | "table", name: string): string {
  const problem = cqlNameProblem(name);
  if (problem !== undefined) {
    throw new StateSetupError(
      `'${name}' is not usable as the state ${what} (${problem}); a Cassandra ${what} name is ${CQL_NAME_RULE}.`,
      { [what]: name },
    );
  }
  return quoteIdentifier(name.toLowerCase());
}
