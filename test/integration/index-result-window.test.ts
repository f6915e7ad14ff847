// A read of an index asks for pages of four batches (scan.ts, pageSize), at most 10,000 documents:
// the most an index allows unless its administrator lowered index.max_result_window, in which case
// the pages keep within it, also when it is lowered during a read. Against the real search node:
// Elasticsearch reads through a point in time, OpenSearch through scroll contexts, and each words
// its refusal its own way.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { SearchError } from "../../src/stores/search/search-error.js";
import { searchFailure } from "../../src/stores/search/search-failure.js";
import { Harness, tableStats } from "../support/harness.js";
import { watch } from "../support/watch.js";

describe("the pages of a read from an index", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("window");
  });
  after(() => h.cleanup());

  /** A table and its index holding `count` documents that another application wrote. */
  async function documents(
    table: string,
    count: number,
    settings: Record<string, unknown> = {},
  ): Promise<void> {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    const index = `${h.index}-${table}`;
    await h.es.indices.create({
      index,
      settings: { number_of_replicas: 0, ...settings },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, v: { type: "integer" } },
      },
    });
    const at = new Date(Date.now() - 60_000).toISOString();
    const operations = Array.from({ length: count }, (_, v) => {
      const id = cassandra.types.Uuid.random().toString();
      return [{ index: { _index: index, _id: id } }, { id, tmstmp: at, v }];
    }).flat();
    const bulk = await h.es.bulk({ operations, refresh: true });
    assert.equal(bulk.errors, false);
  }

  async function rows(table: string): Promise<number> {
    const result = await h.cassandra.execute(`SELECT count(*) AS n FROM ${h.keyspace}.${table}`);
    return Number(result.first()["n"]);
  }

  async function toCassandra(table: string, batchSize: number): Promise<void> {
    const run = await h.run([
      "--tables",
      table,
      "--direction",
      "to-cassandra",
      "--batch-size",
      String(batchSize),
    ]);
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.equal(tableStats(run.summary, table, "to-cassandra")["written"], await rows(table));
  }

  it("keeps within an index.max_result_window its administrator lowered", async () => {
    // Pages of four batches would be 800 documents, more than the index allows.
    await documents("narrow", 700, { "index.max_result_window": 300 });
    await toCassandra("narrow", 200);
    assert.equal(await rows("narrow"), 700);
  });

  // A sharded run reads through scroll contexts on Elasticsearch too (scroll-view.ts).
  for (const [table, way, sharded] of [
    ["lowered", "", false],
    ["lowered_sharded", ", by a sharded run", true],
  ] as const) {
    it(`keeps within an index.max_result_window lowered in the middle of a read${way}`, async () => {
      await documents(table, 2000);
      // Pages of 80 documents, two slices: far from the end of the read when the first rows arrive.
      const child = h.spawnCli([
        ...h.baseArgs(),
        ...["--tables", table, "--direction", "to-cassandra", "--json"],
        ...["--batch-size", "20", "--concurrency", "1"],
        ...(sharded ? ["--shard", "0/1"] : []),
      ]);
      const run = watch(child);
      while ((await rows(table)) === 0 && child.exitCode === null) await delay(20);
      // Held still while the setting changes, so that it changes between two pages of one read.
      child.kill("SIGSTOP");
      try {
        assert.equal(child.exitCode, null, "the run ended before the setting could change");
        await h.es.indices.putSettings({
          index: `${h.index}-${table}`,
          settings: { "index.max_result_window": 50 },
        });
      } finally {
        child.kill("SIGCONT");
      }
      const { code, stdout, stderr } = await run.exited;
      assert.equal(code, EXIT.success, `${stdout}\n${stderr}`);
      assert.equal(await rows(table), 2000);
      // A point in time asks for the refused page again, smaller; a scroll (OpenSearch's reads, and a
      // sharded run's) keeps the size of its first page, so the read starts over in a new one, and
      // says so.
      const restarted = /refused the page size of a read \(its index.max_result_window was lowered to 50\)/;
      if (sharded || h.search.productName === "OpenSearch") assert.match(stderr, restarted);
      else assert.doesNotMatch(stderr, restarted);
    });
  }

  it("reads the limit and the root cause from the node's own refusal of a larger page", async () => {
    // The refusal as this product words it, for its kind of view: what the fallback above reads, and
    // what a user reads when a search fails on its shards.
    await documents("refused", 1);
    const index = `${h.index}-refused`;
    const view = await h.search.openView(index, "1m", "by-view");
    try {
      const page = h.search.readPage(view, { query: { exists: { field: "id" } }, size: 20_000 });
      await assert.rejects(page, (error: unknown) => {
        assert.ok(error instanceof SearchError && error.answer.status === 400, String(error));
        assert.equal(error.answer.resultWindow, 10_000);
        assert.match(
          searchFailure(error, `read index ${index}`, h.search.productName).message,
          /all shards failed; illegal_argument_exception: (Result window|Batch size) is too large/,
        );
        return true;
      });
    } finally {
      await h.search.closeView(view);
    }
  });

  // Tried as an operator whose CronJob stops runs with SIGTERM would: the close of a read's view went
  // with the stop's signal, already aborted, so it was never sent and the view held its resources on
  // the cluster for its keep-alive (5 minutes).
  it("closes a read's view on the cluster when the read was stopped by a signal", async () => {
    await documents("stopped", 3);
    const view = await h.search.openView(`${h.index}-stopped`, "5m", "by-view");
    const request = { query: { exists: { field: "id" } }, size: 1 };
    const first = await h.search.readPage(view, request);
    assert.ok(first.next !== undefined, "the index holds more than one page");
    const stop = new AbortController();
    stop.abort(new Error("stopped by SIGTERM"));
    await h.search.stoppedBy(stop.signal).closeView(view);
    await assert.rejects(h.search.readPage(view, { ...request, after: first.next }), (error: unknown) => {
      assert.ok(error instanceof SearchError && error.answer.status === 404, String(error));
      return true;
    });
  });

  it("reads with a batch larger than the most a page may hold", async () => {
    await documents("wide", 300);
    await toCassandra("wide", 20_000);
    assert.equal(await rows("wide"), 300);
  });
});
