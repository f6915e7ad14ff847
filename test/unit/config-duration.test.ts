import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDuration } from "../../src/config/duration.js";
import { formatDuration } from "../../src/core/duration-text.js";
import { ConfigError } from "../../src/core/errors.js";

describe("parseDuration", () => {
  it("reads each unit and combinations", () => {
    const cases: [string, number][] = [
      ["1500ms", 1500],
      ["30s", 30_000],
      ["5m", 300_000],
      ["1h", 3_600_000],
      ["2d", 172_800_000],
      ["1h30m", 5_400_000],
      ["1m30s500ms", 90_500],
      ["0", 0],
      ["0s", 0],
      [" 30s ", 30_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text, "lag"), ms, text);
  });

  it("refuses a number without a unit, suggesting one", () => {
    assert.throws(
      () => parseDuration("30", "lag"),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.option === "lag" &&
        error.message.includes("flag --lag") &&
        error.message.includes("no unit") &&
        error.message.includes("30s"),
    );
  });

  it("refuses other forms, echoing the value and naming the source", () => {
    for (const text of ["abc", "1.5h", "-1s", "30 s", "", "5M", "s", "1w"]) {
      assert.throws(
        () => parseDuration(text, "lease-ttl", { kind: "env", variable: "SYNCED_LEASE_TTL" }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.includes("environment variable SYNCED_LEASE_TTL") &&
          error.message.includes(`"${text}"`) &&
          error.message.includes("1500ms, 30s, 5m"),
        text,
      );
    }
  });
});

describe("parseDuration of a unit given twice or out of order", () => {
  it("refuses a repeated unit as the typo it is, instead of adding the parts", () => {
    for (const [text, unit] of [
      ["1h1h", "h"],
      ["5m30s5m", "m"],
      ["1s1ms1ms", "ms"],
    ] as const) {
      assert.throws(
        () => parseDuration(text, "lag", { kind: "flag", flag: "--lag" }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.option === "lag" &&
          error.message.startsWith("flag --lag: ") &&
          error.message.includes(`"${text}" gives the unit ${unit} twice`) &&
          error.message.includes("largest first, as in 1h30m"),
        text,
      );
    }
  });

  it("refuses units out of order, and keeps compound durations largest first", () => {
    assert.throws(
      () => parseDuration("30m1h", "retry-window", { kind: "env", variable: "SYNCED_RETRY_WINDOW" }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith("environment variable SYNCED_RETRY_WINDOW: ") &&
        error.message.includes('"30m1h" gives m before h'),
    );
    assert.throws(() => parseDuration("500ms1s", "lag"), /gives ms before s/);
    assert.equal(parseDuration("1d2h3m4s5ms", "lag"), 93_784_005);
    assert.equal(parseDuration("1h30m", "lag"), 5_400_000);
  });
});

describe("formatDuration", () => {
  it("prints the shortest exact form, which parseDuration reads back", () => {
    assert.equal(formatDuration(300_000), "5m");
    assert.equal(formatDuration(5_400_000), "1h30m");
    assert.equal(formatDuration(1500), "1s500ms");
    assert.equal(formatDuration(0), "0");
    for (const ms of [1, 999, 30_000, 86_400_001, 172_800_000])
      assert.equal(parseDuration(formatDuration(ms), "lag"), ms);
  });
});
