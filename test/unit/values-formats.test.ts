// The exact text forms under the value layer: decimals, float32, two's complement, calendar dates,
// times, timestamps, durations and IP addresses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatDuration, parseDuration } from "../../src/stores/values/duration.js";
import { formatInet, parseInet } from "../../src/stores/values/inet.js";
import {
  bigintFromTwosComplement,
  formatDecimal,
  parseDecimalText,
  shortestFloat32,
  twosComplementFromBigint,
} from "../../src/stores/values/numbers.js";
import {
  formatDate,
  formatTime,
  parseDate,
  parseTime,
  parseTimestamp,
} from "../../src/stores/values/temporal.js";

describe("decimal text", () => {
  it("keeps the scale and prints as Java's BigDecimal does", () => {
    const cases: [string, bigint, number, string][] = [
      ["1.50", 150n, 2, "1.50"],
      ["-1E+400", -1n, -400, "-1E+400"],
      ["1e400", 1n, -400, "1E+400"],
      ["0.0000001", 1n, 7, "1E-7"],
      ["0.000001", 1n, 6, "0.000001"],
      ["123E-2", 123n, 2, "1.23"],
      ["1.000000000000000000001", 1000000000000000000001n, 21, "1.000000000000000000001"],
      ["+.5", 5n, 1, "0.5"],
      ["0E+3", 0n, -3, "0E+3"],
    ];
    for (const [text, unscaled, scale, printed] of cases) {
      assert.deepEqual(parseDecimalText(text), { unscaled, scale }, text);
      assert.equal(formatDecimal({ unscaled, scale }), printed, text);
    }
  });

  it("refuses malformed text and scales beyond 32 bits", () => {
    for (const text of ["", ".", "1.2.3", "1e", "0x10", " 1", "NaN"])
      assert.equal(parseDecimalText(text), "syntax", text);
    assert.equal(parseDecimalText("1e-2147483649"), "scale");
  });
});

describe("shortestFloat32", () => {
  it("prints the shortest decimal that reads back as the same float32", () => {
    assert.equal(String(shortestFloat32(Math.fround(0.1))), "0.1");
    assert.equal(String(shortestFloat32(Math.fround(-3.14159))), "-3.14159");
    assert.equal(String(shortestFloat32(Math.fround(3.4028235e38))), "3.4028235e+38");
    assert.equal(String(shortestFloat32(Math.fround(1.4e-45))), "1e-45");
    assert.equal(shortestFloat32(16777216), 16777216);
  });

  it("always reads back as the same float32", () => {
    const bits = new Uint32Array(1);
    const view = new Float32Array(bits.buffer);
    for (let i = 0; i < 20000; i++) {
      bits[0] = (i * 2654435761) >>> 0;
      const value = view[0] ?? 0;
      if (!Number.isFinite(value)) continue;
      const printed = shortestFloat32(value);
      assert.equal(Math.fround(Number(String(printed))), value);
      const digits = String(printed).replace(/e.*$|[-.]/g, "");
      assert.ok(digits.replace(/^0+|0+$/g, "").length <= 9, String(printed));
    }
  });
});

describe("two's complement", () => {
  it("round-trips integers of any size and sign", () => {
    for (const n of [
      0n,
      1n,
      -1n,
      127n,
      128n,
      -128n,
      -129n,
      255n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      10n ** 40n,
      -(10n ** 40n),
    ]) {
      assert.equal(bigintFromTwosComplement(twosComplementFromBigint(n)), n, String(n));
    }
    assert.deepEqual([...twosComplementFromBigint(128n)], [0, 128]);
    assert.deepEqual([...twosComplementFromBigint(-129n)], [0xff, 0x7f]);
  });
});

