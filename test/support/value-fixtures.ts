// One column of every CQL type, and rows holding each type's extremes, specials and nulls, shared by
// the value-layer round trip and the end-to-end round trip through synced.
import cassandra from "cassandra-driver";
import { native } from "../../src/core/cql-type.js";
import { CqlMap } from "../../src/stores/values/cql-map.js";
import { decodeValue } from "../../src/stores/values/decode.js";

const { types } = cassandra;

/** The fields of the `address` user-defined type the columns use. */
export const ADDRESS_TYPE =
  "(street text, zip int, tags frozen<set<text>>, geo frozen<tuple<double, double>>)";

const COLUMNS = `c_ascii ascii, c_bigint bigint, c_blob blob, c_boolean boolean, c_date date, c_decimal decimal,
  c_double double, c_duration duration, c_float float, c_inet inet, c_int int, c_smallint smallint, c_text text,
  c_time time, c_timestamp timestamp, c_timeuuid timeuuid, c_tinyint tinyint, c_uuid uuid, c_varchar varchar,
  c_varint varint, c_list list<int>, c_set set<text>, c_map map<text, int>, c_frozen_list frozen<list<bigint>>,
  c_frozen_set frozen<set<uuid>>, c_frozen_map frozen<map<int, text>>, c_nested map<text, frozen<list<int>>>,
  c_keyed map<frozen<tuple<int, text>>, boolean>, c_uuid_map map<uuid, decimal>,
  c_tuple tuple<int, text, frozen<list<int>>>, c_udt address, c_frozen_udt frozen<address>,
  c_udt_list list<frozen<address>>, c_zero_set set<double>, c_zero_map map<float, text>,
  c_inet_set set<inet>, c_inet_map map<inet, inet>, c_inet_tuple tuple<inet, frozen<list<inet>>>`;
const VECTOR_COLUMNS = "c_vector vector<float, 3>, c_text_vector vector<text, 2>";

const uuid = (text: string) => types.Uuid.fromString(text);
const [u1, u2] = [uuid("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), uuid("00000000-0000-4000-8000-000000000000")];
const decimal = (text: string) => decodeValue(text, native("decimal"), "fixture");
const date = (days: number) => types.LocalDate.fromString(String(days));
const inet = (text: string) => types.InetAddress.fromString(text);
const floats = (...items: number[]) => new types.Vector(new Float32Array(items), "float");
// A CqlMap, since a Map would take the key -0 for 0 (cql-map.ts).
function mapOf(...keysAndValues: unknown[]): Map<unknown, unknown> {
  const map = new CqlMap<unknown, unknown>();
  for (let i = 0; i < keysAndValues.length; i += 2) map.set(keysAndValues[i], keysAndValues[i + 1]);
  return map;
}

type Fixture = [string, unknown, unknown, unknown];

/** Per column, driver values for row 1 (largest), row 2 (smallest) and row 3 (special); row 4 is all null. */
const FIXTURES: Fixture[] = [
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
  // -0.0 and 0.0, two elements and two keys to Cassandra, are one to a JS Set or Map.
  ["c_zero_set", [-0, 0, 1.5], [-0], null],
  ["c_zero_map", mapOf(-0, "minus zero", 0, "zero"), mapOf(-0, "minus zero"), null],
  ["c_inet_set", [inet("10.0.0.1"), inet("2001:db8::1")], null, null],
  ["c_inet_map", mapOf(inet("10.0.0.1"), inet("2001:db8::1")), null, null],
  // Cassandra keeps an IPv4-mapped address in a collection inside a tuple as it is.
  [
    "c_inet_tuple",
    types.Tuple.fromArray([inet("::ffff:1.2.3.4"), [inet("::ffff:1.2.3.4"), inet("1.2.3.4")]]),
    null,
    null,
  ],
  ["c_vector", floats(0.1, NaN, -0), floats(Infinity, -Infinity, 1e-45), null],
  ["c_text_vector", new types.Vector(["a", "b"], "text"), null, null],
];
export interface ValueFixtures {
  /** The columns' definitions, for a CREATE TABLE after the key. */
  readonly columns: string;
  readonly fixtures: readonly Fixture[];
  /** The rows, keyed by column, with an int `id` of 1 to 4. */
  readonly rows: readonly ({ id: number } & Record<string, unknown>)[];
}

/**
 * Every column and row for a server of `release`. The vector type came with Cassandra 5.0: on an
 * older server its columns are left out, and every other type is the same.
 */
export function valueFixtures(release: string): ValueFixtures {
  const vectors = Number(/^\d+/.exec(release)?.[0] ?? 0) >= 5;
  const isVector = (name: string) => /^c_\w*vector$/.test(name);
  const fixtures = FIXTURES.filter(([name]) => vectors || !isVector(name));
  const columns = vectors ? `${COLUMNS}, ${VECTOR_COLUMNS}` : COLUMNS;
  const rows = [1, 2, 3, 4].map((id) => ({
    id,
    ...Object.fromEntries(fixtures.map((fixture) => [fixture[0], fixture[id] ?? null])),
  }));
  return { columns, fixtures, rows };
}

/**
 * Driver values compared as they are, except Vector, whose proxy hides its items from deepEqual, and
 * LocalDate, which holds an invalid Date beyond the JS range and two invalid Dates never compare equal.
 */
export function comparable(value: unknown): unknown {
  if (value instanceof types.Vector) return { vector: Array.from(value.elements) };
  if (value instanceof types.LocalDate) return { days: value.toBuffer().readUInt32BE(0) - 2 ** 31 };
  return value;
}
