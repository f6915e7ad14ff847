// The log lines: their JSON shape for collectors, their text on a terminal, the levels of --quiet and
// --verbose, and pino's redaction of secrets wherever a line carries them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger, progressText } from "../../src/cli/logger.js";
import { emptyStats } from "../../src/reconcile/stats.js";

function capture(isTTY: boolean): { stream: NodeJS.WritableStream & { isTTY: boolean }; text: () => string } {
  let text = "";
  const stream = {
    isTTY,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  return { stream, text: () => text };
}

const secrets = {
  options: {
    cassandra: { auth: { username: "ops", password: "cassandra-s3cret" } },
    elasticsearch: { auth: { kind: "api-key", apiKey: "es-k3y" } },
  },
};

describe("logger", () => {
  it("writes one JSON object per line for collectors: time, level, message, fields", () => {
    const out = capture(false);
    createLogger(out.stream).info("range chosen", { begin: "2026-01-01T00:00:00.000000Z" });
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    assert.match(String(line["time"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      { ...line, time: undefined },
      { time: undefined, level: "info", message: "range chosen", begin: "2026-01-01T00:00:00.000000Z" },
    );
  });

  it("writes a warning at level warn for collectors, and marks it on a terminal; --quiet leaves it out", () => {
    const json = capture(false);
    createLogger(json.stream).warn("metrics lost", { error: "ECONNREFUSED" });
    const line = JSON.parse(json.text()) as Record<string, unknown>;
    assert.deepEqual(
      [line["level"], line["message"], line["error"]],
      ["warn", "metrics lost", "ECONNREFUSED"],
    );
    const text = capture(true);
    createLogger(text.stream).warn("metrics lost");
    assert.equal(text.text(), "warning: metrics lost\n");
    const quiet = capture(false);
    const logger = createLogger(quiet.stream);
    logger.setLevel("error");
    logger.warn("metrics lost");
    assert.equal(quiet.text(), "");
  });

  it("redacts passwords and API keys wherever a line carries them, as JSON and as text", () => {
    for (const tty of [false, true]) {
      const out = capture(tty);
      const logger = createLogger(out.stream);
      logger.info("starting", secrets);
      logger.error("refused", { error: { password: "nested-s3cret" }, password: "top-s3cret" });
      const text = out.text();
      for (const secret of ["cassandra-s3cret", "es-k3y", "nested-s3cret", "top-s3cret"]) {
        assert.ok(!text.includes(secret), `${secret} in ${tty ? "text" : "JSON"}: ${text}`);
      }
      assert.match(text, /\[redacted\]/);
      assert.match(text, /ops/);
    }
  });

  it("logs errors only with --quiet, and debug lines with --verbose", () => {
    const out = capture(false);
    const logger = createLogger(out.stream);
    logger.setLevel("error");
    logger.info("hidden");
    logger.progress(emptyStats("things", "to-es"));
    logger.error("shown");
    logger.setLevel("debug");
    logger.debug("detail");
    const messages = out
      .text()
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { message: string }).message);
    assert.deepEqual(messages, ["shown", "detail"]);
  });

  it("logs progress at most every ten seconds as JSON, after every batch with --verbose", () => {
    let now = 100_000;
    const out = capture(false);
    const logger = createLogger(out.stream, () => now);
    const stats = emptyStats("things", "to-es");
    logger.progress(stats);
    logger.progress(stats);
    now += 10_000;
    logger.progress(stats);
    assert.equal(out.text().trim().split("\n").length, 2);
    logger.setLevel("debug");
    logger.progress(stats);
    assert.equal(out.text().trim().split("\n").length, 3);
    // The time since the table's first progress, not the table's duration, which is set at its end.
    const durations = out
      .text()
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { durationMs: number }).durationMs);
    assert.deepEqual(durations, [0, 10_000, 10_000]);
  });

  // Tried as an operator of synced watch would: one logger serves every run of the process, and a
  // table's progress counted from its first progress in the first run (76 s in a run of 0.8 s).
  it("counts a table's progress from its start in this run, not in an earlier run of the process", () => {
    let now = 100_000;
    const out = capture(false);
    const logger = createLogger(out.stream, () => now);
    logger.setLevel("debug");
    const stats = emptyStats("things", "to-es");
    logger.progress(stats);
    logger.done();
    now += 60_000;
    logger.progress(stats);
    now += 500;
    logger.progress(stats);
    const durations = out
      .text()
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { durationMs: number }).durationMs);
    assert.deepEqual(durations, [0, 0, 500]);
  });

  it("rewrites one progress line on a terminal and clears it before the next message", () => {
    const out = capture(true);
    const logger = createLogger(out.stream);
    logger.progress({ ...emptyStats("things", "to-es"), scanned: 5 });
    logger.info("done", { written: 5 });
    assert.equal(
      out.text(),
      "\r\x1b[2Kthings to-es: 5 scanned; 0 written, 0 dead-lettered\r\x1b[2Kdone (written=5)\n",
    );
  });

  it("ends a run with a line for collectors, and none on a terminal, where the summary says it", () => {
    const collected = capture(false);
    createLogger(collected.stream).end("error", "run failed: why", { exitCode: 6 });
    const line = JSON.parse(collected.text()) as Record<string, unknown>;
    assert.deepEqual(
      { level: line["level"], message: line["message"], exitCode: line["exitCode"] },
      { level: "error", message: "run failed: why", exitCode: 6 },
    );
    const terminal = capture(true);
    createLogger(terminal.stream).end("error", "run failed: why", { exitCode: 6 });
    assert.equal(terminal.text(), "");
  });

  it("shows a percentage and the time left where the source estimated the total", () => {
    const stats = { ...emptyStats("things", "to-es"), scanned: 1200, written: 300 };
    assert.equal(
      progressText(stats, 5000, 2000),
      "things to-es: 1,200 of ~5,000 scanned (24%), 600/s, ETA 6s; 300 written, 0 dead-lettered",
    );
    // No rate before a second has passed; a percentage stops at 99; an estimate passed is dropped.
    assert.equal(
      progressText(stats, 1200, 500),
      "things to-es: 1,200 of ~1,200 scanned (99%); 300 written, 0 dead-lettered",
    );
    assert.equal(
      progressText(stats, 1000, 4000),
      "things to-es: 1,200 scanned, 300/s; 300 written, 0 dead-lettered",
    );
    assert.equal(
      progressText(stats, undefined, 4000),
      "things to-es: 1,200 scanned, 300/s; 300 written, 0 dead-lettered",
    );
    assert.match(progressText({ ...stats, scanned: 10 }, 100_000, 10_000), /, 1\/s, ETA 27h46m;/);
  });
});
