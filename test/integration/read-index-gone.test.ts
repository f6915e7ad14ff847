// An index that goes away while a run reads it. Tried as an operator would: deleting the index during
// a read toward Cassandra was retried for the whole --retry-window, each page answered 503
// (no_shard_available_action_exception) on a healthy cluster, and the run ended with exit 5 and
// "run again once the cluster is healthy". A 503 about shards is also what a node restarting gives,
// which must still be retried: only an index that no longer exists stops the read at once.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT, exitCodeForError } from "../../src/cli/exit-codes.js";
import type { RecordStore, ScanBatch } from "../../src/reconcile/record-store.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import type { SearchClient } from "../../src/stores/search/search-client.js";
import { SearchStore } from "../../src/stores/search/search-store.js";
import { Harness } from "../support/harness.js";
import { indexDocuments } from "../support/index-documents.js";
import { handPlan } from "../support/table-plan.js";

const HOUR = 3_600_000;
// Pages of 20 documents: the index holds several, so pages remain to read once it is gone.
const BATCH = 5;
const DOCUMENTS = 50;

describe("an index that goes away while a run reads it", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("readgone");
  });
  after(() => h.cleanup());

  /** A search store as a run builds it, with the default retry window, its retries counted. */
  function searchStore(
    retries: unknown[],
    retryWindowMs = 60_000,
    client: SearchClient = h.search,
  ): SearchStore {
    return new SearchStore({
      client,
      versioning: "optimistic",
      slices: 1,
      concurrency: 1,
      batchSize: BATCH,
      maxBulkBytes: 1_000_000,
      maxDocumentBytes: 1_000_000,
      retryWindowMs,
      onRetry: (_store, error) => retries.push(error),
    });
  }

  /** The store, with `act` done once, right after the first batch of documents read from an index. */
  function afterFirstBatch(store: RecordStore, act: () => Promise<void>): RecordStore {
    let done = false;
    return {
      side: store.side,
      name: store.name,
      versionPrecision: (plan) => store.versionPrecision(plan),
      scan: (plan, range, settled) =>
        (async function* (): AsyncGenerator<ScanBatch> {
          for await (const batch of store.scan(plan, range, settled)) {
            yield batch;
            if (!done && batch.records.length > 0) {
              done = true;
              await act();
            }
          }
        })(),
      fetchCurrent: (plan, ids) => store.fetchCurrent(plan, ids),
      write: (plan, writes) => store.write(plan, writes),
    };
  }

  /** A table synced once (its index made, empty), then documents another application indexed. */
  async function indexWithDocuments(table: string): Promise<{ index: string; checkpoint: unknown }> {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const first = await h.runEngine({ key: table, begin: new Date(Date.now() - 2 * HOUR) });
    assert.equal(first.outcome, "success", first.error?.message);
    const index = `${h.index}-${table}`;
    const at = new Date(Date.now() - 1000).toISOString();
    await indexDocuments(
      h.es,
      index,
      Array.from({ length: DOCUMENTS }, (_, n) => {
        const id = cassandra.types.Uuid.random().toString();
        return { id, source: { id, tmstmp: at, n } };
      }),
    );
    const checkpoint = await new FileStateStore({ directory: h.stateDir }).getCheckpoint(table);
    return { index, checkpoint };
  }

  it("stops at once when the index is deleted, saying so, with the checkpoint where it was", async () => {
    const { index, checkpoint } = await indexWithDocuments("deleted");
    const retries: unknown[] = [];
    const report = await h.runEngine({
      key: "deleted",
      elasticsearch: afterFirstBatch(searchStore(retries), async () => {
        await h.es.indices.delete({ index });
      }),
    });
    assert.equal(report.outcome, "failed", JSON.stringify(report.tables));
    const message = report.error?.message ?? "";
    assert.match(
      message,
      new RegExp(`index ${index} no longer exists: it was deleted while the run read it`),
    );
    assert.doesNotMatch(message, /once the cluster is healthy/);
    assert.equal(exitCodeForError(report.error), EXIT.failure);
    // Not one retry: the read did not wait out the retry window on an index that is gone.
    assert.deepEqual(retries, []);
    assert.deepEqual(
      await new FileStateStore({ directory: h.stateDir }).getCheckpoint("deleted"),
      checkpoint,
    );
  });

  it("stops at once when the index is closed, saying how to open it", async () => {
    const { index, checkpoint } = await indexWithDocuments("closed");
    const retries: unknown[] = [];
    const report = await h.runEngine({
      key: "closed",
      elasticsearch: afterFirstBatch(searchStore(retries), async () => {
        await h.es.indices.close({ index });
      }),
    });
    assert.equal(report.outcome, "failed", JSON.stringify(report.tables));
    const message = report.error?.message ?? "";
    assert.match(message, new RegExp(`index ${index} was closed while the run read it`));
    assert.match(message, new RegExp(`POST ${index}/_open`));
    assert.equal(exitCodeForError(report.error), EXIT.failure);
    assert.deepEqual(retries, []);
    assert.deepEqual(await new FileStateStore({ directory: h.stateDir }).getCheckpoint("closed"), checkpoint);
    // A closed index refuses the later runs of the keyspace's tables; a deleted one is made again.
    await h.es.indices.delete({ index });
  });

  it("keeps retrying an index that exists but whose shards are unavailable", async () => {
    const index = `${h.index}-stranded`;
    // A primary shard that no node may hold: the cluster answers 503 for it, as while a node restarts.
    await h.es.indices.create({
      index,
      wait_for_active_shards: 0,
      settings: { number_of_replicas: 0, "index.routing.allocation.require._name": "no-such-node" },
    });
    const plan = handPlan({ keyspace: h.keyspace, table: "stranded", index, columns: { n: "int" } });
    const retries: unknown[] = [];
    const read = async (): Promise<void> => {
      for await (const batch of searchStore(retries, 1_500).scan(plan, { begin: 0n, end: 1n << 62n })) {
        assert.fail(`read a batch of ${batch.records.length} from an index without shards`);
      }
    };
    await assert.rejects(read(), (error: Error) => {
      assert.equal(exitCodeForError(error), EXIT.unreachable, error.message);
      assert.match(error.message, /answered 503/);
      return true;
    });
    assert.ok(retries.length > 1, `retried ${retries.length} times`);
    // Its shards answer 503 to any later read of the keyspace's indices.
    await h.es.indices.delete({ index });
  });

  /** synced's client, with `act` done once, right before its first lookup of documents by id. */
  function beforeFirstLookup(act: () => Promise<void>): SearchClient {
    let done = false;
    return new Proxy(h.search, {
      get(target, name) {
        if (name === "getDocuments") {
          return async (request: Parameters<SearchClient["getDocuments"]>[0]) => {
            if (!done) {
              done = true;
              await act();
            }
            return target.getDocuments(request);
          };
        }
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  for (const [how, act] of [
    ["deleted", (index: string) => h.es.indices.delete({ index })],
    ["closed", (index: string) => h.es.indices.close({ index })],
  ] as const) {
    it(`stops at once when the index is ${how} before the documents of a page are fetched by id`, async () => {
      const table = `fetch${how}`;
      const { index } = await indexWithDocuments(table);
      const plan = handPlan({ keyspace: h.keyspace, table, index, columns: { n: "int" } });
      const retries: unknown[] = [];
      const client = beforeFirstLookup(async () => {
        await act(index);
      });
      // A view of what the first direction settled, as large as the index (so the pages are read
      // without sources) but holding none of these: each page's documents are fetched by id.
      const settled = { size: DOCUMENTS, has: () => false };
      const read = async (): Promise<void> => {
        for await (const batch of searchStore(retries, 60_000, client).scan(
          plan,
          { begin: 0n, end: BigInt(Date.now() + HOUR) * 1000n },
          settled,
        )) {
          assert.fail(`read a batch of ${batch.records.length} from an index that is ${how}`);
        }
      };
      await assert.rejects(read(), (error: Error) => {
        assert.match(error.message, new RegExp(`index ${index} (no longer exists|was closed)`));
        assert.match(
          error.message,
          how === "deleted" ? /deleted while the run read it/ : new RegExp(`POST ${index}/_open`),
        );
        assert.equal(exitCodeForError(error), EXIT.failure, error.message);
        return true;
      });
      assert.deepEqual(retries, []);
      if (how === "closed") await h.es.indices.delete({ index });
    });
  }
});
