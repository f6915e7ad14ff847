// The record id of a key: one spelling per key, reversible, and exactly the uuid for the shape synced
// began with. Pure: the rows are plain lookups and the documents plain objects.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  idSpellings,
  joinKey,
  respellUuids,
  singleKey,
  splitKey,
  uuidParts,
  type TableKey,
} from "../../src/core/table-key.js";
import type { NativeName } from "../../src/core/cql-type.js";
import { idFromFields, idFromRow, keyFields, keyValues } from "../../src/stores/values/key-codec.js";
import { CqlMap } from "../../src/stores/values/cql-map.js";
import cassandra from "cassandra-driver";

const native = (name: NativeName) => ({ kind: "native", name }) as const;
const column = (name: string, type: NativeName) => ({ name, type: native(type) });

describe("the id text of a key", () => {
  it("is the value itself for one column, whatever it holds", () => {
    assert.equal(joinKey(["6d1f1f0e-8a4c-4a57-9a1b-000000000001"]), "6d1f1f0e-8a4c-4a57-9a1b-000000000001");
    assert.equal(joinKey(["a|b%c"]), "a|b%c");
    assert.deepEqual(splitKey("a|b%c", 1), ["a|b%c"]);
  });

  it("joins several columns with |, escaping | and % inside a value, and splits them back", () => {
    const parts = ["acme|corp", "50%", "", "%7C"];
    const id = joinKey(parts);
    assert.equal(id, "acme%7Ccorp|50%25||%257C");
    assert.deepEqual(splitKey(id, 4), parts);
  });

  it("refuses an id with another number of parts, or a % that is not an escape", () => {
    assert.equal(splitKey("a|b", 3), undefined);
    assert.equal(splitKey("a|b|c", 2), undefined);
    assert.equal(splitKey("a%41|b", 2), undefined);
  });
});

describe("the id of a record, from a row or a document", () => {
  const composite: TableKey = {
    partition: [column("tenant", "text"), column("region", "int")],
    clustering: [column("user_id", "bigint"), column("day", "date")],
  };
  // As cassandra-driver reads them with synced's encoding options.
  const row: Record<string, unknown> = {
    tenant: "acme|eu",
    region: 7,
    user_id: 9007199254740993n,
    day: cassandra.types.LocalDate.fromString("2024-05-01"),
  };

  it("keeps the uuid's own text for a table keyed by one uuid", () => {
    const id = "6d1f1f0e-8a4c-4a57-9a1b-000000000001";
    assert.equal(idFromFields(singleKey("id"), { id: id.toUpperCase() }), id);
    assert.deepEqual(keyFields(singleKey("id"), id), { id });
  });

  it("gives a row and the document made of it the same id, and gives the values back", () => {
    const fromDocument = idFromFields(composite, {
      tenant: "acme|eu",
      region: "007",
      user_id: "9007199254740993",
      day: "2024-05-01",
    });
    assert.equal(fromDocument, "acme%7Ceu|7|9007199254740993|2024-05-01");
    assert.equal(
      idFromRow(composite, (name) => row[name]),
      fromDocument,
    );
    assert.deepEqual(keyFields(composite, fromDocument), {
      tenant: "acme|eu",
      region: 7,
      user_id: 9007199254740993n,
      day: "2024-05-01",
    });
    const values = keyValues(composite, fromDocument);
    assert.equal(values[0], "acme|eu");
    assert.equal(values[1], 7);
    assert.equal(String(values[2]), "9007199254740993");
    assert.equal(String(values[3]), "2024-05-01");
  });

  it("names the key field a document lacks, and the column a row lacks", () => {
    assert.throws(() => idFromFields(composite, { tenant: "acme", region: 1, day: "2024-05-01" }), /user_id/);
    assert.throws(() => idFromRow(composite, (name) => (name === "region" ? null : row[name])), /region/);
  });

  it("refuses a document whose one partition key field is empty, as Cassandra does, and no other", () => {
    const single: TableKey = { partition: [column("a", "text")], clustering: [column("b", "text")] };
    assert.throws(() => idFromFields(single, { a: "", b: "x" }), /field "a": .*no empty partition key/);
    assert.equal(idFromFields(single, { a: "x", b: "" }), "x|");
    const pair: TableKey = { partition: [column("a", "text"), column("c", "ascii")], clustering: [] };
    assert.equal(idFromFields(pair, { a: "", c: "" }), "|");
  });

  it("reads a key field a document holds itself, not one every object inherits", () => {
    const named: TableKey = { partition: [column("constructor", "text")], clustering: [] };
    assert.throws(() => idFromFields(named, {}), /field "constructor": no value/);
  });

  it("refuses an id that is not one of the key's", () => {
    assert.throws(() => keyValues(composite, "acme|7"), /not the id of a key of 4 columns/);
  });
});

