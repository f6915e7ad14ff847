// Dead letters in a Cassandra table, beside a Cassandra state table, so they outlive a CronJob's pod.
// One partition per configuration, one row per letter: putting a letter again overwrites its row.
// A letter's record is kept whole only up to MAX_RECORD_BYTES (letter-size.ts), and letters are
// written in batches of at most BATCH_BYTES, so no write comes near a mutation's size limit
// (max_mutation_size, half of commitlog_segment_size: 16 MiB by default).
import { addColumns } from "./add-columns.js";
import { columnsCreatingTable, tableColumns } from "./existing-table.js";
import cassandra from "cassandra-driver";
import { parseJsonLossless, stableStringify } from "../../core/canonical-json.js";
import type { JsonValue } from "../../core/json-value.js";
import { quoteIdentifier } from "../../core/cql-identifier.js";
import { CQL_NAME_RULE, cqlNameProblem } from "../../core/names.js";
import { CorruptStateError, inStateStore, StateSetupError } from "../state-errors.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { laterFormat, STATE_FORMAT } from "../state-format.js";
import type { DeadLetterStore, LaterLetter, StoredLetter } from "../../deadletter/dead-letter-store.js";
import { letterFromJson } from "../../deadletter/letter-json.js";
import { isTransientCassandraError } from "../../stores/cassandra/transient-errors.js";
import { StateReplicas } from "./state-replicas.js";
import { chunkBySize } from "../../util/chunk-by-size.js";

const QUORUM = { prepare: true, consistency: cassandra.types.consistencies.localQuorum };
const COLUMNS =
  "key, letter_id, at, run_id, tbl, direction, source, record_id, reason, record, record_bytes, record_omitted, format";
/**
 * Added after the first release: a table of an earlier version gets them when it is opened. `format`
 * is the state format (state-format.ts); rows of the releases before it have none.
 */
const ADDED_COLUMNS = { record_bytes: "int", record_omitted: "list<text>", format: "int" } as const;
/** Letters written per batch, well below the batch size that Cassandra warns about for most records. */
const BATCH = 20;
/** Bytes of letters per batch (one mutation of the partition): a quarter of the smallest limit seen. */
const BATCH_BYTES = 1024 * 1024;
/** Letters read per page: a page of letters at their largest stays a few MiB. */
const PAGE = 50;
/** Letter ids read per page: small, whatever the letters hold. */
const ID_PAGE = 1000;
/** Letters removed per statement: an IN list of clustering keys stays one partition's work. */
const REMOVE_CHUNK = 100;

function values(letter: StoredLetter, record: string): unknown[] {
  return [
    letter.key,
    letter.letterId,
    letter.at,
    letter.runId,
    letter.table,
    letter.direction,
    letter.from,
    letter.id ?? null,
    letter.reason,
    record,
    letter.recordCut?.bytes ?? null,
    letter.recordCut === undefined ? null : [...letter.recordCut.omitted],
    STATE_FORMAT,
  ];
}

/** The letters as statements, in batches that stay well within one mutation's limit. */
function batches(insert: string, letters: readonly StoredLetter[]): { query: string; params: unknown[] }[][] {
  const sized = letters.map((letter) => {
    const record = stableStringify(letter.record);
    const size = Buffer.byteLength(record) + Buffer.byteLength(letter.reason) + 1024;
    return { statement: { query: insert, params: values(letter, record) }, size };
  });
  return chunkBySize(sized, (item) => item.size, { maxBytes: BATCH_BYTES, maxCount: BATCH }).map((batch) =>
    batch.map((item) => item.statement),
  );
}

export class CassandraDeadLetterStore implements DeadLetterStore {
  readonly backend = "cassandra";
  readonly location: string;
  private readonly insert: string;
  private readonly replicas: StateReplicas;

  private constructor(
    private readonly client: cassandra.Client,
    private readonly table: string,
    private readonly timeoutMs: number,
    localDc: string | undefined,
  ) {
    this.location = `Cassandra table ${table}`;
    this.replicas = new StateReplicas(client, localDc, "dead letters");
    this.insert = `INSERT INTO ${table} (${COLUMNS}) VALUES (${COLUMNS.split(",").fill("?").join(", ")})`;
  }

