// One keyspace and its index(es) for the convergence checker: both table shapes, a table of a
// composite key, one layout, the
// writes other applications make (ordinary INSERTs and index calls, tmstmp set by the writer), and
// what each store holds afterwards, one value per record.
import type { SearchFixture } from "../support/search-fixture.js";
import cassandra from "cassandra-driver";
import type { Value } from "./oracle.js";

/** A search returns at most 10,000 hits by default. */
const MAX_RECORDS = 10_000;

export type Layout = "index-per-table" | "type-field";
export type Side = "cassandra" | "es";
export const SIDES: readonly Side[] = ["cassandra", "es"];

/**
 * `latest` keeps one row per id; `versioned` adds a row per write and the newest row is the record;
 * `composite` is versioned too, keyed by a tenant (a text holding the `_id`'s separator) and a user id.
 */
export const TABLES = ["latest", "versioned", "composite"] as const;
export type Table = (typeof TABLES)[number];

/** The composite key a checker id stands for: a tenant of the first hex digit, a 48-bit user id. */
function compositeKey(id: string): { readonly tenant: string; readonly userId: number } {
  return { tenant: `t|${id.slice(0, 1)}`, userId: Number.parseInt(id.replaceAll("-", "").slice(20), 16) };
}

/** The `_id` synced gives a composite key: its parts joined with |, a | inside a part as %7C. */
function compositeDocumentId(id: string): string {
  const { tenant, userId } = compositeKey(id);
  return `${tenant.replaceAll("%", "%25").replaceAll("|", "%7C")}|${userId}`;
}

const { TimeUuid } = cassandra.types;

/** Elasticsearch may hold more than milliseconds (date_nanos); the writers never use more. */
function millis(tmstmp: unknown): number {
  if (typeof tmstmp === "number") return tmstmp;
  if (typeof tmstmp !== "string") throw new Error(`unexpected tmstmp ${JSON.stringify(tmstmp)}`);
  return Date.parse(tmstmp.replace(/(\.\d{3})\d+/, "$1"));
}

interface Source {
  readonly tmstmp?: unknown;
  readonly v?: number | null;
  readonly deleted?: boolean | null;
}

