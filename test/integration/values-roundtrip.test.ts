// Every CQL type makes the trip Cassandra → Elasticsearch → Cassandra through the value layer and
// comes back equal, and `_source` holds exactly the canonical encoding. Connecting happens inside each
// test, so a server that is down counts as a failed test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { estypes } from "@elastic/elasticsearch";
import type { SearchFixture } from "../support/search-fixture.js";
import cassandra from "cassandra-driver";
import { stableStringify, type JsonValue } from "../../src/core/canonical-json.js";
import { native, parseCqlType, type CqlType, type UdtDefinition } from "../../src/core/cql-type.js";
import { canonicalize, decodeValue } from "../../src/stores/values/decode.js";
import { CASSANDRA_ENCODING } from "../../src/stores/values/driver-options.js";
import { encodeValue } from "../../src/stores/values/encode.js";
import { esMappingFor } from "../../src/stores/values/es-mapping.js";
import { cassandraOptions, connectTestSearch, runScopedName } from "../support/servers.js";
import { clusterCapabilities } from "../../src/stores/cassandra/connect.js";
import { ADDRESS_TYPE, comparable, valueFixtures, type ValueFixtures } from "../support/value-fixtures.js";

const { types } = cassandra;
const u1 = types.Uuid.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
const decimal = (text: string) => decodeValue(text, native("decimal"), "fixture");
const inet = (text: string) => types.InetAddress.fromString(text);
function mapOf(...keysAndValues: unknown[]): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < keysAndValues.length; i += 2) map.set(keysAndValues[i], keysAndValues[i + 1]);
  return map;
}

/** Per column: a form other applications write to Elasticsearch, and the same value for the driver. */
const OTHER_FORMS: [string, unknown, unknown][] = [
  ["c_bigint", "9223372036854775807", 2n ** 63n - 1n],
  ["c_int", "42", 42],
  ["c_varint", 12345678901234567890123n, 12345678901234567890123n],
  ["c_decimal", 1.5, decimal("1.5")],
  ["c_timestamp", "2024-01-01T10:00:00.5+02:00", new Date(Date.UTC(2024, 0, 1, 8, 0, 0, 500))],
  ["c_date", "2024-03-05T00:00:00Z", types.LocalDate.fromString("2024-03-05")],
  ["c_boolean", "true", true],
  ["c_uuid", "3F2504E0-4F89-11D3-9A0C-0305E82C3301", u1],
  ["c_inet", "2001:DB8:0:0:0:0:0:1", inet("2001:db8::1")],
  ["c_list", 5, [5]],
  ["c_set", ["b", "a", "b"], ["a", "b"]],
  ["c_map", { k: "7" }, mapOf("k", 7)],
  ["c_duration", "P1DT2H", types.Duration.fromString("1d2h")],
  ["c_float", "0.1", Math.fround(0.1)],
  ["c_time", "01:02", types.LocalTime.fromString("01:02:00")],
  // An IPv4-mapped address held in a list, set or map, which Cassandra keeps as the IPv4 one.
  ["c_inet_set", ["::ffff:1.2.3.4", "10.0.0.1"], [inet("::ffff:1.2.3.4"), inet("10.0.0.1")]],
  [
    "c_inet_map",
    { "::FFFF:1.2.3.4": "::ffff:5.6.7.8" },
    mapOf(inet("::ffff:1.2.3.4"), inet("::ffff:5.6.7.8")),
  ],
];

async function readColumnTypes(client: cassandra.Client, keyspace: string): Promise<Map<string, CqlType>> {
  const schema = "SELECT * FROM system_schema.types WHERE keyspace_name = ?";
  const udtRows = await client.execute(schema, [keyspace]);
  const udts = new Map<string, UdtDefinition>();
  for (const row of udtRows.rows) {
    const name = String(row.get("type_name"));
    udts.set(name, {
      keyspace,
      name,
      fieldNames: row.get("field_names") as string[],
      fieldTypes: row.get("field_types") as string[],
    });
  }
  const columns = await client.execute(
    "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'src'",
    [keyspace],
  );
  const result = new Map<string, CqlType>();
  for (const row of columns.rows) {
    const name = String(row.get("column_name"));
    const lookup = (udt: string) => udts.get(udt);
    if (name !== "id") result.set(name, parseCqlType(String(row.get("type")), lookup, name));
  }
  return result;
}

