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

  // Tried as an operator would: a --tables name that is no table was refused as "flag --tables:
  // --tables names what does not exist", the option named twice.
  it("names a flag once where the message begins with it", () => {
    const flag = (name: string) => ({ kind: "flag", flag: name }) as const;
    const refused = new ConfigError("tables", flag("--tables"), "--tables names what does not exist");
    assert.equal(refused.message, "--tables names what does not exist");
    // Where the value was given stays in the details, for logs and --json.
    assert.deepEqual(refused.details, { option: "tables", source: "flag --tables" });
    assert.equal(
      new ConfigError("dry-run", flag("--no-dry-run"), "--no-dry-run takes no value").message,
      "--no-dry-run takes no value",
    );
    // Another flag, or the flag's name inside a longer one, is no repetition.
    assert.equal(
      new ConfigError("tables", flag("--tables"), "--tables-x is unknown").message,
      "flag --tables: --tables-x is unknown",
    );
    assert.equal(
      new ConfigError("lag", flag("--lag"), "'x' is no duration; give --lag 30s").message,
      "flag --lag: 'x' is no duration; give --lag 30s",
    );
    // A value from elsewhere is still told where it was given.
    assert.equal(
      new ConfigError("tables", { kind: "env", variable: "SYNCED_TABLES" }, "--tables names x").message,
      "environment variable SYNCED_TABLES: --tables names x",
    );
  });
});
