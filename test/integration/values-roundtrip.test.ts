// Every CQL type makes the trip Cassandra → Elasticsearch → Cassandra through the value layer and
// comes back equal, and `_source` holds exactly the canonical encoding. Connecting happens inside each
// test, so a server that is down counts as a failed test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Client as ElasticsearchClient, type estypes } from "@elastic/elasticsearch";
import cassandra from "cassandra-driver";
import { LosslessSerializer } from "../../src/stores/elasticsearch/serializer.js";
import { stableStringify, type JsonValue } from "../../src/stores/values/canonical-json.js";
import { native, parseCqlType, type CqlType, type UdtDefinition } from "../../src/stores/values/cql-type.js";
import { canonicalize, decodeValue } from "../../src/stores/values/decode.js";
import { CASSANDRA_ENCODING } from "../../src/stores/values/driver-options.js";
import { encodeValue } from "../../src/stores/values/encode.js";
import { esMappingFor } from "../../src/stores/values/es-mapping.js";
import { cassandraOptions, elasticsearchOptions, runScopedName } from "../support/servers.js";

const { types } = cassandra;

const COLUMNS = `c_ascii ascii, c_bigint bigint, c_blob blob, c_boolean boolean, c_date date, c_decimal decimal,
  c_double double, c_duration duration, c_float float, c_inet inet, c_int int, c_smallint smallint, c_text text,
  c_time time, c_timestamp timestamp, c_timeuuid timeuuid, c_tinyint tinyint, c_uuid uuid, c_varchar varchar,
  c_varint varint, c_list list<int>, c_set set<text>, c_map map<text, int>, c_frozen_list frozen<list<bigint>>,
  c_frozen_set frozen<set<uuid>>, c_frozen_map frozen<map<int, text>>, c_nested map<text, frozen<list<int>>>,
  c_keyed map<frozen<tuple<int, text>>, boolean>, c_uuid_map map<uuid, decimal>,
  c_tuple tuple<int, text, frozen<list<int>>>, c_udt address, c_frozen_udt frozen<address>,
  c_udt_list list<frozen<address>>, c_vector vector<float, 3>, c_text_vector vector<text, 2>`;

const uuid = (text: string) => types.Uuid.fromString(text);
const [u1, u2] = [uuid("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), uuid("00000000-0000-4000-8000-000000000000")];
const decimal = (text: string) => decodeValue(text, native("decimal"), "fixture");
const date = (days: number) => types.LocalDate.fromString(String(days));
const inet = (text: string) => types.InetAddress.fromString(text);
const floats = (...items: number[]) => new types.Vector(new Float32Array(items), "float");
function mapOf(...keysAndValues: unknown[]): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < keysAndValues.length; i += 2) map.set(keysAndValues[i], keysAndValues[i + 1]);
  return map;
}

/** Per column, driver values for row 1 (largest), row 2 (smallest) and row 3 (special); row 4 is all null. */
const FIXTURES: [string, unknown, unknown, unknown][] = [
  ["c_ascii", "ascii ~!", "", null],
  ["c_bigint", 2n ** 63n - 1n, -(2n ** 63n), 0n],
  ["c_blob", Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(0), null],
  ["c_boolean", true, false, null],
  ["c_date", date(2 ** 31 - 1), date(-(2 ** 31)), date(0)],
  ["c_decimal", decimal("1.000000000000000000001"), decimal("-1E+400"), decimal("1.50")],
  ["c_double", Number.MAX_VALUE, -0, NaN],
  [
    "c_duration",
    types.Duration.fromString("1y6mo2d3h4m5s6ms7us8ns"),
    types.Duration.fromString("-1mo2d"),
    null,
  ],
  ["c_float", Math.fround(3.4028235e38), -Infinity, Math.fround(0.1)],
  ["c_inet", inet("2001:db8::ff00:42:8329"), inet("127.0.0.1"), inet("::ffff:1.2.3.4")],
  ["c_int", 2147483647, -2147483648, null],
  ["c_smallint", 32767, -32768, null],
  ["c_text", "héllo ☃ \u0000 𝄞", "", null],
  ["c_time", types.LocalTime.fromString("23:59:59.999999999"), types.LocalTime.fromString("00:00:00"), null],
  ["c_timestamp", new Date(8.64e15), new Date(-8.64e15), new Date(-1)],
  ["c_timeuuid", types.TimeUuid.fromDate(new Date(1700000000000), 9999), null, null],
  ["c_tinyint", 127, -128, null],
  ["c_uuid", u2, null, null],
  ["c_varchar", "x".repeat(300), null, null],
  ["c_varint", 123456789012345678901234567890n, -(10n ** 40n), 0n],
  ["c_list", [3, 1, 2, 1], null, null],
  ["c_set", new Set(["b", "a"]), null, null],
  ["c_map", mapOf("k", 1, "", 2, "__proto__", 3), null, null],
  ["c_frozen_list", [2n ** 63n - 1n, -(2n ** 63n)], null, null],
  ["c_frozen_set", [u1, u2], null, null],
  ["c_frozen_map", mapOf(1, "one", -2, "minus two"), null, null],
  ["c_nested", mapOf("a", [1, 2], "b", [3]), null, null],
  ["c_keyed", mapOf(types.Tuple.fromArray([1, "x"]), true), null, null],
  ["c_uuid_map", mapOf(u1, decimal("-0.00")), null, null],
  ["c_tuple", types.Tuple.fromArray([1, null, [5]]), null, null],
  [
    "c_udt",
    { street: "Main", zip: 12345, tags: new Set(["t"]), geo: types.Tuple.fromArray([1.5, null]) },
    null,
    null,
  ],
  ["c_frozen_udt", { street: null, zip: -1, tags: null, geo: null }, null, null],
  ["c_udt_list", [{ street: "a", zip: 1, tags: null, geo: null }], null, null],
  ["c_vector", floats(0.1, NaN, -0), floats(Infinity, -Infinity, 1e-45), null],
  ["c_text_vector", new types.Vector(["a", "b"], "text"), null, null],
];
const ROWS = [1, 2, 3, 4].map((id) => ({
  id,
  ...Object.fromEntries(FIXTURES.map((fixture) => [fixture[0], fixture[id] ?? null])),
}));

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

