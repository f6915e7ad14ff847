// --shard i/N, and /N with the index a Kubernetes Indexed Job gives each pod.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/core/errors.js";
import { stateKeyFor } from "../../src/state/state-key.js";
import { parseRunFlags } from "../support/flags.js";
import { fakeFiles } from "../support/fake-files.js";

async function load(shard: string, env: Record<string, string> = {}, more: string[] = []) {
  const flags = await parseRunFlags(["-k", "app", "-i", "app", "--shard", shard, ...more]);
  return loadConfig({ flags, env, readFile: fakeFiles() });
}

describe("--shard", () => {
  it("takes i/N, and /N with i from JOB_COMPLETION_INDEX", async () => {
    assert.deepEqual((await load("2/8")).shard, { index: 2, total: 8 });
    assert.deepEqual((await load("/8", { JOB_COMPLETION_INDEX: "5" })).shard, { index: 5, total: 8 });
    assert.deepEqual((await load("1/8", { JOB_COMPLETION_INDEX: "5" })).shard, { index: 1, total: 8 });
  });

  it("refuses what is not a shard, naming what to give", async () => {
    const refused = async (shard: string, pattern: RegExp, env: Record<string, string> = {}) =>
      assert.rejects(load(shard, env), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /--shard/);
        assert.match(error.message, pattern);
        return true;
      });
    await refused("2", /is not i\/N/);
    await refused("8/8", /shard index 8 is not below the number of shards 8/);
    await refused("0/0", /has 0 shards/);
    await refused("/4", /JOB_COMPLETION_INDEX is not set/);
    await refused("/4", /JOB_COMPLETION_INDEX is "x", not a number/, { JOB_COMPLETION_INDEX: "x" });
    // A Job with more completions than the N of --shard /N: the index came from Kubernetes, not the flag.
    await refused(
      "/4",
      /JOB_COMPLETION_INDEX is 5, not below the number of shards 4: the Job.s completions and parallelism must be the N of --shard \/N \(4\)/,
      { JOB_COMPLETION_INDEX: "5" },
    );
  });

  it("refuses more scroll slices of an index than a search cluster allows, saying what fits", async () => {
    assert.equal((await load("0/512")).slices, 2);
    assert.equal((await load("0/8", {}, ["--slices", "128"])).slices, 128);
    const refused = (shard: string, more: string[], pattern: RegExp) =>
      assert.rejects(load(shard, {}, more), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, pattern);
        return true;
      });
    // The default --slices 2 with 1,000 shards.
    await refused(
      "0/1000",
      [],
      /--slices 2 with --shard 0\/1000 .* 2000 scroll slices.* give --slices 1 or fewer/,
    );
    await refused(
      "3/8",
      ["--slices", "129"],
      /1032 scroll slices, more than the 1024.* give --slices 128 or fewer/,
    );
  });

  it("gives each shard its own state key", async () => {
    const keys = await Promise.all(["0/2", "1/2"].map(async (s) => stateKeyFor(await load(s))));
    const whole = stateKeyFor(
      await loadConfig({ flags: await parseRunFlags(["-k", "app", "-i", "app"]), env: {} }),
    );
    assert.equal(new Set([...keys, whole]).size, 3);
    assert.ok(
      keys.every((key) => key.startsWith(whole)),
      keys.join(", "),
    );
  });
});
