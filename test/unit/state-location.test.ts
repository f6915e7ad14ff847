import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/core/errors.js";
import { formatStateLocation, parseStateLocation } from "../../src/core/state-location.js";

describe("parseStateLocation", () => {
  it("reads a plain path as a directory", () => {
    assert.deepEqual(parseStateLocation("state"), { backend: "file", directory: "state" });
    assert.deepEqual(parseStateLocation("/var/lib/synced"), {
      backend: "file",
      directory: "/var/lib/synced",
    });
    assert.deepEqual(parseStateLocation("./odd:name"), { backend: "file", directory: "./odd:name" });
    assert.deepEqual(parseStateLocation("C:\\synced"), { backend: "file", directory: "C:\\synced" });
    assert.deepEqual(parseStateLocation("file:odd:name"), { backend: "file", directory: "odd:name" });
  });

  it("reads cassandra:<keyspace>.<table>", () => {
    assert.deepEqual(parseStateLocation("cassandra:ops.synced_state"), {
      backend: "cassandra",
      keyspace: "ops",
      table: "synced_state",
    });
  });

  it("reads elasticsearch:<index> and es:<index>", () => {
    assert.deepEqual(parseStateLocation("elasticsearch:synced-state"), {
      backend: "elasticsearch",
      index: "synced-state",
    });
    assert.deepEqual(parseStateLocation("ES:.synced"), { backend: "elasticsearch", index: ".synced" });
  });

  it("formats what it parses back to the same text", () => {
    for (const text of ["state", "cassandra:ops.state", "elasticsearch:state"]) {
      assert.equal(formatStateLocation(parseStateLocation(text)), text);
    }
  });

  it("refuses anything else with a message that names the accepted forms", () => {
    const cases: [string, RegExp][] = [
      ["", /is empty/],
      ["s3:bucket", /'s3:' is not a kind of state store/],
      ["cassandra:nodot", /cassandra:<keyspace>\.<table>/],
      ["cassandra:a.b.c", /cassandra:<keyspace>\.<table>/],
      ["cassandra:ks.bad-name", /not usable as the state table/],
      ["cassandra:k-s.t", /'k-s' is not usable as the state keyspace/],
      ["cassandra:ks.t" + "x".repeat(48), /is not usable as the state table \(it is 49 characters long/],
      ["elasticsearch:Upper", /not usable as the state index/],
      ["es:", /not usable as the state index/],
      ["es:_x", /not usable as the state index/],
      ["file:", /names no directory/],
    ];
    for (const [text, reason] of cases) {
      assert.throws(
        () => parseStateLocation(text),
        (error: unknown) => error instanceof ConfigError && reason.test(error.message),
        text,
      );
    }
  });
});
