import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { isTransientCassandraError } from "../../src/stores/cassandra/transient-errors.js";

const { errors, types } = cassandra;

describe("isTransientCassandraError", () => {
  it("retries what a moment may cure: no host, timeouts, overload, unavailable replicas", () => {
    assert.equal(isTransientCassandraError(new errors.NoHostAvailableError({})), true);
    assert.equal(
      isTransientCassandraError(new errors.OperationTimedOutError("slow", "127.0.0.1:9042")),
      true,
    );
    for (const code of ["overloaded", "unavailableException", "readTimeout", "writeTimeout"] as const) {
      assert.equal(
        isTransientCassandraError(new errors.ResponseError(types.responseErrorCodes[code], code)),
        true,
      );
    }
  });

  it("retries a request whose connection broke, which the driver reports without trying another node", () => {
    // What cassandra-driver 4.10 answers a request not marked idempotent (a lightweight transaction)
    // whose connection closed before its answer came.
    // Its type declares the class abstract; the driver makes instances of it.
    const DriverError = errors.DriverError as unknown as new (message: string) => Error;
    const closed = Object.assign(new DriverError("Socket was closed"), { isSocketError: true });
    assert.equal(isTransientCassandraError(closed), true);
    assert.equal(isTransientCassandraError(new DriverError("Invalid state")), false);
  });

  it("does not retry what fails the same way every time", () => {
    assert.equal(
      isTransientCassandraError(new errors.ResponseError(types.responseErrorCodes.invalid, "bad")),
      false,
    );
    assert.equal(
      isTransientCassandraError(new errors.ResponseError(types.responseErrorCodes.syntaxError, "x")),
      false,
    );
    assert.equal(isTransientCassandraError(new TypeError("not a uuid")), false);
  });
});