  /**
   * Creates the table if it is missing (unless `create` is false: the caller found it); the keyspace
   * must exist. `localDc`: the client's local data centre (--cassandra-local-dc), for the messages of
   * a replication no retry can meet. The client stays the caller's.
   */
  static async open(
    client: cassandra.Client,
    keyspace: string,
    table: string,
    timeoutMs = DEFAULT_STATE_TIMEOUT_MS,
    create = true,
    localDc?: string,
  ): Promise<CassandraDeadLetterStore> {
    const name = `${cqlName("keyspace", keyspace)}.${cqlName("table", table)}`;
    const store = new CassandraDeadLetterStore(client, name, timeoutMs, localDc);
    await inStateStore(
      "prepare the dead-letter table",
      store.location,
      async () => {
        const [ks, tbl] = [keyspace.toLowerCase(), table.toLowerCase()];
        const present = create
          ? await columnsCreatingTable(client, ks, tbl, createTableCql(name))
          : await tableColumns(client, ks, tbl);
        // Also before a command that only reads: the letters of a table of an earlier version are read
        // with the columns added since.
        await addMissingColumns(client, present, name);
      },
      { timeoutMs, as: StateSetupError, store: "dead-letter store", transient: isTransientCassandraError },
    );
    await store.replicas.read(keyspace.toLowerCase());
    return store;
  }

  put(letters: readonly StoredLetter[]): Promise<void> {
    return this.step("write dead letters", async () => {
      // The letters of one configuration share a partition: one unlogged batch per key is one
      // mutation on each replica.
      const byKey = new Map<string, StoredLetter[]>();
      for (const letter of letters) byKey.set(letter.key, [...(byKey.get(letter.key) ?? []), letter]);
      for (const group of byKey.values()) {
        for (const queries of batches(this.insert, group)) {
          await this.client.batch(queries, { ...QUORUM, logged: false, isIdempotent: true });
        }
      }
    });
  }

  async *list(key: string, unread?: ReadonlySet<string>): AsyncIterable<StoredLetter> {
    let pageState: string | undefined;
    do {
      const page = await this.step("read the dead letters", () =>
        this.client.execute(`SELECT ${COLUMNS} FROM ${this.table} WHERE key = ?`, [key], {
          ...QUORUM,
          fetchSize: PAGE,
          ...(pageState === undefined ? {} : { pageState }),
        }),
      );
      for (const row of page.rows) {
        if (unread?.has(String(row.get("letter_id"))) !== true) yield this.letter(row);
      }
      // The driver gives null, not undefined, after the last page.
      const next: unknown = page.pageState;
      pageState = typeof next === "string" && next !== "" ? next : undefined;
    } while (pageState !== undefined);
  }

  async *ids(key: string): AsyncIterable<string> {
    let pageState: string | undefined;
    do {
      const page = await this.step("read the dead letters' ids", () =>
        this.client.execute(`SELECT letter_id FROM ${this.table} WHERE key = ?`, [key], {
          ...QUORUM,
          fetchSize: ID_PAGE,
          ...(pageState === undefined ? {} : { pageState }),
        }),
      );
      for (const row of page.rows) yield String(row.get("letter_id"));
      const next: unknown = page.pageState;
      pageState = typeof next === "string" && next !== "" ? next : undefined;
    } while (pageState !== undefined);
  }

  async *later(key: string): AsyncIterable<LaterLetter> {
    let pageState: string | undefined;
    do {
      // Filtered within the key's one partition: only the later letters come back, and no index is needed.
      const page = await this.step("read the dead letters' formats", () =>
        this.client.execute(
          `SELECT letter_id, format FROM ${this.table} WHERE key = ? AND format > ? ALLOW FILTERING`,
          [key, STATE_FORMAT],
          { ...QUORUM, fetchSize: ID_PAGE, ...(pageState === undefined ? {} : { pageState }) },
        ),
      );
      for (const row of page.rows) {
        const format = laterFormat(row.get("format"));
        if (format !== undefined) yield { letterId: String(row.get("letter_id")), format };
      }
      const next: unknown = page.pageState;
      pageState = typeof next === "string" && next !== "" ? next : undefined;
    } while (pageState !== undefined);
  }

