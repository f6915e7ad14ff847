// After a sharded backfill (--shard i/N), its rejected records wait under each shard's key. The
// unsharded job of the same configuration counted only its own key's letters: it exited 0 and said
// nothing while they waited, and dead-letters list without --shard showed none.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { lettersUnderOtherShardings } from "../../src/cli/sharded-letters.js";
import { renderSummary, summaryJson } from "../../src/cli/summary.js";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { thingsLetter } from "../support/letters.js";
import { runReport } from "../support/run-report.js";
import { runSynced } from "../support/cli.js";
import { EXIT } from "../../src/cli/exit-codes.js";

describe("letters waiting under another shard count's keys", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "synced-sharded-letters-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("are counted and named with the --shard that reaches them by the unsharded run", async () => {
    const state = await FileStateStore.open({ directory: root });
    const base = "app.app.0123abcd";
    for (const key of [base, `${base}.shard-0-of-2`, `${base}.shard-1-of-2`, "other.app.0123abcd"])
      await state.setCheckpoint(key, 1n, "run-0");
    const letters = (key: string) => new FileDeadLetterStore(join(root, `${key}.dead-letters.ndjson`));
    await letters(`${base}.shard-1-of-2`).put([
      thingsLetter(`${base}.shard-1-of-2`, "a"),
      thingsLetter(`${base}.shard-1-of-2`, "b"),
    ]);
    await letters("other.app.0123abcd").put([thingsLetter("other.app.0123abcd", "c")]);

    const found = await lettersUnderOtherShardings(state, base, (key) => letters(key).count(key));
    assert.deepEqual(found, [{ key: `${base}.shard-1-of-2`, shard: "1/2", waiting: 2 }]);

    const report = { ...runReport({ key: base }), deadLettersWaiting: 0, lettersElsewhere: found };
    const text = renderSummary(report);
    assert.match(
      text,
      /dead letters: 2 more wait under --shard 1\/2 of this configuration; see them with synced dead-letters list --shard 1\/2, replay them once fixed with synced dead-letters replay --shard 1\/2/,
    );
    assert.deepEqual((summaryJson(report)["deadLetters"] as Record<string, unknown>)["elsewhere"], [
      { key: `${base}.shard-1-of-2`, shard: "1/2", waiting: 2 },
    ]);
  });

  it("name the unsharded key for a sharded run, and nothing where none wait", async () => {
    const state = await FileStateStore.open({ directory: join(root, "two") });
    const base = "app.app.0123abcd";
    await state.setCheckpoint(base, 1n, "run-0");
    await state.setCheckpoint(`${base}.shard-0-of-3`, 1n, "run-0");
    const none = await lettersUnderOtherShardings(state, `${base}.shard-0-of-3`, () => Promise.resolve(0));
    assert.deepEqual(none, []);
    assert.doesNotMatch(renderSummary({ ...runReport({ key: base }), lettersElsewhere: none }), /more wait/);
    const one = await lettersUnderOtherShardings(state, `${base}.shard-0-of-3`, (key) =>
      Promise.resolve(key === base ? 1 : 0),
    );
    assert.deepEqual(one, [{ key: base, waiting: 1 }]);
    assert.match(
      renderSummary({ ...runReport({ key: `${base}.shard-0-of-3` }), lettersElsewhere: one }),
      /dead letters: 1 more waits under no --shard of this configuration; see them with synced dead-letters list,/,
    );
  });

  it("are shown by synced status under the configuration, with the --shard that reaches them", async () => {
    const dir = join(root, "status");
    const state = await FileStateStore.open({ directory: dir });
    const base = "app.app.0123abcd";
    for (const key of [base, `${base}.shard-0-of-2`, `${base}.shard-1-of-2`])
      await state.setCheckpoint(key, 1n, "run-0");
    const sharded = `${base}.shard-0-of-2`;
    await new FileDeadLetterStore(join(dir, `${sharded}.dead-letters.ndjson`)).put([
      thingsLetter(sharded, "a"),
      thingsLetter(sharded, "b"),
      thingsLetter(sharded, "c"),
    ]);

    const shown = await runSynced(["status", "--state", dir], {}, 30_000);
    assert.equal(shown.code, EXIT.success, shown.stderr);
    const own = shown.stdout.split(`\n${base}\n`)[1]?.split("\n\n")[0] ?? "";
    assert.match(
      own,
      /dead letters: 3 more wait under --shard 0\/2 of this configuration; see them with synced dead-letters list --shard 0\/2/,
      shown.stdout,
    );
    const json = await runSynced(["status", "--state", dir, "--json"], {}, 30_000);
    const configurations = (JSON.parse(json.stdout) as { configurations: Record<string, unknown>[] })
      .configurations;
    assert.deepEqual(configurations.find((c) => c["key"] === base)?.["lettersElsewhere"], [
      { key: sharded, shard: "0/2", waiting: 3 },
    ]);
  });
});
