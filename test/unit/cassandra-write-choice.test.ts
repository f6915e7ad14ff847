import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseLwt, writeTimestamp } from "../../src/stores/cassandra/write.js";
import type { CurrentRecord } from "../../src/core/record.js";
import type { CassandraToken } from "../../src/stores/cassandra/fetch-current.js";

const now = 1_000_000_000n;
const margin = 5_000_000n;
const timestampMode = { mode: "timestamp" as const, marginMicros: margin, now: () => now };
const old = now - 60_000_000n;

function token(writetime: bigint | undefined, partialWritetime = false): CassandraToken {
  return { writetime, partialWritetime, timestamp: null };
}

describe("how synced writes a row into Cassandra", () => {
  it("writes with USING TIMESTAMP above the row's cells when that time is before now minus the lag", () => {
    assert.equal(chooseLwt(timestampMode, old + 1n, token(old)), false);
    assert.equal(chooseLwt(timestampMode, old, undefined), false);
  });

  it("uses a lightweight transaction when that time is too close to now, or when asked to", () => {
    assert.equal(chooseLwt(timestampMode, now - 1_000_000n, token(now - 1_000_001n)), true);
    assert.equal(chooseLwt({ ...timestampMode, mode: "lwt" }, old + 1n, token(old)), true);
  });

  it("uses a lightweight transaction over a row some of whose cells have no readable write time", () => {
    // Cassandra 4.1 cannot tell the write time of a non-frozen collection's cells: a time above the
    // cells it can read may lie below those, so the write would not land where it must.
    assert.equal(chooseLwt(timestampMode, old + 1n, token(old, true)), true);
    assert.equal(chooseLwt(timestampMode, old + 1n, token(undefined, true)), true);
  });

  it("writes above cells written in the future, which no transaction's ballot can pass", () => {
    const future = now + 3_600_000_000n;
    assert.equal(chooseLwt(timestampMode, future + 1n, token(future)), false);
    assert.equal(chooseLwt(timestampMode, future + 1n, token(future, true)), false);
  });

  it("takes the write time above every readable cell, and at least the version", () => {
    const current = (writetime: bigint | undefined): CurrentRecord<CassandraToken> => ({
      id: "7e50f03d-5d8c-4d41-9c61-4b5c6a3f2a10",
      version: old,
      deleted: false,
      content: {},
      token: token(writetime),
    });
    assert.equal(writeTimestamp(old, undefined), old);
    assert.equal(writeTimestamp(old, current(old + 10n)), old + 11n);
    assert.equal(writeTimestamp(old + 20n, current(old + 10n)), old + 20n);
    assert.equal(writeTimestamp(old, current(undefined)), old);
  });
});