async function withServers(
  run: (
    cql: cassandra.Client,
    es: SearchFixture,
    keyspace: string,
    index: string,
    values: ValueFixtures,
  ) => Promise<void>,
): Promise<void> {
  const keyspace = runScopedName("values");
  const index = runScopedName("values");
  const cql = new cassandra.Client(cassandraOptions({ encoding: CASSANDRA_ENCODING }));
  const es = await connectTestSearch();
  try {
    await cql.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await cql.execute(`CREATE TYPE ${keyspace}.address ${ADDRESS_TYPE}`);
    const values = valueFixtures(clusterCapabilities(cql).release);
    for (const table of ["src", "dst"])
      await cql.execute(`CREATE TABLE ${keyspace}.${table} (id int PRIMARY KEY, ${values.columns})`);
    await run(cql, es, keyspace, index, values);
  } finally {
    await cql.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await es.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
    await Promise.all([cql.shutdown(), es.close()]);
  }
}

async function insert(cql: cassandra.Client, table: string, names: string[], row: Record<string, unknown>) {
  const columns = ["id", ...names];
  const statement = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
  const values = columns.map((name) => row[name] ?? null);
  await cql.execute(statement, values, { prepare: true });
}

async function select(cql: cassandra.Client, table: string, id: number): Promise<cassandra.types.Row> {
  const result = await cql.execute(`SELECT * FROM ${table} WHERE id = ?`, [id], { prepare: true });
  assert.equal(result.rowLength, 1, `${table} row ${id}`);
  return result.first();
}

function encodeRow(row: cassandra.types.Row, columns: Map<string, CqlType>): Record<string, JsonValue> {
  const document: Record<string, JsonValue> = {};
  for (const [name, type] of columns) {
    const value = encodeValue(row.get(name), type, name);
    if (value !== null) document[name] = value;
  }
  return document;
}

/** synced's mapping of a column, for the fixture's request: the same JSON. */
function mappingFor(type: CqlType): estypes.MappingProperty {
  return esMappingFor(type) as estypes.MappingProperty;
}

async function createIndex(es: SearchFixture, index: string, columns: Map<string, CqlType>): Promise<void> {
  const properties: Record<string, estypes.MappingProperty> = {};
  for (const [name, type] of columns) properties[name] = mappingFor(type);
  await es.indices.create({ index, mappings: { dynamic: "strict", properties } });
}

