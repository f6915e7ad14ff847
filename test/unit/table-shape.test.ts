import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyTable, type SchemaColumn } from "../../src/stores/cassandra/table-shape.js";

const names = { id: "id", timestamp: "tmstmp", tombstone: "deleted" };
const col = (name: string, kind: SchemaColumn["kind"], type: string, position = 0): SchemaColumn => ({
  name,
  kind,
  type,
  position,
});

describe("classifyTable", () => {
  it("recognises the versioned shape", () => {
    const shape = classifyTable(
      [
        col("id", "partition_key", "uuid"),
        col("tmstmp", "clustering", "timeuuid"),
        col("name", "regular", "text"),
      ],
      names,
    );
    assert.equal(shape.supported && shape.shape, "versioned");
    assert.equal(shape.supported && shape.timestampType, "timeuuid");
    assert.deepEqual(shape.supported && shape.contentColumns.map((c) => c.name), ["name"]);
  });

  it("recognises the latest shape with a timestamp column and a tombstone", () => {
    const shape = classifyTable(
      [
        col("id", "partition_key", "uuid"),
        col("tmstmp", "regular", "timestamp"),
        col("deleted", "regular", "boolean"),
      ],
      names,
    );
    assert.equal(shape.supported && shape.shape, "latest");
    assert.equal(shape.supported && shape.hasTombstone, true);
    assert.deepEqual(shape.supported && shape.contentColumns, []);
  });

  const refusals: [string, SchemaColumn[], RegExp][] = [
    ["no id", [col("key", "partition_key", "uuid"), col("tmstmp", "regular", "timeuuid")], /no 'id' column/],
    ["no tmstmp", [col("id", "partition_key", "uuid")], /no 'tmstmp' column/],
    ["a counter", [col("id", "partition_key", "uuid"), col("hits", "regular", "counter")], /counter table/],
    ["a text id", [col("id", "partition_key", "text"), col("tmstmp", "regular", "timeuuid")], /'id' is text/],
    [
      "an int tmstmp",
      [col("id", "partition_key", "uuid"), col("tmstmp", "regular", "int")],
      /'tmstmp' is int/,
    ],
    [
      "a composite partition key",
      [
        col("id", "partition_key", "uuid", 0),
        col("day", "partition_key", "date", 1),
        col("tmstmp", "regular", "timeuuid"),
      ],
      /partition key is \(id, day\)/,
    ],
    [
      "other clustering columns",
      [
        col("id", "partition_key", "uuid"),
        col("tmstmp", "clustering", "timeuuid", 0),
        col("seq", "clustering", "int", 1),
      ],
      /clustering columns \(tmstmp, seq\)/,
    ],
    [
      "a text tombstone",
      [
        col("id", "partition_key", "uuid"),
        col("tmstmp", "regular", "timeuuid"),
        col("deleted", "regular", "text"),
      ],
      /tombstone column 'deleted' is text/,
    ],
  ];
  for (const [what, columns, reason] of refusals) {
    it(`skips a table with ${what}, saying why`, () => {
      const shape = classifyTable(columns, names);
      if (shape.supported) assert.fail(`expected ${what} to be skipped`);
      assert.match(shape.reason, reason);
    });
  }
});