  count(key: string): Promise<number> {
    return this.step("count the dead letters", async () => {
      const result = await this.client.execute(
        `SELECT COUNT(*) AS n FROM ${this.table} WHERE key = ?`,
        [key],
        QUORUM,
      );
      return Number(String(result.rows[0]?.get("n") ?? 0));
    });
  }

  remove(key: string, letterIds: readonly string[]): Promise<void> {
    return this.step("remove dead letters", async () => {
      for (let i = 0; i < letterIds.length; i += REMOVE_CHUNK) {
        await this.client.execute(
          `DELETE FROM ${this.table} WHERE key = ? AND letter_id IN ?`,
          [key, letterIds.slice(i, i + REMOVE_CHUNK)],
          { ...QUORUM, isIdempotent: true },
        );
      }
    });
  }

  close(): Promise<void> {
    // The client belongs to the caller.
    return Promise.resolve();
  }

  private letter(row: cassandra.types.Row): StoredLetter {
    const letterId = String(row.get("letter_id"));
    const source = {
      location: `dead letter ${letterId} in table ${this.table}`,
      remedy: `Fix the row or delete it (synced dead-letters purge --letter ${letterId}).`,
    };
    let record: JsonValue = null;
    const text: unknown = row.get("record");
    if (typeof text === "string") {
      try {
        record = parseJsonLossless(text) as JsonValue;
      } catch (error) {
        throw new CorruptStateError(
          source.location,
          `its record is not JSON (${String(error)})`,
          source.remedy,
        );
      }
    }
    const at: unknown = row.get("at");
    const bytes: unknown = row.get("record_bytes");
    const omitted: unknown = row.get("record_omitted");
    return letterFromJson(
      {
        format: row.get("format") as unknown,
        key: row.get("key") as unknown,
        letterId,
        at: at instanceof Date ? at.toISOString() : null,
        runId: row.get("run_id") as unknown,
        table: row.get("tbl") as unknown,
        direction: row.get("direction") as unknown,
        from: row.get("source") as unknown,
        id: row.get("record_id") as unknown,
        reason: row.get("reason") as unknown,
        record,
        // Cassandra gives an empty list as null.
        recordCut: bytes == null ? null : { bytes, omitted: omitted ?? [] },
      },
      source,
    );
  }

  private step<T>(action: string, work: () => Promise<T>): Promise<T> {
    return inStateStore(action, this.location, work, {
      timeoutMs: this.timeoutMs,
      store: "dead-letter store",
      // Letters are written and removed by id, so a repeat leaves one letter per record.
      transient: isTransientCassandraError,
      unusable: this.replicas.unusable,
    });
  }
}

/** Adds the columns that a table of an earlier version lacks; another run adding them first is as good. */
async function addMissingColumns(
  client: cassandra.Client,
  present: ReadonlySet<string>,
  name: string,
): Promise<void> {
  // A table of something else (one of the synced keyspace's, say) is not altered to hold letters.
  const missing = COLUMNS.split(", ").filter((c) => !present.has(c) && !(c in ADDED_COLUMNS));
  if (missing.length > 0) {
    throw new StateSetupError(
      `the table ${name} exists but is not a synced dead-letter table (it lacks ${missing.join(", ")}). ` +
        "Choose another table for --dead-letter.",
      { table: name, missing },
    );
  }
  await addColumns(
    client,
    name,
    Object.entries(ADDED_COLUMNS).filter(([column]) => !present.has(column)),
  );
}

function createTableCql(name: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${name} (key text, letter_id text, at timestamp, run_id text, ` +
    "tbl text, direction text, source text, record_id text, reason text, record text, " +
    "record_bytes int, record_omitted list<text>, format int, " +
    "PRIMARY KEY ((key), letter_id)) WITH comment = 'synced dead letters: records waiting to be fixed and replayed'"
  );
}

/** Folded to lower case as cqlsh folds an unquoted name, then quoted where CQL needs it. */
function cqlName(what: "keyspace" | "table", name: string): string {
  const problem = cqlNameProblem(name);
  if (problem !== undefined) {
    throw new StateSetupError(
      `'${name}' is not usable as the dead-letter ${what} (${problem}); a Cassandra ${what} name is ${CQL_NAME_RULE}.`,
      { [what]: name },
    );
  }
  return quoteIdentifier(name.toLowerCase());
}