describe("values round trip between Cassandra and Elasticsearch", () => {
  it("keeps every CQL type exact, extremes and nulls included, and _source canonical", async () => {
    await withServers(async (cql, es, keyspace, index, values) => {
      const columns = await readColumnTypes(cql, keyspace);
      const names = [...columns.keys()];
      assert.equal(names.length, values.fixtures.length);
      const vectors = names.includes("c_vector") ? ["c_vector"] : [];
      await createIndex(es, index, columns);
      const originals = new Map<number, cassandra.types.Row>();
      const operations: unknown[] = [];
      for (const row of values.rows) {
        const id = row.id;
        await insert(cql, `${keyspace}.src`, names, row);
        const read = await select(cql, `${keyspace}.src`, id);
        originals.set(id, read);
        operations.push({ index: { _index: index, _id: String(id) } }, encodeRow(read, columns));
      }
      const bulk = await es.bulk({ operations, refresh: true });
      assert.equal(
        bulk.errors,
        false,
        JSON.stringify(bulk.items, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
      );

      const found = await es.search<Record<string, unknown>>({ index, size: 10 });
      const searched = new Map(found.hits.hits.map((hit) => [hit._id, hit._source]));
      const fetched = await es.mget<Record<string, unknown>>({
        index,
        ids: values.rows.map((row) => String(row.id)),
      });
      assert.equal(found.hits.hits.length, values.rows.length);
      // Only what no field type can index is left out (NaN, infinities, 1E+400, long keywords):
      // the extreme dates, timestamps and integers are indexed, not dropped by ignore_malformed.
      const ignored: Record<string, string[]> = {};
      for (const hit of found.hits.hits) ignored[hit._id ?? ""] = [...(hit._ignored ?? [])].sort();
      // OpenSearch leaves a keyword over ignore_above out of the index without listing it in _ignored.
      const longKeyword = es.product === "opensearch" ? [] : ["c_varchar.keyword"];
      assert.deepStrictEqual(ignored, {
        "1": [...longKeyword, ...vectors],
        "2": ["c_decimal", "c_float", ...vectors],
        "3": ["c_double"],
        "4": [],
      });
      for (const doc of fetched.docs) {
        assert.ok("found" in doc && doc.found && doc._source, `document ${doc._id}`);
        const id = Number(doc._id);
        const original = originals.get(id);
        assert.ok(original, `row ${id}`);
        const expected = stableStringify(encodeRow(original, columns));
        assert.equal(stableStringify(doc._source as JsonValue), expected, `mget _source of ${id}`);
        assert.equal(
          stableStringify(searched.get(doc._id) as JsonValue),
          expected,
          `search _source of ${id}`,
        );
        const decoded: Record<string, unknown> = { id };
        for (const [name, type] of columns) decoded[name] = decodeValue(doc._source[name], type, name);
        await insert(cql, `${keyspace}.dst`, names, decoded);
      }

      for (const [id, original] of originals) {
        const copy = await select(cql, `${keyspace}.dst`, id);
        for (const name of names) {
          assert.deepStrictEqual(
            comparable(copy.get(name)),
            comparable(original.get(name)),
            `row ${id}, ${name}`,
          );
        }
        assert.deepStrictEqual(encodeRow(copy, columns), encodeRow(original, columns));
      }
    });
  });

  it("canonicalizes a document another application wrote in other forms to the row's encoding", async () => {
    await withServers(async (cql, es, keyspace, index) => {
      const columns = await readColumnTypes(cql, keyspace);
      await createIndex(es, index, columns);
      const other = Object.fromEntries(OTHER_FORMS.map(([name, written]) => [name, written]));
      await es.index({ index, id: "other", document: other, refresh: true });
      const stored = await es.get<Record<string, unknown>>({ index, id: "other" });
      assert.equal(stored._source?.["c_varint"], 12345678901234567890123n);
      const row = Object.fromEntries(OTHER_FORMS.map(([name, , value]) => [name, value]));
      await insert(cql, `${keyspace}.src`, [...columns.keys()], { id: 1, ...row });
      const expected = encodeRow(await select(cql, `${keyspace}.src`, 1), columns);
      assert.equal(Object.keys(expected).length, OTHER_FORMS.length);
      const canonical: Record<string, JsonValue> = {};
      for (const [name, type] of columns) {
        const value = canonicalize(stored._source[name], type, name);
        if (value !== null) canonical[name] = value;
      }
      assert.deepStrictEqual(canonical, expected);
    });
  });

  it("sends counters at the 64-bit extremes to Elasticsearch exactly", async () => {
    await withServers(async (cql, es, keyspace, index) => {
      await cql.execute(`CREATE TABLE ${keyspace}.counts (id int PRIMARY KEY, hi counter, lo counter)`);
      const update = `UPDATE ${keyspace}.counts SET hi = hi + ?, lo = lo + ? WHERE id = 1`;
      await cql.execute(update, [2n ** 63n - 1n, -(2n ** 63n)], { prepare: true });
      const row = await select(cql, `${keyspace}.counts`, 1);
      const type = native("counter");
      const document = {
        hi: encodeValue(row.get("hi"), type, "hi"),
        lo: encodeValue(row.get("lo"), type, "lo"),
      };
      assert.deepStrictEqual(document, { hi: 2n ** 63n - 1n, lo: -(2n ** 63n) });
      await es.indices.create({
        index,
        mappings: { properties: { hi: mappingFor(type), lo: mappingFor(type) } },
      });
      await es.index({ index, id: "1", document, refresh: true });
      const stored = await es.get<Record<string, unknown>>({ index, id: "1" });
      assert.deepStrictEqual(stored._source, document);
    });
  });
});
