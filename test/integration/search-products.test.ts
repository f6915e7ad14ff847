// Whatever answers at --es-nodes, Elasticsearch or OpenSearch: synced finds out which, refuses a
// --es-product that names the other, and reads an index spread over several shards in parallel
// slices with every document exactly once (a sort that is not total per point in time loses some;
// OpenSearch is read through scroll contexts for that reason), and reads a map field's mapping back
// as the map type whichever product holds it. The test command runs this file against each product
// it starts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { parseCqlType } from "../../src/core/cql-type.js";
import { MAP_FIELD_TYPE } from "../../src/stores/search/mapping.js";
import { esMappingFor } from "../../src/stores/values/es-mapping.js";
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

  // Tried as an operator would, against OpenSearch: a letter's reason, verify's table and log, and
  // a dead letter's reason said "elasticsearch". The side keeps that name where scripts read it (the
  // letter's `from`, verify --json), and the text names the product.
  it("names the product that holds the search side in what a user reads", async () => {
    const product = h.es.productName;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.named (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const args = [...h.baseArgs(), "--name", "named", "--tables", "named"];
    assert.equal((await h.cli(args)).code, EXIT.success);
    const named = `${h.index}-named`;
    const id = cassandra.types.Uuid.random().toString();
    // The index keeps 1.5 in the source of its integer field, which no int column reads.
    await h.es.index({
      index: named,
      id,
      document: { id, tmstmp: new Date(Date.now() - 50_000).toISOString(), n: 1.5 },
      refresh: true,
    });
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.named (id, tmstmp, n) VALUES (?, ?, 2)`,
      [id, new Date(Date.now() - 40_000)],
      { prepare: true },
    );
    const run = await h.cli([...args, "--direction", "to-es"]);
    assert.equal(run.code, EXIT.partial, run.stdout + run.stderr);
    const listed = await h.cli(["dead-letters", "list", ...args, "--json"]);
    const [letter] = (JSON.parse(listed.stdout) as { letters: { reason: string; from: string }[] }).letters;
    assert.match(letter?.reason ?? "", new RegExp(`^the ${product} record is unreadable: `));
    assert.equal(letter?.from, "cassandra");

    const verified = await h.cli(["verify", ...args]);
    assert.equal(verified.code, EXIT.differ, verified.stdout + verified.stderr);
    const lower = product.toLowerCase();
    assert.match(verified.stdout, new RegExp(`^named +${lower} +1 `, "m"));
    assert.match(verified.stdout, new RegExp(`^named, read from ${lower}:`, "m"));
    assert.match(verified.stderr, new RegExp(`"message":"verified named from ${lower}"`));
    const json = await h.cli(["verify", ...args, "--json"]);
    const sides = (JSON.parse(json.stdout) as { sides: { side: string }[] }).sides.map((s) => s.side);
    assert.deepEqual(sides.sort(), ["cassandra", "elasticsearch"]);
    if (product === "OpenSearch") assert.doesNotMatch(verified.stdout + verified.stderr, /elasticsearch/i);
    // The other tests run over every table of the keyspace.
    await h.cassandra.execute(`DROP TABLE ${h.keyspace}.named`);
    await h.es.indices.delete({ index: named });
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

  it("reads a map field back as the map type it was written as, on either product", async () => {
    const tagged = `${h.index}-tagged`;
    await h.search.createIndex({
      index: tagged,
      mappings: {
        properties: {
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          tags: esMappingFor(parseCqlType("map<text, int>")),
        },
      },
    });
    // Stored under the product's own name for it...
    const stored = Object.values(await h.es.indices.getMapping({ index: tagged }))[0]?.mappings.properties;
    assert.equal(stored?.["tags"]?.type, h.es.product === "opensearch" ? "flat_object" : "flattened");
    // ...and read back by synced as the map type, whichever product holds it.
    const read = Object.values(await h.search.readMappings({ index: tagged }))[0];
    assert.equal(read?.["tags"]?.type, MAP_FIELD_TYPE);
    // So a table is not made of it for the reason that holds for a map, not for an unknown type.
    // The only table selected, it is refused as one that would copy nothing.
    const args = ["--tables", "tagged", "--create-tables", "--direction", "to-cassandra"];
    const result = await h.cli([...h.baseArgs(), ...args]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      /tagged: cannot create the table from index .*tags.*holds arbitrary JSON, which no CQL type describes/,
    );
  });
});
