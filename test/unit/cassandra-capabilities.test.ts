import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { capabilitiesOf, timestampIndexRefusal } from "../../src/stores/cassandra/capabilities.js";

describe("what a Cassandra cluster can do, from its nodes' releases", () => {
  it("has maxwritetime() and storage-attached indexes from 5.0 on", () => {
    for (const release of ["5.0.0", "5.0.9", "5.1-SNAPSHOT", "6.0.1"]) {
      assert.deepEqual(capabilitiesOf([release]), {
        release,
        maxWritetime: true,
        storageAttachedIndexes: true,
      });
    }
  });

  it("has neither before 5.0", () => {
    for (const release of ["4.1.10", "4.0.17", "3.11.19", "5.0-beta"]) {
      const found = capabilitiesOf([release]);
      assert.equal(found.release, release);
      assert.equal(found.maxWritetime, release === "5.0-beta", release);
      assert.equal(found.storageAttachedIndexes, release === "5.0-beta", release);
    }
  });

  it("goes by the oldest node, since any node may coordinate a query (a rolling upgrade)", () => {
    assert.deepEqual(capabilitiesOf(["5.0.9", "4.1.10", "5.0.8"]), {
      release: "4.1.10",
      maxWritetime: false,
      storageAttachedIndexes: false,
    });
    assert.equal(capabilitiesOf(["4.1.10", "4.1.2"]).release, "4.1.2");
  });

  it("assumes neither when no release can be read", () => {
    for (const releases of [[], [""], ["unknown"], ["5.0.9", "x.y"]]) {
      const found = capabilitiesOf(releases);
      assert.equal(found.maxWritetime, false, JSON.stringify(releases));
      assert.equal(found.storageAttachedIndexes, false, JSON.stringify(releases));
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
});
