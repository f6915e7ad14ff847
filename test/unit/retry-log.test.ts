// Retries during an outage: the first of each store logged at once, then one line a few seconds with
// the count of those between, each still at debug level.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RETRY_LINE_INTERVAL_MS, retryLog } from "../../src/cli/retry-log.js";

function recorder(): {
  lines: { level: string; message: string; fields: Record<string, unknown> }[];
  logger: {
    info: (m: string, f?: Record<string, unknown>) => void;
    debug: (m: string, f?: Record<string, unknown>) => void;
  };
} {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  return {
    lines,
    logger: {
      info: (message, fields = {}) => lines.push({ level: "info", message, fields }),
      debug: (message, fields = {}) => lines.push({ level: "debug", message, fields }),
    },
  };
}

const CASSANDRA = { side: "cassandra", name: "Cassandra" };
const ELASTICSEARCH = { side: "elasticsearch", name: "Elasticsearch" };

describe("retry log", () => {
  it("logs a store's first retry, then one line an interval counting the retries between", () => {
    const { lines, logger } = recorder();
    let clock = 1_000;
    const retried = retryLog(logger, () => clock);
    const outage = new Error("connection refused\nat somewhere");
    for (let i = 0; i < 50; i++) {
      retried(CASSANDRA, outage, 1, 200);
      clock += 100;
    }
    // 50 retries within 5 s: the first logged, the other 49 at debug level only.
    assert.deepEqual(
      lines.filter((l) => l.level === "info"),
      [
        {
          level: "info",
          message: "Cassandra failed transiently; trying again",
          fields: { store: "cassandra", attempt: 1, delayMs: 200, error: "connection refused" },
        },
      ],
    );
    assert.equal(lines.filter((l) => l.level === "debug").length, 49);
    // The interval since the first line has passed: the next is logged, with the count between.
    assert.equal(clock - 1_000, RETRY_LINE_INTERVAL_MS);
    retried(CASSANDRA, outage, 3, 800);
    assert.deepEqual(lines.at(-1), {
      level: "info",
      message: "Cassandra failed transiently; trying again",
      fields: {
        store: "cassandra",
        attempt: 3,
        delayMs: 800,
        error: "connection refused",
        retriesSinceLastLine: 49,
      },
    });
  });

  it("keeps each store's lines apart", () => {
    const { lines, logger } = recorder();
    const retried = retryLog(logger, () => 0);
    retried(CASSANDRA, new Error("a"), 1, 200);
    retried(ELASTICSEARCH, new Error("b"), 1, 200);
    retried(CASSANDRA, new Error("a"), 2, 400);
    assert.deepEqual(
      lines.map((l) => [l.level, l.fields["store"]]),
      [
        ["info", "cassandra"],
        ["info", "elasticsearch"],
        ["debug", "cassandra"],
      ],
    );
  });

  it("names the product that failed, and keeps the side's name in the store field", () => {
    const { lines, logger } = recorder();
    const retried = retryLog(logger, () => 0);
    retried({ side: "elasticsearch", name: "OpenSearch" }, new Error("503"), 1, 200);
    assert.deepEqual(lines, [
      {
        level: "info",
        message: "OpenSearch failed transiently; trying again",
        fields: { store: "elasticsearch", attempt: 1, delayMs: 200, error: "503" },
      },
    ]);
  });
});
