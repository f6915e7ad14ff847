// The summary's hint on dead letters: a shard's letters are under its own key, so the hint names the
// --shard that lists them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderSummary } from "../../src/cli/summary.js";
import { shardOfKey } from "../../src/state/state-key.js";
import { runReport } from "../support/run-report.js";

const line = (key: string): string =>
  renderSummary({ ...runReport({ key, deadLettered: 2, outcome: "partial" }) })
    .split("\n")
    .find((l) => l.startsWith("dead letters:")) ?? "";

describe("the dead letters hint", () => {
  it("names the shard of a sharded run", () => {
    assert.match(
      line("app.app.0123abcd.shard-2-of-4"),
      /dead-letters list --shard 2\/4, .*dead-letters replay --shard 2\/4$/,
    );
  });

  it("names no shard for an unsharded run", () => {
    assert.doesNotMatch(line("app.app.0123abcd"), /--shard/);
  });

  it("reads the shard from a key", () => {
    assert.equal(shardOfKey("a.b.c.shard-0-of-12"), "0/12");
    assert.equal(shardOfKey("a.b.c"), undefined);
  });
});
