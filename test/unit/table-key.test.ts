// The record id of a key: one spelling per key, reversible, and exactly the uuid for the shape synced
// began with. Pure: the rows are plain lookups and the documents plain objects.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { joinKey, singleKey, splitKey, type TableKey } from "../../src/core/table-key.js";
import type { NativeName } from "../../src/core/cql-type.js";
import { idFromFields, idFromRow, keyFields, keyValues } from "../../src/stores/values/key-codec.js";
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

  it("refuses an id that is not one of the key's", () => {
    assert.throws(() => keyValues(composite, "acme|7"), /not the id of a key of 4 columns/);
  });
});
