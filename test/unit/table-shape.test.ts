import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyTable, type SchemaColumn } from "../../src/stores/cassandra/table-shape.js";
import type { UdtDefinition, UdtLookup } from "../../src/core/cql-type.js";

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

  it("takes any key of key types: a partition key of several columns and clustering columns", () => {
    const shape = classifyTable(
      [
        col("tenant", "partition_key", "text", 0),
        col("region", "partition_key", "int", 1),
        col("user_id", "clustering", "bigint", 0),
        col("tmstmp", "clustering", "timeuuid", 1),
        col("id", "regular", "text"),
      ],
      names,
    );
    assert.equal(shape.supported && shape.shape, "versioned");
    assert.deepEqual(shape.supported && shape.partition.map((c) => c.name), ["tenant", "region"]);
    assert.deepEqual(shape.supported && shape.clustering.map((c) => c.name), ["user_id"]);
    // A regular column named like the default id column is content like any other.
    assert.deepEqual(shape.supported && shape.contentColumns.map((c) => c.name), ["id"]);
  });

  it("reads a table with clustering columns and a regular timestamp as one record per row", () => {
    const shape = classifyTable(
      [
        col("tenant", "partition_key", "text"),
        col("user_id", "clustering", "bigint"),
        col("tmstmp", "regular", "timestamp"),
      ],
      names,
    );
    assert.equal(shape.supported && shape.shape, "latest");
    assert.deepEqual(shape.supported && shape.clustering.map((c) => c.name), ["user_id"]);
  });

  const refusals: [string, SchemaColumn[], RegExp][] = [
    ["no tmstmp", [col("id", "partition_key", "uuid")], /no 'tmstmp' column/],
    ["a counter", [col("id", "partition_key", "uuid"), col("hits", "regular", "counter")], /counter table/],
    [
      "a blob key",
      [col("id", "partition_key", "blob"), col("tmstmp", "regular", "timeuuid")],
      /key column 'id' is blob/,
    ],
    [
      "an int tmstmp",
      [col("id", "partition_key", "uuid"), col("tmstmp", "regular", "int")],
      /'tmstmp' is int/,
    ],
    [
      "a tmstmp in the partition key",
      [col("id", "partition_key", "uuid", 0), col("tmstmp", "partition_key", "timestamp", 1)],
      /'tmstmp' is part of the partition key/,
    ],
    [
      "a tmstmp before another clustering column",
      [
        col("id", "partition_key", "uuid"),
        col("tmstmp", "clustering", "timeuuid", 0),
        col("seq", "clustering", "int", 1),
      ],
      /clustering columns \(tmstmp, seq\): 'tmstmp' must be the last/,
    ],
    [
      "a static column beside clustering columns",
      [
        col("tenant", "partition_key", "text"),
        col("user_id", "clustering", "int"),
        col("plan", "static", "text"),
        col("tmstmp", "regular", "timestamp"),
      ],
      /static column 'plan'/,
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

  describe("frozen key columns", () => {
    const udts: Record<string, UdtDefinition> = {
      spot: { keyspace: "ks", name: "spot", fieldNames: ["x", "y"], fieldTypes: ["int", "text"] },
      reading: {
        keyspace: "ks",
        name: "reading",
        fieldNames: ["at", "value"],
        fieldTypes: ["date", "double"],
      },
      nested: { keyspace: "ks", name: "nested", fieldNames: ["inner"], fieldTypes: ["frozen<spot>"] },
      holder: { keyspace: "ks", name: "holder", fieldNames: ["items"], fieldTypes: ["list<int>"] },
    };
    const lookup: UdtLookup = (name) => udts[name];
    const keyedBy = (type: string) =>
      classifyTable(
        [
          col("tenant", "partition_key", "text", 0),
          col("spot", "clustering", type, 0),
          col("tmstmp", "regular", "timestamp"),
        ],
        names,
        lookup,
      );

    for (const type of [
      "frozen<tuple<int, text>>",
      "frozen<spot>",
      "frozen<nested>",
      "frozen<set<text>>",
      "frozen<list<frozen<tuple<uuid, date>>>>",
      "frozen<map<text, frozen<set<bigint>>>>",
      "frozen<tuple<inet, frozen<spot>, varint>>",
      // (1, {}) and (1, null) are two keys to Cassandra, and two texts to the value codec.
      "frozen<tuple<int, frozen<set<int>>>>",
      "frozen<list<frozen<tuple<int, frozen<map<int, int>>>>>>",
      "frozen<holder>",
    ]) {
      it(`takes a key column of ${type}`, () => {
        const shape = keyedBy(type);
        assert.ok(shape.supported, shape.supported ? "" : shape.reason);
        assert.deepEqual(
          shape.clustering.map((c) => c.type),
          [type],
        );
      });
    }

    for (const [type, reason] of [
      ["frozen<tuple<int, double>>", /key column 'spot' is frozen<tuple<int, double>>: its double .*NaN/],
      ["frozen<set<float>>", /its float .*NaN/],
      ["frozen<list<decimal>>", /its decimal .*1\.0 and 1\.00/],
      ["frozen<reading>", /key column 'spot' is frozen<reading>: its double/],
      ["frozen<map<text, blob>>", /its blob .*a record's id can be made of uuid, .*inet, and frozen/],
      ["frozen<set<boolean>>", /its boolean/],
      ["frozen<nowhere>", /unknown type "nowhere"/],
      ["frozen<tuple<int, frozen<set<double>>>>", /its double .*NaN/],
    ] as const) {
      it(`skips a table keyed by ${type}, saying why`, () => {
        const shape = keyedBy(type);
        if (shape.supported) assert.fail(`expected ${type} to be skipped`);
        assert.match(shape.reason, reason);
      });
    }
  });
});
