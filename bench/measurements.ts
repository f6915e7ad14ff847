// Every measurement the figures are made of, each made at most once and in an order that keeps the
// data consistent: the synced C* -> ES backfill at R is figure 1's synced side, figure 5's
// denominator and figure 6's first peak RSS, and it leaves a table/index pair holding the same R
// records, on which figures 3 to 5 run.
import type { Clients } from "./clients.js";
import { changedRecordAt, DATA_BEGIN, records, spreadPositions, type BenchRecord } from "./data.js";
import type { BenchOptions } from "./options.js";
import {
  fastestFirst,
  loadCassandra,
  loadElasticsearch,
  RejectedError,
  tune,
  type LoadResult,
  type Tuning,
} from "./raw-loads.js";
import { readCassandraPaged, readCassandraSplits, readElasticsearch } from "./raw-reads.js";
import { settle } from "./settle.js";
import { runCopyScript, type CopyScript, type ProcessRun } from "./copy-scripts.js";
import { runSynced, setCheckpoint, type Direction, type SyncedResult } from "./run-synced.js";
import {
  countDocuments,
  createTables,
  deleteIndex,
  dropTable,
  indexOf,
  indexTimestamps,
  refreshIndex,
  type Workspace,
} from "./workspace.js";

export const CASSANDRA_LEVELS = [64, 128, 256] as const;
export const BULK_CONCURRENCIES = [2, 4, 8] as const;
/** Splits of the parallel raw read of figure 3, all in flight at once. */
export const RAW_READ_SPLITS = 8;
/**
 * Records loaded before the first tuning trial: without them the first setting tried pays for the
 * process's and the connection's warm-up (JIT, prepared statement) and always looks slowest.
 */
const WARM_UP = 2000;

/** The tables: R records, the empty target of the ES -> C* backfill, scale x R, and tuning samples. */
const BASE = "r";
const TO_CASSANDRA = "e";
const LARGE = "big";
/** The empty targets of the copy scripts: an index made by synced, and a table. */
const SCRIPT_TO_ES = "ye";
const SCRIPT_TO_CASSANDRA = "yc";
/** Every generated record is dated from DATA_BEGIN on; the end is now (--lag 0s). */
const FULL = { begin: DATA_BEGIN };
/** A range with no record in it: a run over it only creates the indices it lacks. */
const EMPTY = { begin: "2000-01-01", end: "2000-01-02" };
const cassandraSample = (level: number): string => `c${level}`;
const bulkSample = (concurrency: number): string => `s${concurrency}`;

export interface Context {
  readonly clients: Clients;
  readonly workspace: Workspace;
  readonly options: BenchOptions;
  readonly signal: AbortSignal;
}

export interface RawRead {
  readonly cassandraPaged: LoadResult;
  readonly cassandraSplits: LoadResult;
  readonly elasticsearch: LoadResult;
  /** The faster Cassandra read plus the Elasticsearch read. */
  readonly ms: number;
}

export interface BulkLoad extends LoadResult {
  /** The concurrency the full set was loaded with. */
  readonly concurrency: number;
  /** Faster settings the server refused on the full set. */
  readonly refused: readonly string[];
}

/** Figure 7: the same incremental run from a checkpoint without and with the default look-back. */
export interface LookbackCost {
  readonly changed: number;
  readonly tableSize: number;
  readonly without: SyncedResult;
  readonly withWindow: SyncedResult;
}

export interface Incremental {
  readonly changed: number;
  readonly tableSize: number;
  readonly synced: SyncedResult;
}

export interface SettleNote {
  readonly step: string;
  readonly waitedMs: number;
  readonly busy: number;
  readonly quiet: boolean;
}

/** What the report shows besides the figures. */
export interface Details {
  readonly settling: readonly SettleNote[];
  readonly cassandraTuning?: Tuning;
  readonly bulkTuning?: Tuning;
  readonly bulkLoad?: BulkLoad;
  readonly rawRead?: RawRead;
}