describe("the id of a record keyed by frozen values", () => {
  const udt = {
    kind: "udt",
    keyspace: "ks",
    name: "place",
    frozen: true,
    fields: [
      { name: "city", type: native("text") },
      { name: "zip", type: native("int") },
    ],
  } as const;
  const tuple = { kind: "tuple", elements: [native("int"), native("text")] } as const;
  const set = { kind: "set", element: native("text"), frozen: true } as const;
  const map = { kind: "map", key: native("text"), value: native("bigint"), frozen: true } as const;
  const key: TableKey = {
    partition: [column("tenant", "text")],
    clustering: [
      { name: "spot", type: tuple },
      { name: "tags", type: set },
      { name: "place", type: udt },
      { name: "counts", type: map },
    ],
  };
  const expected =
    'acme|[7,"north%7Ceast"]|["a","b","é"]|{"city":"Oslo","zip":150}|{"a":1,"b":9007199254740993}';

  it("writes each frozen value as its canonical JSON, escaped like any part", () => {
    // As cassandra-driver reads them: a Tuple, a set in Cassandra's order, a UDT object, a Map.
    const row: Record<string, unknown> = {
      tenant: "acme",
      spot: cassandra.types.Tuple.fromArray([7, "north|east"]),
      tags: ["a", "b", "é"],
      place: { zip: 150, city: "Oslo" },
      counts: new Map<string, bigint>([
        ["b", 9007199254740993n],
        ["a", 1n],
      ]),
    };
    assert.equal(
      idFromRow(key, (name) => row[name]),
      expected,
    );
  });

  it("gives a document the same id whatever order its set elements and object keys are in", () => {
    const spellings = [
      {
        tenant: "acme",
        spot: [7, "north|east"],
        tags: ["a", "b", "é"],
        place: { city: "Oslo", zip: 150 },
        counts: { a: 1, b: 9007199254740993n },
      },
      {
        tenant: "acme",
        spot: ["007", "north|east"],
        tags: ["é", "b", "a", "b"],
        place: { zip: "150", city: "Oslo" },
        counts: { b: "9007199254740993", a: 1 },
      },
    ];
    for (const source of spellings) assert.equal(idFromFields(key, source), expected);
  });

  it("gives back the typed fields and the driver values to bind", () => {
    assert.deepEqual(keyFields(key, expected), {
      tenant: "acme",
      spot: [7, "north|east"],
      tags: ["a", "b", "é"],
      place: { city: "Oslo", zip: 150 },
      counts: { a: 1n, b: 9007199254740993n },
    });
    const [tenant, spot, tags, place, counts] = keyValues(key, expected);
    assert.equal(tenant, "acme");
    assert.ok(spot instanceof cassandra.types.Tuple);
    assert.deepEqual(spot.elements, [7, "north|east"]);
    assert.deepEqual(tags, ["a", "b", "é"]);
    assert.deepEqual(place, { city: "Oslo", zip: 150 });
    assert.deepEqual(
      counts,
      new CqlMap([
        ["a", 1n],
        ["b", 9007199254740993n],
      ]),
    );
  });

  it("makes a key of one frozen column its JSON as it is, and reads it back", () => {
    const single: TableKey = { partition: [{ name: "spot", type: tuple }], clustering: [] };
    const id = idFromFields(single, { spot: [1, "a|b%"] });
    assert.equal(id, '[1,"a|b%"]');
    assert.deepEqual(keyFields(single, id), { spot: [1, "a|b%"] });
  });

  it("keeps a tuple's missing element and a UDT's missing field apart from the others", () => {
    const single: TableKey = { partition: [{ name: "spot", type: tuple }], clustering: [] };
    assert.equal(idFromFields(single, { spot: [1, null] }), "[1,null]");
    const byPlace: TableKey = { partition: [{ name: "place", type: udt }], clustering: [] };
    assert.equal(idFromFields(byPlace, { place: { city: "Oslo", zip: null } }), '{"city":"Oslo"}');
  });

  it("keeps an empty frozen collection, a value of its own in a key column, as [] or {}", () => {
    const empty: TableKey = {
      partition: [column("tenant", "text")],
      clustering: [
        { name: "tags", type: set },
        { name: "counts", type: map },
      ],
    };
    const id = idFromRow(empty, (name) => ({ tenant: "acme", tags: [], counts: new Map() })[name]);
    assert.equal(id, "acme|[]|{}");
    assert.equal(idFromFields(empty, { tenant: "acme", tags: [], counts: {} }), id);
    assert.deepEqual(keyFields(empty, id), { tenant: "acme", tags: [], counts: {} });
    // The driver would send an empty array or Map as null: each binds as its serialized form, count 0.
    assert.deepEqual(keyValues(empty, id), ["acme", Buffer.alloc(4), Buffer.alloc(4)]);
    assert.throws(() => idFromFields(empty, { tenant: "acme", counts: {} }), /tags.*no value/);
  });

  it("refuses an id whose frozen part is not the JSON of its type, naming the column", () => {
    assert.throws(() => keyValues(key, 'acme|[7,"x"]|not json|{"city":"Oslo"}|{"a":1}'), /tags.*JSON/);
    assert.throws(() => keyValues(key, 'acme|[7]|["a"]|{"city":"Oslo"}|{"a":1}'), /spot/);
  });
});

