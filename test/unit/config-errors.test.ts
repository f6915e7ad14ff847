import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, SyncedError, UsageError, describeSource } from "../../src/core/errors.js";

describe("error hierarchy", () => {
  it("carries details and the cause, and names its class", () => {
    const cause = new Error("ECONNREFUSED");
    const error = new SyncedError(
      "Cannot reach 10.0.0.1. Check --cassandra-contact-points.",
      { host: "10.0.0.1" },
      { cause },
    );
    assert.equal(error.name, "SyncedError");
    assert.equal(error.cause, cause);
    assert.deepEqual(error.details, { host: "10.0.0.1" });
    assert.deepEqual(JSON.parse(JSON.stringify(error)), {
      name: "SyncedError",
      kind: "failed",
      message: "Cannot reach 10.0.0.1. Check --cassandra-contact-points.",
      details: { host: "10.0.0.1" },
      cause: "ECONNREFUSED",
    });
    assert.ok(new UsageError("x") instanceof SyncedError);
    assert.equal(new UsageError("x").name, "UsageError");
  });

  it("prefixes a configuration error with the option's source", () => {
    const error = new ConfigError(
      "cassandra-port",
      { kind: "file", path: "s.yaml", key: "cassandra.port" },
      "bad",
    );
    assert.ok(error instanceof SyncedError);
    assert.equal(error.name, "ConfigError");
    assert.equal(error.message, "config file s.yaml, key cassandra.port: bad");
    assert.deepEqual(error.details, {
      option: "cassandra-port",
      source: "config file s.yaml, key cassandra.port",
    });
    assert.equal(describeSource({ kind: "flag", flag: "--lag" }), "flag --lag");
    assert.equal(describeSource({ kind: "env", variable: "SYNCED_LAG" }), "environment variable SYNCED_LAG");
    assert.equal(new ConfigError("lag", undefined, "plain").message, "plain");
  });
});
