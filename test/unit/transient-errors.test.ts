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