describe("the spellings of an id a lookup tries", () => {
  const uid = "7e50f03d-1111-2222-3333-44445555abcd";
  const at = "4e7b7890-f148-11f1-a190-af20ab4c3ebb";
  const visits: TableKey = {
    partition: [column("tenant", "text")],
    clustering: [column("uid", "uuid"), column("n", "int"), column("at", "timeuuid")],
  };

  it("spells the uuid and timeuuid parts in upper case, and every other part as it is", () => {
    const id = joinKey(["Acme|abc", uid, "7", at]);
    assert.deepEqual(idSpellings(visits, id), [id, `Acme%7Cabc|${uid.toUpperCase()}|7|${at.toUpperCase()}`]);
  });

  it("spells a key of one uuid in upper case whole, as it always was", () => {
    assert.deepEqual(idSpellings(singleKey("id"), uid), [uid, uid.toUpperCase()]);
    assert.deepEqual(idSpellings(singleKey("id", native("timeuuid")), at), [at, at.toUpperCase()]);
  });

  it("gives one spelling for a key without uuid columns, or a uuid without letters", () => {
    const key: TableKey = { partition: [column("tenant", "text")], clustering: [column("n", "int")] };
    assert.deepEqual(idSpellings(key, "acme|7"), ["acme|7"]);
    assert.deepEqual(idSpellings(singleKey("id", native("text")), "abc"), ["abc"]);
    const digits = "12345678-1111-2222-3333-444455556666";
    assert.deepEqual(idSpellings(visits, `acme|${digits}|7|${digits}`), [`acme|${digits}|7|${digits}`]);
  });

  it("respells only the UUIDs of an id of the key's own number of parts", () => {
    const lower = (text: string): string => text.toLowerCase();
    const uuids = uuidParts(visits);
    assert.deepEqual(uuids, { at: [1, 3], count: 4 });
    const mixed = `Acme|${uid.toUpperCase()}|7|${at}`;
    assert.equal(respellUuids(mixed, uuids, lower), `Acme|${uid}|7|${at}`);
    assert.equal(respellUuids("A|B", uuids, lower), "A|B");
  });
});