describe("dates", () => {
  it("prints the ends of the CQL date range in expanded ISO form", () => {
    assert.equal(formatDate(-(2 ** 31)), "-5877641-06-23");
    assert.equal(formatDate(2 ** 31 - 1), "+5881580-07-11");
    assert.equal(formatDate(0), "1970-01-01");
    assert.equal(formatDate(-719528), "0000-01-01");
    assert.equal(formatDate(-719529), "-000001-12-31");
    assert.equal(formatDate(2932896), "9999-12-31");
    assert.equal(formatDate(2932897), "+010000-01-01");
  });

  it("reads dates back, including leap days, and refuses impossible ones", () => {
    for (const days of [-(2 ** 31), 2 ** 31 - 1, 0, -719529, 2932897, 11016])
      assert.equal(parseDate(formatDate(days)), days);
    assert.equal(parseDate("2000-02-29"), 11016);
    for (const text of ["2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "20240101", "+2024-01-32"]) {
      assert.equal(parseDate(text), undefined, text);
    }
  });
});

describe("times and timestamps", () => {
  it("prints times with nine fraction digits and reads them back", () => {
    assert.equal(formatTime(0n), "00:00:00.000000000");
    assert.equal(formatTime(86_399_999_999_999n), "23:59:59.999999999");
    assert.equal(parseTime("23:59:59.999999999"), 86_399_999_999_999n);
    assert.equal(parseTime("01:02"), 3_720_000_000_000n);
    assert.equal(parseTime("01:02:03.5"), 3_723_500_000_000n);
    for (const text of ["24:00:00", "12:60:00", "12:00:60", "1:00:00", "12:00:00.1234567891"]) {
      assert.equal(parseTime(text), undefined, text);
    }
  });

  it("reads ISO timestamps with offsets and any fraction, truncating below milliseconds", () => {
    assert.equal(parseTimestamp("2024-01-01T10:00:00.5+02:00"), Date.UTC(2024, 0, 1, 8, 0, 0, 500));
    assert.equal(parseTimestamp("2024-01-01T10:00:00.123999999Z"), Date.UTC(2024, 0, 1, 10, 0, 0, 123));
    assert.equal(parseTimestamp("2024-01-01 10:00-0130"), Date.UTC(2024, 0, 1, 11, 30));
    assert.equal(parseTimestamp("2024-01-01"), Date.UTC(2024, 0, 1));
    assert.equal(parseTimestamp("+275760-09-13T00:00:00.000Z"), 8.64e15);
    assert.equal(parseTimestamp("-271821-04-20T00:00:00.000Z"), -8.64e15);
    assert.equal(parseTimestamp("1969-12-31T23:59:59.9999Z"), -1);
    for (const text of ["2024-01-01T25:00:00Z", "2024-01-01T10:00:00+19:00", "2024-01-01-05", "yesterday"]) {
      assert.equal(parseTimestamp(text), undefined, text);
    }
  });
});

describe("durations", () => {
  it("prints months as years and months without rounding, and reads every unit", () => {
    const parts = { months: 18n, days: 2n, nanos: 3_723_004_005_006n };
    assert.equal(formatDuration(parts), "1y6mo2d1h2m3s4ms5us6ns");
    assert.deepEqual(parseDuration("1y6mo2d1h2m3s4ms5us6ns"), parts);
    assert.equal(formatDuration({ months: 0n, days: 0n, nanos: 0n }), "0s");
    assert.equal(formatDuration({ months: -1n, days: -2n, nanos: 0n }), "-1mo2d");
    assert.deepEqual(parseDuration("-1mo2d"), { months: -1n, days: -2n, nanos: -0n });
    assert.deepEqual(parseDuration("2w3µs"), { months: 0n, days: 14n, nanos: 3000n });
    assert.deepEqual(parseDuration("P1Y2M3DT4H5M6S"), { months: 14n, days: 3n, nanos: 14_706_000_000_000n });
    assert.deepEqual(parseDuration("P2W"), { months: 0n, days: 14n, nanos: 0n });
  });

  it("round-trips the extremes and refuses malformed or oversized text", () => {
    const min = { months: -(2n ** 31n), days: -(2n ** 31n), nanos: -(2n ** 63n) };
    assert.deepEqual(parseDuration(formatDuration(min)), min);
    const max = { months: 2n ** 31n - 1n, days: 2n ** 31n - 1n, nanos: 2n ** 63n - 1n };
    assert.deepEqual(parseDuration(formatDuration(max)), max);
    for (const text of ["", "abc", "1d1h1d", "1h1d", "2147483648mo", "1x", "P", "PT", "1d "]) {
      assert.equal(parseDuration(text), undefined, text);
    }
  });
});

describe("inet", () => {
  it("reads and prints IPv4 and IPv6 in canonical form", () => {
    const cases: [string, string][] = [
      ["192.168.0.1", "192.168.0.1"],
      ["::", "::"],
      ["::1", "::1"],
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
      ["1:0:0:2:0:0:3:4", "1::2:0:0:3:4"],
      ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
      ["::ffff:1.2.3.4", "::ffff:1.2.3.4"],
      ["fe80::1:2", "fe80::1:2"],
    ];
    for (const [text, canonical] of cases) {
      const bytes = parseInet(text);
      assert.ok(bytes, text);
      assert.equal(formatInet(bytes), canonical, text);
    }
    assert.equal(parseInet("::ffff:1.2.3.4")?.length, 16);
  });

  it("refuses malformed addresses and zone indexes", () => {
    for (const text of ["256.0.0.1", "1.2.3", "1::2::3", "fe80::1%eth0", "12345::", "localhost", ""]) {
      assert.equal(parseInet(text), undefined, text);
    }
  });
});
