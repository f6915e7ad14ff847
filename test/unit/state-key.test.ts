import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StateKeyParts } from "../../src/state/state-key.js";
import {
  deriveStateKey,
  isValidStateKey,
  otherShardCounts,
  siblingKeys,
  stateKeyFor,
  validateStateKey,
} from "../../src/state/state-key.js";
import { StateError } from "../../src/state/state-errors.js";

const parts: StateKeyParts = {
  cassandraCluster: "cass-a:9042",
  keyspace: "app",
  elasticsearchCluster: "http://es-a:9200",
  index: "app",
  tables: ["users", "orders"],
  direction: "both",
  layout: "index-per-table",
};

describe("deriveStateKey", () => {
  it("reads as keyspace, index and an 8-hex hash", () => {
    assert.match(deriveStateKey(parts), /^app\.app\.[0-9a-f]{8}$/);
  });

  it("is stable, and ignores the order and repetition of tables", () => {
    const same = deriveStateKey({ ...parts, tables: ["orders", "users", "orders"] });
    assert.equal(same, deriveStateKey(parts));
  });

  it("changes when any part changes", () => {
    const base = deriveStateKey(parts);
    const variants: Partial<StateKeyParts>[] = [
      { cassandraCluster: "cass-b:9042" },
      { keyspace: "app2" },
      { elasticsearchCluster: "http://es-b:9200" },
      { index: "app2" },
      { tables: ["users"] },
      { direction: "cassandra-to-elasticsearch" },
      { layout: "single-index" },
    ];
    const keys = variants.map((variant) => deriveStateKey({ ...parts, ...variant }));
    for (const key of keys) assert.notEqual(key, base);
    assert.equal(new Set(keys).size, keys.length);
  });

  it("treats no table selection and an empty one alike, and unlike a selection", () => {
    const all = deriveStateKey({ ...parts, tables: undefined });
    assert.equal(deriveStateKey({ ...parts, tables: [] }), all);
    assert.notEqual(all, deriveStateKey(parts));
  });

  it("does not confuse parts that concatenate to the same text", () => {
    const a = deriveStateKey({ ...parts, tables: ["ab", "c"] });
    const b = deriveStateKey({ ...parts, tables: ["a", "bc"] });
    assert.notEqual(a, b);
  });

  it("makes unsafe names safe and still valid as an explicit name", () => {
    const key = deriveStateKey({ ...parts, keyspace: "My Keyspace/../x", index: "_Ünïcode*idx" });
    assert.match(key, /^my-keyspace-x\.n-code-idx\.[0-9a-f]{8}$/);
    assert.equal(validateStateKey(key), key);
  });

  it("keeps long names short", () => {
    const key = deriveStateKey({ ...parts, keyspace: "k".repeat(300), index: "i".repeat(300) });
    assert.ok(key.length <= 90, key);
    assert.ok(isValidStateKey(key));
  });
});

describe("validateStateKey", () => {
  it("accepts letters, digits, dots, underscores and dashes", () => {
    for (const name of ["nightly", "app.app.1234abcd", "A_b-c.9", "0"])
      assert.equal(validateStateKey(name), name);
  });

  it("refuses names that are unsafe as file names, naming the character", () => {
    const cases: [string, RegExp][] = [
      ["", /it is empty/],
      ["a/b", /contains "\/"/],
      ["..", /starts with "\."/],
      [".hidden", /starts with "\."/],
      ["-rf", /starts with "-"/],
      ["with space", /contains " "/],
      ["back\\slash", /contains "\\\\"/],
      ["colon:x", /contains ":"/],
      ["dot.", /ends with '\.'/],
      ["nul", /reserved file name/],
      ["COM1.txt", /reserved file name/],
      ["x".repeat(201), /201 characters/],
    ];
    for (const [name, reason] of cases) {
      assert.throws(
        () => validateStateKey(name),
        (error: unknown) => {
          assert.ok(error instanceof StateError);
          assert.match(error.message, reason);
          assert.match(error.message, /--name/);
          assert.equal(error.details["name"], name);
          return true;
        },
        name,
      );
      assert.equal(isValidStateKey(name), false, name);
    }
  });
});

describe("stateKeyFor", () => {
  const options = {
    cassandra: { contactPoints: ["cass-b", "cass-a"], port: 9042 },
    keyspace: "app",
    elasticsearch: { nodes: ["http://es-a:9200"] },
    index: "app",
    tables: ["users", "orders"],
    direction: "both",
    layout: "index-per-table",
  };

  it("derives the key from the clusters, in any order of their hosts, and the selection", () => {
    assert.equal(stateKeyFor(options), deriveStateKey({ ...parts, cassandraCluster: "cass-a,cass-b:9042" }));
    assert.equal(
      stateKeyFor({ ...options, cassandra: { ...options.cassandra, contactPoints: ["cass-a", "cass-b"] } }),
      stateKeyFor(options),
    );
  });

  it("takes --name as it is, gives each shard its own key, and refuses a name no backend takes", () => {
    assert.equal(stateKeyFor({ ...options, name: "nightly" }), "nightly");
    assert.equal(
      stateKeyFor({ ...options, name: "nightly", shard: { index: 1, total: 4 } }),
      "nightly.shard-1-of-4",
    );
    assert.throws(() => stateKeyFor({ ...options, name: "a/b" }), StateError);
  });
});

describe("siblingKeys", () => {
  it("finds the other derived keys of the same keyspace and index, not a --name key's", () => {
    const keys = [
      "app.app.11111111",
      "app.app.22222222",
      "app.app.22222222.shard-0-of-2",
      "app.other.33333333",
      "mine",
    ];
    assert.deepEqual(siblingKeys("app.app.11111111", keys, "app", "app"), [
      "app.app.22222222",
      "app.app.22222222.shard-0-of-2",
    ]);
    assert.deepEqual(siblingKeys("mine", keys, "app", "app"), []);
    assert.deepEqual(siblingKeys("app.app.11111111", ["app.app.11111111"], "app", "app"), []);
  });

  it("leaves out the same configuration's shards, of any count", () => {
    const keys = ["app.app.1111.shard-0-of-2", "app.app.1111.shard-1-of-4", "app.app.1111", "app.app.2222"];
    assert.deepEqual(siblingKeys("app.app.1111.shard-0-of-3", keys, "app", "app"), ["app.app.2222"]);
  });
});

describe("otherShardCounts", () => {
  it("lists the configuration's other shard counts with all their shards' keys, and its unsharded key", () => {
    const keys = [
      "a.shard-1-of-2",
      "a",
      "ab.shard-0-of-3",
      "a.shard-0-of-4",
      "a.shard-2-of-3",
      "b.shard-0-of-2",
    ];
    assert.deepEqual(
      [...otherShardCounts("a.shard-0-of-3", keys)],
      [
        [undefined, ["a"]],
        [2, ["a.shard-0-of-2", "a.shard-1-of-2"]],
        [4, ["a.shard-0-of-4", "a.shard-1-of-4", "a.shard-2-of-4", "a.shard-3-of-4"]],
      ],
    );
    assert.deepEqual([...otherShardCounts("a", keys).keys()], [2, 4, 3]);
  });
});
