// A per-test world on the real servers: a fresh keyspace, index prefix and state directory, clients
// for arranging data the way other applications would, and ways to run synced on it, in-process (fast,
// with the report) or as the real command (exit codes, signals).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import cassandra from "cassandra-driver";
import { parseRunFlags } from "./flags.js";
import { loadConfig } from "../../src/config/load-config.js";
import { runCommand } from "../../src/cli/run-command.js";
import type { Logger } from "../../src/cli/logger.js";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";
import { RunDeadLetters } from "../../src/deadletter/run-dead-letters.js";
import type { RecordStore } from "../../src/reconcile/record-store.js";
import type { RunReport } from "../../src/reconcile/run-report.js";
import { runSync } from "../../src/reconcile/run-sync.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import type { StateStore } from "../../src/state/state-store.js";
import type { CassandraCapabilities } from "../../src/stores/cassandra/capabilities.js";
import { CassandraStore, type CassandraStoreSettings } from "../../src/stores/cassandra/cassandra-store.js";
import { clusterCapabilities } from "../../src/stores/cassandra/connect.js";
import { SearchStore } from "../../src/stores/search/search-store.js";
import type { SearchClient } from "../../src/stores/search/search-client.js";
import type { SearchFixture } from "./search-fixture.js";
import { planSettings, StoreSchemaGateway, type SchemaSettings } from "../../src/stores/schema-gateway.js";
import type { PlanSettings } from "../../src/reconcile/plan-tables.js";
import { CASSANDRA_ENCODING } from "../../src/stores/values/driver-options.js";
import { MAIN, runSynced, type CliResult } from "./cli.js";
import {
  cassandraOptions,
  connectTestSearch,
  runScopedName,
  serverArgs,
  serverSecrets,
  testServers,
} from "./servers.js";

export interface EngineRun {
  readonly key: string;
  readonly begin?: Date;
  readonly cassandra?: RecordStore;
  readonly elasticsearch?: RecordStore;
  readonly state?: StateStore;
  readonly leaseTtlMs?: number;
  readonly createTimestampIndex?: boolean;
  readonly createTables?: boolean;
  readonly createColumns?: boolean;
  /** Another release's capabilities for the default Cassandra store and the schema (see stores()). */
  readonly capabilities?: CassandraCapabilities;
}

const micros = (date: Date): bigint => BigInt(date.getTime()) * 1000n;

export interface RunResult {
  readonly code: number;
  readonly summary: Record<string, unknown>;
}

const quietLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  progress: () => undefined,
  done: () => undefined,
  end: () => undefined,
  setLevel: () => undefined,
};

function newCassandraClient(): cassandra.Client {
  return new cassandra.Client(cassandraOptions({ encoding: CASSANDRA_ENCODING }));
}

export class Harness {
  readonly servers = testServers();
  #cassandra: cassandra.Client;
  /** Arranges and inspects the search side as other applications would. */
  readonly es: SearchFixture;
  /** What the test Cassandra can do, as synced finds out (read once the session is connected). */
  #capabilities: CassandraCapabilities | undefined;

  private constructor(
    readonly keyspace: string,
    readonly index: string,
    readonly stateDir: string,
    es: SearchFixture,
  ) {
    this.#cassandra = newCassandraClient();
    this.es = es;
  }

  get cassandra(): cassandra.Client {
    return this.#cassandra;
  }

  /** synced's own client of the search side, for the code under test. */
  get search(): SearchClient {
    return this.es.client;
  }

