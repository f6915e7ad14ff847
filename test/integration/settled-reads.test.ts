// The second direction of a run in both reads the search side without sources where its first direction
// settled nearly every document, and fetches whole only the others: it must still see every document
// written since, and every document only the search side holds, as a whole read would.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import type { RecordStore } from "../../src/reconcile/record-store.js";
import type { ScanPageRequest, SearchClient } from "../../src/stores/search/search-client.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const { Uuid } = cassandra.types;

interface Watched {
  readonly client: SearchClient;
  /** Each scan page asked for, with the index it read. */
  readonly pages: { index: string; request: ScanPageRequest }[];
  /** Each `_id` fetched by id since the second direction started. */
  readonly fetched: string[];
}

/** synced's own client, with the scan pages and fetches by id it is asked for written down. */
function watch(client: SearchClient): Watched {
  const pages: Watched["pages"] = [];
  const fetched: string[] = [];
  const watched = new Proxy(client, {
    get(target, property) {
      if (property === "readPage") {
        return (view: Parameters<SearchClient["readPage"]>[0], request: ScanPageRequest) => {
          pages.push({ index: view.index, request });
          return target.readPage(view, request);
        };
      }
      if (property === "getDocuments") {
        return (request: Parameters<SearchClient["getDocuments"]>[0]) => {
          fetched.push(...request.ids.map((id) => (typeof id === "string" ? id : id.id)));
          return target.getDocuments(request);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { client: watched, pages, fetched };
}

describe("the second direction's read of what the first settled", () => {
  let h: Harness;
  const table = "settle";
  const begin = new Date(Date.now() - 600_000);

  before(async () => {
    h = await Harness.create("settle");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
  });
  after(() => h.cleanup());

  const index = (): string => `${h.index}-${table}`;

  async function insertRows(count: number, at: Date): Promise<string[]> {
    const ids = Array.from({ length: count }, () => Uuid.random().toString());
    for (const id of ids) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, body) VALUES (?, ?, ?)`,
        [id, at, `row ${id}`],
        { prepare: true },
      );
    }
    return ids;
  }

  async function indexDocument(id: string, at: Date, body: string): Promise<void> {
    await h.es.index({ index: index(), id, document: { id, tmstmp: at.toISOString(), body }, refresh: true });
  }

  async function bodyOf(id: string, from = table): Promise<unknown> {
    const rows = await h.cassandra.execute(`SELECT body FROM ${h.keyspace}.${from} WHERE id = ?`, [id], {
      prepare: true,
    });
    return rows.rowLength === 0 ? undefined : rows.first().get("body");
  }

  /** A run in both directions through the watched client; `between` runs as the second direction starts. */
  async function run(watched: Watched, between: () => Promise<void> = () => Promise.resolve()) {
    const store = h.stores(undefined, watched.client).elasticsearch;
    const elasticsearch: RecordStore = {
      side: store.side,
      name: store.name,
      versionPrecision: (plan) => store.versionPrecision(plan),
      scan: (plan, range, settled) =>
        (async function* () {
          if (settled !== undefined) {
            // What the first direction looked up is not what this test watches.
            watched.fetched.length = 0;
            await between();
          }
          yield* store.scan(plan, range, settled);
        })(),
      fetchCurrent: (plan, ids) => store.fetchCurrent(plan, ids),
      write: (plan, writes) => store.write(plan, writes),
    };
    const report = await h.runEngine({ key: "settle", begin, elasticsearch });
    assert.equal(report.outcome, "success", report.error?.message);
    const stats = report.tables.find((t) => t.table === table && t.direction === "to-cassandra");
    assert.ok(stats, "the run reconciled the table toward Cassandra");
    return { stats, pages: watched.pages.filter((p) => p.index === index()) };
  }

  it("reads settled documents without sources, and fetches whole those written since and those only the search side holds", async () => {
    const rows = await insertRows(4, new Date(Date.now() - 120_000));
    await run(watch(h.search));
    const searchOnly = Uuid.random().toString();
    await indexDocument(searchOnly, new Date(Date.now() - 90_000), "only in the index");
    const [changed = ""] = rows;

    const watched = watch(h.search);
    const { stats, pages } = await run(watched, () =>
      // Written after the first direction left it equal on both sides: its tag is no longer the settled one.
      indexDocument(changed, new Date(Date.now() - 60_000), "changed since"),
    );

    assert.deepEqual(
      { scanned: stats.scanned, unchanged: stats.unchanged, written: stats.written },
      { scanned: 5, unchanged: 3, written: 2 },
    );
    assert.ok(pages.length > 0);
    assert.ok(
      pages.every((p) => p.request.withoutSource === true),
      "every page of the second direction is read without sources",
    );
    assert.deepEqual([...watched.fetched].sort(), [changed, searchOnly].sort());
    assert.equal(await bodyOf(changed), "changed since");
    assert.equal(await bodyOf(searchOnly), "only in the index");
  });

  it("reads whole pages where most documents of the range were not settled", async () => {
    const at = new Date(Date.now() - 30_000);
    const searchOnly = Array.from({ length: 20 }, () => Uuid.random().toString());
    for (const id of searchOnly) await indexDocument(id, at, "only in the index");

    const { stats, pages } = await run(watch(h.search));

    assert.equal(stats.written, 20);
    assert.equal(stats.unchanged, stats.scanned - 20);
    assert.ok(pages.length > 0);
    assert.ok(pages.every((p) => p.request.withoutSource === undefined));
    for (const id of searchOnly) assert.equal(await bodyOf(id), "only in the index");
  });
  it("fetches the documents it did not settle on the shard their routing value picks", async () => {
    // Created here, not before the suite: the runs above plan every table without the config file.
    const routed = `${h.index}-routed`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.routed (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    // Three shards, and no write or lookup without a routing value: a fetch by id that left out the
    // document's routing would be refused, not answered from another shard.
    await h.es.indices.create({
      index: routed,
      settings: { number_of_shards: 3, number_of_replicas: 0 },
      mappings: {
        _routing: { required: true },
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, body: { type: "keyword" } },
      },
    });
    const dir = await mkdtemp(join(tmpdir(), "settled-reads-"));
    try {
      const config = join(dir, "synced.yaml");
      await writeFile(config, ["tables:", "  routed:", "    routing: id", ""].join("\n"));
      const at = new Date(Date.now() - 60_000);
      for (let i = 0; i < 6; i++) {
        await h.cassandra.execute(
          `INSERT INTO ${h.keyspace}.routed (id, tmstmp, body) VALUES (?, ?, 'from cassandra')`,
          [Uuid.random().toString(), at],
          { prepare: true },
        );
      }
      const args = ["--config", config, "-b", begin.toISOString()];
      const first = await h.run(args);
      assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
      assert.equal(tableStats(first.summary, "routed", "to-es")["written"], 6);
      // Searchable, as a second later they would be: the run reads the index as of its last refresh.
      await h.refresh();
      const searchOnly = Uuid.random().toString();
      await h.es.index({
        index: routed,
        id: searchOnly,
        routing: searchOnly,
        document: { id: searchOnly, tmstmp: at.toISOString(), body: "only in the index" },
        refresh: true,
      });

      // Six of seven settled by the first direction: the second reads without sources.
      const second = await h.run(args);
      assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));
      const toCassandra = tableStats(second.summary, "routed", "to-cassandra");
      assert.deepEqual(
        {
          scanned: toCassandra["scanned"],
          unchanged: toCassandra["unchanged"],
          written: toCassandra["written"],
        },
        { scanned: 7, unchanged: 6, written: 1 },
      );
      assert.equal(await bodyOf(searchOnly, "routed"), "only in the index");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
