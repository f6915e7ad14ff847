import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import * as es from "@elastic/elasticsearch";
import { isTransientCassandraError } from "../../src/stores/cassandra/transient-errors.js";
import { isPointInTimeLost, isTransientSearchError } from "../../src/stores/search/transient-errors.js";

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

function esResponse(statusCode: number, type = "exception"): es.errors.ResponseError {
  return new es.errors.ResponseError({
    body: { error: { type, root_cause: [{ type }] }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

describe("isTransientSearchError", () => {
  it("retries unreachable, busy or restarting clusters", () => {
    assert.equal(isTransientSearchError(new es.errors.ConnectionError("connect ECONNREFUSED")), true);
    assert.equal(isTransientSearchError(new es.errors.TimeoutError("timed out")), true);
    assert.equal(isTransientSearchError(new es.errors.NoLivingConnectionsError("none", {} as never)), true);
    for (const status of [429, 502, 503, 504]) assert.equal(isTransientSearchError(esResponse(status)), true);
  });

  it("does not retry refusals that fail the same way every time", () => {
    for (const status of [400, 401, 403, 404, 409]) {
      assert.equal(isTransientSearchError(esResponse(status)), false);
    }
    assert.equal(isTransientSearchError(new TypeError("bad")), false);
  });

  it("tells a lost point in time from other missing things", () => {
    assert.equal(isPointInTimeLost(esResponse(404, "search_context_missing_exception")), true);
    assert.equal(isPointInTimeLost(esResponse(404, "index_not_found_exception")), false);
    assert.equal(isPointInTimeLost(new es.errors.ConnectionError("reset")), false);
  });
});