/**
 * Driver values compared as they are, except Vector, whose proxy hides its items from deepEqual, and
 * LocalDate, which holds an invalid Date beyond the JS range and two invalid Dates never compare equal.
 */
function comparable(value: unknown): unknown {
  if (value instanceof types.Vector) return { vector: Array.from(value.elements) };
  if (value instanceof types.LocalDate) return { days: value.toBuffer().readUInt32BE(0) - 2 ** 31 };
  return value;
}

async function withServers(
  run: (cql: cassandra.Client, es: ElasticsearchClient, keyspace: string, index: string) => Promise<void>,
): Promise<void> {
  const keyspace = runScopedName("values");
  const index = runScopedName("values");
  const cql = new cassandra.Client(cassandraOptions({ encoding: CASSANDRA_ENCODING }));
  const es = new ElasticsearchClient(elasticsearchOptions({ maxRetries: 1, Serializer: LosslessSerializer }));
  try {
    await cql.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await cql.execute(
      `CREATE TYPE ${keyspace}.address (street text, zip int, tags frozen<set<text>>, geo frozen<tuple<double, double>>)`,
    );
    for (const table of ["src", "dst"])
      await cql.execute(`CREATE TABLE ${keyspace}.${table} (id int PRIMARY KEY, ${COLUMNS})`);
    await run(cql, es, keyspace, index);
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

async function createIndex(
  es: ElasticsearchClient,
  index: string,
  columns: Map<string, CqlType>,
): Promise<void> {
  const properties: Record<string, estypes.MappingProperty> = {};
  for (const [name, type] of columns) properties[name] = esMappingFor(type);
  await es.indices.create({ index, mappings: { dynamic: "strict", properties } });
}

describe("values round trip between Cassandra and Elasticsearch", () => {
  it("keeps every CQL type exact, extremes and nulls included, and _source canonical", async () => {
    await withServers(async (cql, es, keyspace, index) => {
      const columns = await readColumnTypes(cql, keyspace);
      const names = [...columns.keys()];
      assert.equal(names.length, 35);
      await createIndex(es, index, columns);
      const originals = new Map<number, cassandra.types.Row>();
      const operations: unknown[] = [];
      for (const row of ROWS) {
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
        ids: ROWS.map((row) => String(row.id)),
      });
      assert.equal(found.hits.hits.length, ROWS.length);
      // Only what no field type can index is left out (NaN, infinities, 1E+400, long keywords):
      // the extreme dates, timestamps and integers are indexed, not dropped by ignore_malformed.
      const ignored: Record<string, string[]> = {};
      for (const hit of found.hits.hits) ignored[hit._id ?? ""] = [...(hit._ignored ?? [])].sort();
      assert.deepStrictEqual(ignored, {
        "1": ["c_varchar.keyword", "c_vector"],
        "2": ["c_decimal", "c_float", "c_vector"],
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
        mappings: { properties: { hi: esMappingFor(type), lo: esMappingFor(type) } },
      });
      await es.index({ index, id: "1", document, refresh: true });
      const stored = await es.get<Record<string, unknown>>({ index, id: "1" });
      assert.deepStrictEqual(stored._source, document);
    });
  });
});
