import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { floorDiv } from "../../src/core/micros.js";
import {
  compareTimeuuids,
  deterministicTimeuuid,
  timeuuidLowerBound,
  timeuuidMicros,
  topTimeuuid,
} from "../../src/stores/cassandra/timeuuid.js";

describe("timeuuid", () => {
  it("makes the top timeuuid of a microsecond, above every other of it and below the next", () => {
    const date = new Date("2024-05-01T10:20:30.123Z");
    const micros = BigInt(date.getTime()) * 1000n + 456n;
    const top = topTimeuuid(micros);
    assert.equal(timeuuidMicros(top), micros);
    const others = [
      cassandra.types.TimeUuid.fromDate(date, 4560).toString(),
      cassandra.types.TimeUuid.fromDate(
        date,
        4569,
        Buffer.alloc(6, 0x7f),
        Buffer.from([0x7f, 0x7e]),
      ).toString(),
      deterministicTimeuuid(micros, "t", "id"),
      timeuuidLowerBound(micros),
    ];
    for (const other of others) {
      assert.equal(compareTimeuuids(top, other), 1, other);
      assert.equal(compareTimeuuids(other, top), -1, other);
    }
    assert.equal(compareTimeuuids(top, top), 0);
    assert.equal(compareTimeuuids(top, timeuuidLowerBound(micros + 1n)), -1);
  });

  it("reads the version of a driver-made timeuuid to the microsecond", () => {
    const date = new Date("2024-05-01T10:20:30.123Z");
    const uuid = cassandra.types.TimeUuid.fromDate(date, 4560).toString();
    assert.equal(timeuuidMicros(uuid), BigInt(date.getTime()) * 1000n + 456n);
  });

  it("round-trips microseconds through the deterministic timeuuid, including before 1970", () => {
    for (const micros of [0n, 1n, 1_714_558_830_123_456n, -1n, -12_219_292_800_000_000n]) {
      assert.equal(timeuuidMicros(deterministicTimeuuid(micros, "t", "id")), micros);
    }
  });

  it("gives the same timeuuid for the same table, id and version, and another for another id", () => {
    const a = deterministicTimeuuid(1000n, "users", "5b6962dd-3f90-4c93-8f61-eabfa4a803e2");
    assert.equal(a, deterministicTimeuuid(1000n, "users", "5b6962dd-3f90-4c93-8f61-eabfa4a803e2"));
    assert.notEqual(a, deterministicTimeuuid(1000n, "users", "0b6962dd-3f90-4c93-8f61-eabfa4a803e2"));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("builds the lower bound with the smallest clock and node, like minTimeuuid", () => {
    assert.equal(timeuuidLowerBound(0n), "13814000-1dd2-11b2-8080-808080808080");
  });

  it("reads a timeuuid of any variant, as Cassandra stores one", () => {
    const rfc = "12345678-1234-1234-8234-123456789abc";
    for (const variant of ["0", "c", "f"]) {
      assert.equal(timeuuidMicros(rfc.replace("-8234-", `-${variant}234-`)), timeuuidMicros(rfc), variant);
    }
  });

  it("refuses a version outside the timeuuid range and a non-time UUID", () => {
    assert.throws(() => timeuuidLowerBound(-12_219_292_800_000_001n), /outside the range of a timeuuid/);
    assert.throws(() => timeuuidMicros("5b6962dd-3f90-4c93-8f61-eabfa4a803e2"), /not a version 1/);
  });

  it("divides towards negative infinity", () => {
    assert.equal(floorDiv(-1n, 10n), -1n);
    assert.equal(floorDiv(-10n, 10n), -1n);
    assert.equal(floorDiv(9n, 10n), 0n);
  });
});