  get capabilities(): CassandraCapabilities {
    if (this.#capabilities === undefined) throw new Error("the harness reads the capabilities in create()");
    return this.#capabilities;
  }

  /**
   * A new session after the test restarted Cassandra. Shut the old one down before the server stops:
   * a driver session (cassandra-driver 4.10) that lives through a restart opens a connection again
   * after its shutdown, which keeps the test's process from ending.
   */
  async reopenCassandra(): Promise<void> {
    await this.#cassandra.shutdown();
    this.#cassandra = newCassandraClient();
  }

  static async create(prefix: string): Promise<Harness> {
    const name = runScopedName(prefix);
    const stateDir = await mkdtemp(join(tmpdir(), `${prefix}-state-`));
    const harness = new Harness(name, name, stateDir, await connectTestSearch());
    await harness.cassandra.execute(
      `CREATE KEYSPACE ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    harness.#capabilities = clusterCapabilities(harness.cassandra);
    return harness;
  }

  /** The flags every run needs: this world's keyspace, index, state and servers, and a short lag. */
  baseArgs(state: string = this.stateDir, keyspace: string = this.keyspace): string[] {
    return [
      "-k",
      keyspace,
      "-i",
      this.index,
      "--state",
      state,
      ...serverArgs(this.servers),
      "--lag",
      "0s",
      "--splits",
      "4",
    ];
  }

  /** Where this world keeps its state in one backend, as --state takes it. */
  stateIn(backend: "file" | "cassandra" | "elasticsearch"): string {
    if (backend === "file") return this.stateDir;
    return backend === "cassandra" ? `cassandra:${this.keyspace}.synced_state` : `es:${this.index}_state`;
  }

  /**
   * The base flags with --state in `backend` and the other store pointed at a port that refuses, for
   * commands that must need only the store holding the state.
   */
  argsWithOnly(backend: "cassandra" | "elasticsearch"): string[] {
    const away =
      backend === "cassandra" ? { "--es-nodes": "http://127.0.0.1:1" } : { "--cassandra-port": "1" };
    return [...this.argsWith({ "--state": this.stateIn(backend), ...away }), "--connect-timeout", "2s"];
  }

  /** The base flags with some values replaced, such as `{ "--cassandra-port": "1" }`. */
  argsWith(replaced: Record<string, string>): string[] {
    return this.baseArgs().map((arg, i, all) => replaced[all[i - 1] ?? ""] ?? arg);
  }

  /** Runs synced in this process with --json and returns the exit code and the parsed summary. */
  async run(
    args: readonly string[] = [],
    world: { state?: string; keyspace?: string; replaced?: Record<string, string> } = {},
  ): Promise<RunResult> {
    const base = this.baseArgs(world.state, world.keyspace).map(
      (arg, i, all) => world.replaced?.[all[i - 1] ?? ""] ?? arg,
    );
    const flags = await parseRunFlags([...base, "--json", ...args]);
    const env = this.env();
    const options = await loadConfig({ flags, env });
    let out = "";
    const errors: string[] = [];
    const code = await runCommand(options, {
      signal: new AbortController().signal,
      logger: {
        ...quietLogger,
        error: (message) => {
          errors.push(message);
        },
      },
      stdout: (text) => {
        out += text;
      },
    });
    // Only a bug in synced is logged as an error; no test expects one.
    if (errors.length > 0) throw new Error(`synced reported a bug:\n${errors.join("\n")}`);
    return { code, summary: JSON.parse(out) as Record<string, unknown> };
  }

  /** The schema gateway of this world, with the command's defaults: an index per table. */
  schema(capabilities: CassandraCapabilities = this.capabilities): StoreSchemaGateway {
    return new StoreSchemaGateway(this.cassandra, this.search, { ...this.#schemaSettings(), capabilities });
  }

  /** What the engine plans this world's tables with: the command's defaults, every table. */
  planSettings(): PlanSettings {
    const byDefault = { kind: "default" } as const;
    return planSettings(this.#schemaSettings(), {
      columnSources: { id: byDefault, timestamp: byDefault, tombstone: byDefault },
      include: [],
      exclude: [],
      createTables: false,
      direction: "both",
    });
  }

  #schemaSettings(): Omit<SchemaSettings, "capabilities"> {
    return {
      keyspace: this.keyspace,
      layout: { layout: "index-per-table", index: this.index, typeField: "type" },
      names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
      retryWindowMs: 60_000,
    };
  }

  /**
   * The real stores, as the command builds them, for tests that wrap one to act between its calls.
   * `capabilities` of an older release (capabilitiesOf(["4.1.10"])) take that release's paths here;
   * `search`: the client the search store talks through, to watch what it asks.
   */
  stores(
    capabilities: CassandraCapabilities = this.capabilities,
    search: SearchClient = this.search,
  ): {
    cassandra: CassandraStore;
    elasticsearch: SearchStore;
  } {
    return {
      cassandra: this.cassandraStore({ capabilities }),
      elasticsearch: new SearchStore({
        client: search,
        versioning: "optimistic",
        slices: 1,
        concurrency: 2,
        batchSize: 100,
        maxBulkBytes: 1_000_000,
        maxDocumentBytes: 1_000_000,
        retryWindowMs: 1000,
      }),
    };
  }

  /** A Cassandra store over this world's client, with the tests' settings and `overrides`. */
  cassandraStore(overrides: Partial<CassandraStoreSettings> = {}): CassandraStore {
    return new CassandraStore({
      client: this.cassandra,
      capabilities: this.capabilities,
      readConsistency: cassandra.types.consistencies.one,
      writeConsistency: cassandra.types.consistencies.one,
      writes: "timestamp",
      splits: 2,
      concurrency: 2,
      batchSize: 100,
      marginMicros: 5_000_000n,
      retryWindowMs: 1000,
      ...overrides,
    });
  }

  /** Runs the engine directly on this world, with any store replaced. */
  runEngine(run: EngineRun): Promise<RunReport> {
    const stores = this.stores(run.capabilities);
    return runSync(
      {
        runId: cassandra.types.Uuid.random().toString(),
        key: run.key,
        plan: { ...this.planSettings(), createTables: run.createTables === true },
        holder: "test",
        begin: run.begin === undefined ? undefined : micros(run.begin),
        end: undefined,
        allowFutureEnd: false,
        lagMs: 0,
        direction: "both",
        dryRun: false,
        ...(run.createTimestampIndex === undefined ? {} : { createTimestampIndex: run.createTimestampIndex }),
        ...(run.createColumns === undefined ? {} : { createColumns: run.createColumns }),
        maxErrors: 10,
        leaseTtlMs: run.leaseTtlMs ?? 60_000,
        maxFutureMs: 3_600_000,
      },
      {
        cassandra: run.cassandra ?? stores.cassandra,
        elasticsearch: run.elasticsearch ?? stores.elasticsearch,
        schema: this.schema(run.capabilities),
        state: run.state ?? new FileStateStore({ directory: this.stateDir }),
        deadLetters: new RunDeadLetters(
          new FileDeadLetterStore(join(this.stateDir, `${run.key}.dead.ndjson`)),
          run.key,
          "test",
        ),
        signal: new AbortController().signal,
        now: () => micros(new Date()),
        log: () => undefined,
        warn: () => undefined,
      },
    );
  }

  /** Runs the real command as a child process, with this world's secrets in its environment. */
  cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
    return runSynced(args, { ...this.env(), ...env });
  }

  spawnCli(args: readonly string[]): ChildProcess {
    return spawn(process.execPath, [MAIN, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env["PATH"] ?? "", ...this.env() },
    });
  }

  /** The secret goes through the environment, as the documentation tells users to pass it. */
  env(): Record<string, string> {
    return serverSecrets(this.servers);
  }

  /**
   * A latest table `(id uuid PRIMARY KEY, tmstmp timestamp, <column> <type>)` holding one row written a
   * minute ago with `value` in that column, as many tests of refusals start from. Returns the row's id.
   */
  async tableWithRow(table: string, column = "n", type = "int", value: unknown = 1): Promise<string> {
    await this.cassandra.execute(
      `CREATE TABLE ${this.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, ${column} ${type})`,
    );
    const id = cassandra.types.Uuid.random().toString();
    await this.cassandra.execute(
      `INSERT INTO ${this.keyspace}.${table} (id, tmstmp, ${column}) VALUES (?, ?, ?)`,
      [id, new Date(Date.now() - 60_000), value],
      { prepare: true },
    );
    return id;
  }

  /** Each column of `table` in the test keyspace, by name, with its CQL type as Cassandra writes it. */
  async columnTypes(table: string): Promise<Record<string, string>> {
    const rows = await this.cassandra.execute(
      "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
      [this.keyspace, table],
      { prepare: true },
    );
    return Object.fromEntries(rows.rows.map((r) => [String(r.get("column_name")), String(r.get("type"))]));
  }

  async refresh(): Promise<void> {
    await this.es.indices.refresh({ index: `${this.index}*` });
  }

  async cleanup(): Promise<void> {
    await this.cassandra.execute(`DROP KEYSPACE IF EXISTS ${this.keyspace}`).catch(() => undefined);
    await this.es.indices
      .delete({ index: `${this.index}*`, ignore_unavailable: true, allow_no_indices: true })
      .catch(() => undefined);
    await Promise.all([this.cassandra.shutdown(), this.es.close()]);
    await rm(this.stateDir, { recursive: true, force: true });
  }
}

/** Flags without -k and -i, for commands that read a whole state store. */
export function withoutSelection(args: readonly string[]): string[] {
  const selection = ["-k", "-i"];
  return args.filter((arg, i, all) => !selection.includes(arg) && !selection.includes(all[i - 1] ?? ""));
}

/** The per-table, per-direction entry of a summary. */
export function tableStats(
  summary: Record<string, unknown>,
  table: string,
  direction: string,
): Record<string, number> {
  const tables = summary["tables"] as Record<string, unknown>[];
  const found = tables.find((t) => t["table"] === table && t["direction"] === direction);
  if (found === undefined)
    throw new Error(`no stats for ${table} ${direction} in ${JSON.stringify(summary)}`);
  return found as Record<string, number>;
}

export function totalWritten(summary: Record<string, unknown>): number {
  return (summary["totals"] as Record<string, number>)["written"] ?? Number.NaN;
}

/** One line of the dead-letter file a summary names. */
export interface Letter {
  readonly id?: string;
  readonly table: string;
  readonly reason: string;
  readonly record?: unknown;
}

/** Every dead letter in the file the run's summary names. */
export async function deadLetters(summary: Record<string, unknown>): Promise<Letter[]> {
  const location = (summary["deadLetters"] as { location: string }).location;
  return (await readFile(location, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Letter);
}