export class ConvergenceWorld {
  /** The checker id of each composite key written, to read the stores back by checker id. */
  private readonly composite = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly layout: Layout,
    private readonly cassandra: cassandra.Client,
    private readonly es: SearchFixture,
  ) {}

  /** The flags that point synced at this world. */
  args(): string[] {
    return ["-k", this.name, "-i", this.name, "--layout", this.layout];
  }

  async create(): Promise<void> {
    await this.cassandra.execute(
      `CREATE KEYSPACE ${this.name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await this.cassandra.execute(
      `CREATE TABLE ${this.name}.latest (id uuid PRIMARY KEY, tmstmp timestamp, v int, deleted boolean)`,
    );
    await this.cassandra.execute(
      `CREATE TABLE ${this.name}.versioned (id uuid, tmstmp timeuuid, v int, deleted boolean, PRIMARY KEY ((id), tmstmp))`,
    );
    await this.cassandra.execute(
      `CREATE TABLE ${this.name}.composite (tenant text, user_id bigint, tmstmp timeuuid, v int, ` +
        "deleted boolean, PRIMARY KEY ((tenant), user_id, tmstmp))",
    );
  }

  async drop(): Promise<void> {
    await this.cassandra.execute(`DROP KEYSPACE IF EXISTS ${this.name}`);
    await this.es.indices.delete({
      index: `${this.name}*`,
      ignore_unavailable: true,
      allow_no_indices: true,
    });
  }

  private index(table: Table): string {
    return this.layout === "type-field" ? this.name : `${this.name}-${table}`;
  }

  private docId(table: Table, id: string): string {
    const own = table === "composite" ? compositeDocumentId(id) : id;
    return this.layout === "type-field" ? `${table}-${own}` : own;
  }

  /** The key columns or fields of a record, by name. */
  private keyOf(table: Table, id: string): Record<string, string | number> {
    if (table !== "composite") return { id };
    const { tenant, userId } = compositeKey(id);
    this.composite.set(`${tenant}/${userId}`, id);
    return { tenant, user_id: userId };
  }

  /** The checker id of a record read back by its key. */
  private idOf(table: Table, source: Record<string, unknown>): string {
    if (table !== "composite") return String(source["id"]);
    const key = `${String(source["tenant"])}/${String(source["user_id"])}`;
    return this.composite.get(key) ?? key;
  }

  /** A write by another application: an ordinary INSERT or index call, with no condition. */
  async write(table: Table, id: string, side: Side, value: Value): Promise<void> {
    const key = this.keyOf(table, id);
    if (side === "cassandra") {
      const tmstmp = table === "latest" ? new Date(value.tmstmp) : TimeUuid.fromDate(new Date(value.tmstmp));
      const columns = Object.keys(key);
      await this.cassandra.execute(
        `INSERT INTO ${this.name}.${table} (${columns.join(", ")}, tmstmp, v, deleted) ` +
          `VALUES (${columns.map(() => "?").join(", ")}, ?, ?, ?)`,
        [...Object.values(key), tmstmp, value.v, value.deleted],
        { prepare: true },
      );
      return;
    }
    await this.es.index({
      index: this.index(table),
      id: this.docId(table, id),
      document: {
        ...(this.layout === "type-field" ? { type: table } : {}),
        ...key,
        tmstmp: new Date(value.tmstmp).toISOString(),
        v: value.v,
        deleted: value.deleted,
      },
    });
  }

  async refresh(): Promise<void> {
    await this.es.indices.refresh({ index: `${this.name}*` });
  }

  /** Every record of `table` as Cassandra holds it: the newest row of each id. */
  async readCassandra(table: Table): Promise<Map<string, Value>> {
    const records = new Map<string, Value>();
    const key = table === "composite" ? "tenant, user_id" : "id";
    const query = `SELECT ${key}, tmstmp, v, deleted FROM ${this.name}.${table}`;
    const rows: cassandra.types.Row[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.cassandra.execute(query, [], {
        prepare: true,
        fetchSize: 1000,
        ...(pageState === undefined ? {} : { pageState }),
      });
      rows.push(...page.rows);
      // The driver's types say string; at the last page it is null.
      const next: unknown = page.pageState;
      pageState = typeof next === "string" ? next : undefined;
    } while (pageState !== undefined);
    for (const row of rows) {
      const id = this.idOf(table, { id: row["id"], tenant: row["tenant"], user_id: row["user_id"] });
      const raw = row["tmstmp"] as Date | cassandra.types.TimeUuid;
      const tmstmp = raw instanceof Date ? raw.getTime() : raw.getDate().getTime();
      const current = records.get(id);
      if (current !== undefined && current.tmstmp >= tmstmp) continue;
      records.set(id, {
        tmstmp,
        v: Number(row["v"]),
        deleted: row["deleted"] === true,
      });
    }
    return records;
  }

  /** Every record of `table` as Elasticsearch holds it. */
  async readElasticsearch(table: Table): Promise<Map<string, Value>> {
    const records = new Map<string, Value>();
    // One plain search, not synced's own paged reads: the checker must not share what it checks. A
    // table holds far fewer records than a search may return (index.max_result_window).
    const response = await this.es.search<Source & Record<string, unknown>>({
      index: this.index(table),
      size: MAX_RECORDS,
      query: this.layout === "type-field" ? { term: { type: table } } : { match_all: {} },
    });
    const hits = response.hits.hits;
    if (hits.length >= MAX_RECORDS) throw new Error(`more than ${MAX_RECORDS - 1} records in ${table}`);
    for (const { _source: doc } of hits) {
      if (doc === undefined) continue;
      records.set(this.idOf(table, doc), {
        tmstmp: millis(doc.tmstmp),
        v: Number(doc.v),
        deleted: doc.deleted === true,
      });
    }
    return records;
  }
}
