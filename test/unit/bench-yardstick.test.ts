// The yardstick of `npm run bench`: synced's process against a copy script's, per record.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { yardstick, yardstickLines } from "../../bench/yardstick.js";

const synced = {
  durationMs: 900,
  written: 1000,
  scanned: 1000,
  maxRssKb: 150_000,
  wallMs: 2000,
  cpuMs: 2600,
};

describe("the bench yardstick", () => {
  it("divides synced's CPU and wall time per record by the script's, and says which target was met", () => {
    const y = yardstick("copy-to-elasticsearch", synced, {
      records: 1000,
      wallMs: 1000,
      cpuMs: 2000,
      maxRssKb: 100_000,
    });
    assert.equal(y.cpuRatio, 1.3);
    assert.equal(y.wallRatio, 2);
    assert.deepEqual([y.cpuMet, y.wallMet], [true, false]);
    assert.deepEqual(y.synced, { records: 1000, wallMs: 2000, cpuMs: 2600, maxRssKb: 150_000 });
  });

  it("compares per record when the counts differ", () => {
    const y = yardstick("copy-to-cassandra", synced, {
      records: 2000,
      wallMs: 2000,
      cpuMs: 2600,
      maxRssKb: 1,
    });
    assert.deepEqual([y.cpuRatio, y.wallRatio], [2, 2]);
  });

  it("prints a row per figure with both processes' rates and CPU, the ratios and the targets", () => {
    const y = yardstick("copy-to-elasticsearch", synced, {
      records: 1000,
      wallMs: 500,
      cpuMs: 1000,
      maxRssKb: 1,
    });
    const lines = yardstickLines([{ figure: 1, unit: "docs/s", yardstick: y }]);
    assert.match(lines[0] ?? "", /^yardstick\s+synced process\s+copy script process\s+CPU\/record/);
    assert.match(
      lines[1] ?? "",
      /^1\. copy-to-elasticsearch\s+500 docs\/s, 2\.6 s CPU \(2600 µs\/record\)\s+2,000 docs\/s, 1\.0 s CPU \(1000 µs\/record\)\s+2\.60x\s+<= 1\.3\s+no\s+4\.00x\s+<= 1\.0\s+no$/,
    );
    assert.ok(lines.some((line) => line.includes("bench/copy-to-elasticsearch.ts")));
    assert.deepEqual(yardstickLines([]), []);
  });
});
