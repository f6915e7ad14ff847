// Whatever answers at --es-nodes, Elasticsearch or OpenSearch: synced finds out which, refuses a
// --es-product that names the other, and reads an index spread over several shards in parallel
// slices with every document exactly once (a sort that is not total per point in time loses some;
// OpenSearch is read through scroll contexts for that reason). The test command runs this
// file against each product it starts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const DOCUMENTS = 300;

describe("search products", () => {
  let h: Harness;
  let index: string;
  const hourAgo = Date.now() - 3_600_000;

  before(async () => {
    h = await Harness.create("products");
    index = `${h.index}-items`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.items (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await h.es.indices.create({
      index,
      settings: { number_of_shards: 3, number_of_replicas: 0 },
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, n: { type: "integer" } } },
    });
    const operations = Array.from({ length: DOCUMENTS }, (_, n) => {
      const id = cassandra.types.Uuid.random().toString();
      return [{ index: { _index: index, _id: id } }, { id, tmstmp: new Date(hourAgo + n).toISOString(), n }];
    }).flat();
    const bulk = await h.es.bulk({ operations, refresh: true });
    assert.equal(bulk.errors, false);
  });
  after(() => h.cleanup());

  it("refuses --es-product naming the other product, before touching anything", async () => {
    const other = h.es.product === "elasticsearch" ? "opensearch" : "elasticsearch";
    const result = await h.cli([...h.baseArgs(), "--es-product", other, "--json"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`is not ${other === "opensearch" ? "OpenSearch" : "Elasticsearch"}`),
    );
    assert.match(result.stderr, /--es-product/);
    const rows = await h.cassandra.execute(`SELECT count(*) FROM ${h.keyspace}.items`);
    assert.equal(Number(rows.first().get(0)), 0);
  });

  it("refuses an Elasticsearch API key for OpenSearch, saying to log in instead", async (t) => {
    if (h.es.product !== "opensearch") {
      t.skip("an Elasticsearch server: tls.test.ts tests its API keys");
      return;
    }
    const args = h
      .baseArgs()
      .filter((arg, i, all) => arg !== "--es-username" && all[i - 1] !== "--es-username");
    const result = await h.cli([...args, "--json"], {
      SYNCED_ES_PASSWORD: "",
      SYNCED_ES_API_KEY: "aWQ6a2V5",
    });
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(result.stderr, /takes no Elasticsearch API key: log in with --es-username/);
    assert.doesNotMatch(result.stderr, /aWQ6a2V5/);
  });

  it("reads every document of a 3-shard index once, in 3 slices of small pages", async () => {
    const result = await h.run([
      "--es-product",
      h.es.product,
      "--direction",
      "to-cassandra",
      "--slices",
      "3",
      "--batch-size",
      "7",
    ]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const stats = tableStats(result.summary, "items", "to-cassandra");
    assert.equal(stats["scanned"], DOCUMENTS);
    assert.equal(stats["written"], DOCUMENTS);
    const rows = await h.cassandra.execute(`SELECT count(*) FROM ${h.keyspace}.items`);
    assert.equal(Number(rows.first().get(0)), DOCUMENTS);
  });
});