export class Measurements {
  private readonly done = new Map<string, Promise<unknown>>();
  private rounds = 0;
  private readonly settling: SettleNote[] = [];

  constructor(private readonly context: Context) {}

  get records(): number {
    return this.context.options.records;
  }

  get largeRecords(): number {
    return this.context.options.records * this.context.options.scale;
  }

  /** The Cassandra tuning sample: a tenth of R, at least 5000, at most R. */
  get sampleSize(): number {
    return Math.min(this.records, Math.max(5000, Math.round(this.records / 10)));
  }

  /**
   * The bulk tuning sample: a tenth of R but at least 50,000 (at most R). At 5 MB a request, about
   * 12,000 of these documents, a smaller sample is one or two requests, and every concurrency would
   * send the same ones.
   */
  get bulkSampleSize(): number {
    return Math.min(this.records, Math.max(50_000, Math.round(this.records / 10)));
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let pending = this.done.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      this.context.signal.throwIfAborted();
      pending = make();
      this.done.set(key, pending);
    }
    return pending;
  }

  private index(table: string): string {
    return indexOf(this.context.workspace, table);
  }

  private synced(
    label: string,
    tables: readonly string[],
    direction: Direction,
    range: {
      readonly begin?: string;
      readonly end?: string;
      readonly name?: string;
      readonly lookback?: string;
    },
    expectWritten: number,
    records: number,
  ): Promise<SyncedResult> {
    return this.afterSettling(label, () =>
      runSynced({
        label,
        workspace: this.context.workspace,
        tables,
        direction,
        ...range,
        expectWritten,
        // Generous, but bounded: two minutes plus 10 ms a record.
        timeoutMs: 120_000 + records * 10,
        signal: this.context.signal,
        profile: this.context.options.profile,
      }),
    );
  }

  /** Runs a timed step once the machine is quiet (or the wait ran out), noting how long it waited. */
  private async afterSettling<T>(step: string, run: () => Promise<T>): Promise<T> {
    const settled = await settle();
    this.settling.push({
      step,
      waitedMs: Math.round(settled.waitedMs),
      busy: settled.busy,
      quiet: settled.quiet,
    });
    this.context.signal.throwIfAborted();
    return run();
  }

  /** Refreshes the index, then checks it holds what was loaded, so a synced run sees every document. */
  private async refreshed(table: string, expected: number): Promise<void> {
    const index = this.index(table);
    await refreshIndex(this.context.clients, index);
    const count = await countDocuments(this.context.clients, index);
    if (count !== expected)
      throw new Error(`${index} holds ${count} documents after a refresh, not ${expected}`);
  }

  /**
   * Creates the tables, empty, then has synced create their indices with its own mapping: a run over
   * a range that holds no record writes nothing and creates every missing index.
   */
  setUp(figures: ReadonlySet<number>): Promise<void> {
    return this.once("set-up", async () => {
      const needsIndexE = figures.has(1) || figures.has(2);
      const needsLarge = figures.has(4) || figures.has(6);
      const indexed = [BASE, ...(needsIndexE ? [TO_CASSANDRA, ...BULK_CONCURRENCIES.map(bulkSample)] : [])];
      if (needsLarge) indexed.push(LARGE);
      if (figures.has(1)) indexed.push(SCRIPT_TO_ES);
      await createTables(this.context.clients, this.context.workspace, [
        ...indexed,
        ...CASSANDRA_LEVELS.map(cassandraSample),
        ...(figures.has(2) ? [SCRIPT_TO_CASSANDRA] : []),
      ]);
      await this.synced("creating the indices", indexed, "to-es", EMPTY, 0, 0);
    });
  }

  /** Records for warming a client up before its first timed trial, with ids no sample shares. */
  private warmUp(): Iterable<BenchRecord> {
    return records(this.context.options.seed + 1, WARM_UP);
  }

  cassandraTuning(): Promise<Tuning> {
    return this.once("cassandra-tuning", async () => {
      const [level] = CASSANDRA_LEVELS;
      await loadCassandra(
        this.context.clients,
        this.context.workspace.name,
        cassandraSample(level),
        this.warmUp(),
        level,
      );
      return tune(CASSANDRA_LEVELS, (level) =>
        this.afterSettling(`C* tuning at ${level}`, () =>
          loadCassandra(
            this.context.clients,
            this.context.workspace.name,
            cassandraSample(level),
            records(this.context.options.seed, this.sampleSize),
            level,
          ),
        ),
      );
    });
  }

  bulkTuning(): Promise<Tuning> {
    return this.once("bulk-tuning", async () => {
      const [concurrency] = BULK_CONCURRENCIES;
      await loadElasticsearch(
        this.context.clients,
        this.index(bulkSample(concurrency)),
        this.warmUp(),
        concurrency,
      );
      const tuning = await tune(BULK_CONCURRENCIES, (concurrency) =>
        this.afterSettling(`ES tuning at ${concurrency}`, () =>
          loadElasticsearch(
            this.context.clients,
            this.index(bulkSample(concurrency)),
            records(this.context.options.seed, this.bulkSampleSize),
            concurrency,
          ),
        ),
      );
      // Elasticsearch has a small heap here; the samples have served their purpose.
      for (const concurrency of BULK_CONCURRENCIES) {
        await deleteIndex(this.context.clients, this.index(bulkSample(concurrency)));
      }
      return tuning;
    });
  }

  /** Figure 2's raw side, and the source table of every synced run but figure 2's. */
  rawCassandraLoad(): Promise<LoadResult> {
    return this.once("raw-cassandra-load", async () => {
      const { best } = await this.cassandraTuning();
      return this.afterSettling("raw C* load", () =>
        loadCassandra(
          this.context.clients,
          this.context.workspace.name,
          BASE,
          records(this.context.options.seed, this.records),
          best,
        ),
      );
    });
  }

  /** Figure 1's raw side, into an index synced created; the source of figure 2's synced run. */
  rawBulkLoad(): Promise<BulkLoad> {
    return this.once("raw-bulk-load", async () => {
      const refused: string[] = [];
      // The sample can pick a setting that only the full set shows to be too much for the server
      // (more bytes in flight than its indexing pressure limit): then the next fastest is used.
      for (const trial of fastestFirst((await this.bulkTuning()).trials)) {
        try {
          const result = await this.afterSettling("raw ES load", () =>
            loadElasticsearch(
              this.context.clients,
              this.index(TO_CASSANDRA),
              records(this.context.options.seed, this.records),
              trial.setting,
            ),
          );
          await this.refreshed(TO_CASSANDRA, this.records);
          return { ...result, concurrency: trial.setting, refused };
        } catch (error) {
          if (!(error instanceof RejectedError)) throw error;
          refused.push(error.message);
          // Start again from an empty index, created by synced as before.
          await deleteIndex(this.context.clients, this.index(TO_CASSANDRA));
          await this.synced("creating the index again", [TO_CASSANDRA], "to-es", EMPTY, 0, 0);
        }
      }
      throw new Error(`the server refused every bulk setting on the full set: ${refused.join("; ")}`);
    });
  }

  /** synced copies the R-record table into its empty index: figures 1, 5 and 6. */
  syncedToElasticsearch(): Promise<SyncedResult> {
    return this.once("synced-to-es", async () => {
      await this.rawCassandraLoad();
      const result = await this.synced(
        "the C* -> ES backfill",
        [BASE],
        "to-es",
        FULL,
        this.records,
        this.records,
      );
      await this.refreshed(BASE, this.records);
      return result;
    });
  }

  /** synced copies the R-document index into its empty table: figure 2. */
  syncedToCassandra(): Promise<SyncedResult> {
    return this.once("synced-to-cassandra", async () => {
      await this.rawBulkLoad();
      const result = await this.synced(
        "the ES -> C* backfill",
        [TO_CASSANDRA],
        "to-cassandra",
        FULL,
        this.records,
        this.records,
      );
      // Nothing reads this pair again; freeing it keeps both servers' memory for the larger set.
      await deleteIndex(this.context.clients, this.index(TO_CASSANDRA));
      await dropTable(this.context.clients, this.context.workspace, TO_CASSANDRA);
      return result;
    });
  }

  /** The copy script reads the R-record table into an empty index: figure 1's yardstick. */
  copyScriptToElasticsearch(): Promise<ProcessRun> {
    return this.once("script-to-es", async () => {
      await this.rawCassandraLoad();
      const { workspace } = this.context;
      const args = [workspace.name, BASE, this.index(SCRIPT_TO_ES)];
      const result = await this.copyScript("copy-to-elasticsearch", args);
      await this.refreshed(SCRIPT_TO_ES, this.records);
      // Nothing reads it again; Elasticsearch's small heap is better spent on the next steps.
      await deleteIndex(this.context.clients, this.index(SCRIPT_TO_ES));
      return result;
    });
  }

  /** The copy script reads the R-document index into an empty table: figure 2's yardstick. */
  copyScriptToCassandra(): Promise<ProcessRun> {
    return this.once("script-to-cassandra", async () => {
      await this.rawBulkLoad();
      const { workspace } = this.context;
      const args = [this.index(TO_CASSANDRA), workspace.name, SCRIPT_TO_CASSANDRA];
      const result = await this.copyScript("copy-to-cassandra", args);
      await dropTable(this.context.clients, workspace, SCRIPT_TO_CASSANDRA);
      return result;
    });
  }

  private copyScript(script: CopyScript, args: readonly string[]): Promise<ProcessRun> {
    return this.afterSettling(`the ${script} script`, () =>
      runCopyScript(script, args, this.records, {
        workspace: this.context.workspace,
        // As bounded as a synced run of the same records.
        timeoutMs: 120_000 + this.records * 10,
        signal: this.context.signal,
        profile: this.context.options.profile,
      }),
    );
  }

  /** The plain full reads of the equal pair, both Cassandra ways, then Elasticsearch. */
  rawRead(): Promise<RawRead> {
    return this.once("raw-read", async () => {
      await this.syncedToElasticsearch();
      const { clients, workspace } = this.context;
      const check = (what: string, result: LoadResult): LoadResult => {
        if (result.count !== this.records) throw new Error(`${what} read ${result.count} of ${this.records}`);
        return result;
      };
      const cassandraPaged = check(
        "the paged read",
        await this.afterSettling("raw C* paged read", () =>
          readCassandraPaged(clients, workspace.name, BASE),
        ),
      );
      const cassandraSplits = check(
        "the split read",
        await this.afterSettling("raw C* split read", () =>
          readCassandraSplits(clients, workspace.name, BASE, RAW_READ_SPLITS),
        ),
      );
      const elasticsearch = check(
        "the point-in-time read",
        await this.afterSettling("raw ES read", () =>
          readElasticsearch(clients, this.index(BASE), this.records),
        ),
      );
      const ms = Math.min(cassandraPaged.ms, cassandraSplits.ms) + elasticsearch.ms;
      return { cassandraPaged, cassandraSplits, elasticsearch, ms };
    });
  }

  /** synced in both directions over the equal pair: nothing to write. */
  syncedRerun(): Promise<SyncedResult> {
    return this.once("synced-rerun", async () => {
      await this.syncedToElasticsearch();
      return this.synced("the rerun of an equal range", [BASE], "both", FULL, 0, this.records);
    });
  }

  /** The scale x R table, loaded raw and copied by synced into its empty index: figures 4 and 6. */
  syncedLargeToElasticsearch(): Promise<SyncedResult> {
    return this.once("synced-large-to-es", async () => {
      const { best } = await this.cassandraTuning();
      await loadCassandra(
        this.context.clients,
        this.context.workspace.name,
        LARGE,
        records(this.context.options.seed, this.largeRecords),
        best,
      );
      const result = await this.synced(
        `the C* -> ES backfill of ${this.largeRecords} records`,
        [LARGE],
        "to-es",
        FULL,
        this.largeRecords,
        this.largeRecords,
      );
      await this.refreshed(LARGE, this.largeRecords);
      return result;
    });
  }

  /** R records, or scale x R with `large`, of an equal pair get `changed` newer versions in Cassandra. */
  incremental(large: boolean, changed: number): Promise<Incremental> {
    const table = large ? LARGE : BASE;
    return this.once(`incremental-${table}-${changed}`, async () => {
      const tableSize = large ? this.largeRecords : this.records;
      await (large ? this.syncedLargeToElasticsearch() : this.syncedToElasticsearch());
      // Incremental runs are meant for indexed tables (README, "Large tables").
      await indexTimestamps(this.context.clients, this.context.workspace, table);
      const { best } = await this.cassandraTuning();
      const round = ++this.rounds;
      // -b is taken before the changes, so every changed tmstmp falls in [begin, now).
      const begin = new Date();
      const tmstmp = new Date();
      const { seed } = this.context.options;
      const changes = spreadPositions(tableSize, changed).map((p) => changedRecordAt(seed, p, round, tmstmp));
      await loadCassandra(this.context.clients, this.context.workspace.name, table, changes, best);
      const synced = await this.synced(
        `the incremental run over ${tableSize} records`,
        [table],
        "both",
        { begin: begin.toISOString() },
        changed,
        tableSize,
      );
      return { changed, tableSize, synced };
    });
  }

  /**
   * Two runs continuing from a checkpoint set just before `changed` rows get a newer tmstmp: the
   * first with --lookback 0, the second with the default window, which then holds the first run's
   * changes (other rows), equal on both sides by then: what the window costs a run every few minutes.
   */
  lookbackCost(changed: number): Promise<LookbackCost> {
    return this.once(`lookback-${changed}`, async () => {
      await this.syncedToElasticsearch();
      await indexTimestamps(this.context.clients, this.context.workspace, BASE);
      const { best } = await this.cassandraTuning();
      const { seed } = this.context.options;
      const round = async (lookback: string, shift: number): Promise<SyncedResult> => {
        const name = `${this.context.workspace.name}-lookback-${lookback}`;
        await setCheckpoint(this.context.workspace, name, new Date().toISOString(), this.context.signal);
        const r = ++this.rounds;
        const changes = spreadPositions(this.records, changed).map((p) =>
          changedRecordAt(seed, (p + shift) % this.records, r, new Date()),
        );
        await loadCassandra(this.context.clients, this.context.workspace.name, BASE, changes, best);
        return this.synced(
          `the incremental run from a checkpoint, --lookback ${lookback}`,
          [BASE],
          "both",
          { name, lookback },
          changed,
          this.records,
        );
      };
      const without = await round("0", 0);
      // Other rows than the first round's, so the window finds those still dated inside it.
      const withWindow = await round("10m", 1);
      return { changed, tableSize: this.records, without, withWindow };
    });
  }

  /** The tuning trials and raw reads made so far, for the report; starts nothing. */
  async details(): Promise<Details> {
    const made = async <T>(key: string): Promise<T | undefined> => {
      const pending = this.done.get(key) as Promise<T> | undefined;
      return pending?.catch(() => undefined);
    };
    const cassandraTuning = await made<Tuning>("cassandra-tuning");
    const bulkTuning = await made<Tuning>("bulk-tuning");
    const rawRead = await made<RawRead>("raw-read");
    const bulkLoad = await made<BulkLoad>("raw-bulk-load");
    return {
      settling: this.settling,
      ...(cassandraTuning ? { cassandraTuning } : {}),
      ...(bulkTuning ? { bulkTuning } : {}),
      ...(bulkLoad ? { bulkLoad } : {}),
      ...(rawRead ? { rawRead } : {}),
    };
  }
}
