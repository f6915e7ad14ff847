import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  capabilitiesOf,
  columnTypeRefusal,
  timestampIndexRefusal,
} from "../../src/stores/cassandra/capabilities.js";
import { parseCqlType } from "../../src/core/cql-type.js";

describe("what a Cassandra cluster can do, from its nodes' releases", () => {
  it("has maxwritetime(), storage-attached indexes and vectors from 5.0 on", () => {
    for (const release of ["5.0.0", "5.0.9", "5.1-SNAPSHOT", "6.0.1"]) {
      assert.deepEqual(capabilitiesOf([release]), {
        release,
        maxWritetime: true,
        storageAttachedIndexes: true,
        vectorType: true,
      });
    }
  });

  it("has none of them before 5.0", () => {
    for (const release of ["4.1.10", "4.0.17", "3.11.19", "5.0-beta"]) {
      const found = capabilitiesOf([release]);
      assert.equal(found.release, release);
      assert.equal(found.maxWritetime, release === "5.0-beta", release);
      assert.equal(found.storageAttachedIndexes, release === "5.0-beta", release);
      assert.equal(found.vectorType, release === "5.0-beta", release);
    }
  });

  it("goes by the oldest node, since any node may coordinate a query (a rolling upgrade)", () => {
    assert.deepEqual(capabilitiesOf(["5.0.9", "4.1.10", "5.0.8"]), {
      release: "4.1.10",
      maxWritetime: false,
      storageAttachedIndexes: false,
      vectorType: false,
    });
    assert.equal(capabilitiesOf(["4.1.10", "4.1.2"]).release, "4.1.2");
  });

  it("assumes neither when no release can be read", () => {
    for (const releases of [[], [""], ["unknown"], ["5.0.9", "x.y"]]) {
      const found = capabilitiesOf(releases);
      assert.equal(found.maxWritetime, false, JSON.stringify(releases));
      assert.equal(found.storageAttachedIndexes, false, JSON.stringify(releases));
      assert.equal(found.vectorType, false, JSON.stringify(releases));
    }
    assert.equal(capabilitiesOf([]).release, "of an unknown release");
  });

  it("refuses --create-timestamp-index without storage-attached indexes, naming the release and what to do", () => {
    assert.equal(timestampIndexRefusal(capabilitiesOf(["5.0.9"])), undefined);
    const refusal = timestampIndexRefusal(capabilitiesOf(["4.1.10"])) ?? "";
    assert.match(refusal, /Cassandra 4\.1\.10/);
    assert.match(refusal, /storage-attached/);
    assert.match(refusal, /run without --create-timestamp-index/);
  });

  // Sent anyway, the statement failed with Cassandra's "mismatched input '<'", which names no release.
  it("refuses a vector column, or one that holds a vector, before 5.0, naming the field and the release", () => {
    const v41 = capabilitiesOf(["4.1.10"]);
    for (const type of ["vector<float, 3>", "list<vector<tinyint, 2>>"]) {
      assert.equal(
        columnTypeRefusal(capabilitiesOf(["5.0.9"]), "emb", "dense_vector", parseCqlType(type)),
        undefined,
      );
      const refusal = columnTypeRefusal(v41, "emb", "dense_vector", parseCqlType(type)) ?? "";
      assert.match(refusal, /field "emb" \(dense_vector\)/);
      assert.match(refusal, /Cassandra 4\.1\.10/);
      assert.match(refusal, /vector type came with Cassandra 5\.0/);
    }
    for (const type of ["list<float>", "map<text, frozen<list<int>>>", "text"])
      assert.equal(columnTypeRefusal(v41, "emb", "float", parseCqlType(type)), undefined, type);
  });
});
