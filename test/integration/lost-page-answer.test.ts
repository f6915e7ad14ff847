// A page of a read whose answer is lost after the node answered it (the connection broke, or the
// request timed out): every record is still compared. Elasticsearch addresses a page of a point in
// time by its search_after position, so synced asks for the same page again. OpenSearch is read
// through scroll contexts, where asking again would move the scroll on and skip a page; there the
// read starts over in a new view. A relay between synced and the node loses the answer; the node
// is the real one. The test command runs this file against each product it starts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness, tableStats } from "../support/harness.js";
import { lostAnswerRelay, type RelayedRequest } from "../support/lost-answer.js";

const DOCUMENTS = 50;
const PAGE = 10;

/** What a request does in a read: opens a view with its first page, continues one, or neither. */
function pageRead(request: Omit<RelayedRequest, "lost">): "first" | "next" | undefined {
  if (request.method !== "POST") return undefined;
  const path = request.url.split("?")[0] ?? "";
  if (path === "/_search/scroll") return "next";
  if (!path.endsWith("/_search")) return undefined;
  if (request.url.includes("scroll=")) return "first";
  const body = JSON.parse(request.body || "{}") as Record<string, unknown>;
  if (body["pit"] === undefined) return undefined;
  return body["search_after"] === undefined ? "first" : "next";
}

describe("a page of a read whose answer is lost", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("lostpage");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const index = `${h.index}-things`;
    await h.es.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, n: { type: "integer" } } },
    });
    const hourAgo = Date.now() - 3_600_000;
    const operations = Array.from({ length: DOCUMENTS }, (_, n) => {
      const id = cassandra.types.Uuid.random().toString();
      return [{ index: { _index: index, _id: id } }, { id, tmstmp: new Date(hourAgo + n).toISOString(), n }];
    }).flat();
    const bulk = await h.es.bulk({ operations, refresh: true });
    assert.equal(bulk.errors, false);
  });
  after(() => h.cleanup());

  it("compares every record, and the checkpoint covers them all", async () => {
    const node = new URL(h.servers.elasticsearchUrl);
    const relay = await lostAnswerRelay(node.hostname, Number(node.port), (r) => pageRead(r) === "next");
    try {
      const result = await h.cli([
        ...h.argsWith({ "--es-nodes": `http://127.0.0.1:${relay.port}` }),
        ...["--tables", "things", "--direction", "to-cassandra", "--name", "things", "--json"],
        ...["--slices", "1", "--batch-size", String(PAGE)],
      ]);
      assert.equal(result.code, EXIT.success, result.stderr);
      const stats = tableStats(
        JSON.parse(result.stdout) as Record<string, unknown>,
        "things",
        "to-cassandra",
      );
      // A read that starts over may write a record of a batch still in flight again, unchanged.
      assert.ok((stats["written"] ?? 0) >= DOCUMENTS, JSON.stringify(stats));
      const rows = await h.cassandra.execute(`SELECT count(*) FROM ${h.keyspace}.things`);
      assert.equal(Number(rows.first().get(0)), DOCUMENTS);
      assert.notEqual(await new FileStateStore({ directory: h.stateDir }).getCheckpoint("things"), undefined);

      const pages = relay.requests.filter((r) => pageRead(r) !== undefined);
      const lost = pages.findIndex((r) => r.lost);
      assert.ok(lost > 0, `no answer to a next page was lost: ${JSON.stringify(pages)}`);
      const again = pages[lost + 1];
      assert.ok(again, "the read stopped at the lost answer");
      if (h.es.product === "elasticsearch") {
        // The same page of the same point in time, asked again: safe, it answers the same hits.
        assert.equal(pageRead(again), "next");
        assert.equal(again.body, pages[lost]?.body);
        assert.match(result.stderr, /failed transiently; trying again/);
        assert.doesNotMatch(result.stderr, /reading the index again/);
      } else {
        // A scroll cannot be asked for the same page again: a new view, read from its start.
        assert.equal(pageRead(again), "first");
        assert.match(result.stderr, /reading the index again/);
      }
    } finally {
      await relay.close();
    }
  });
});
