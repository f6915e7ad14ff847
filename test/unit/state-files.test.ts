// Every file synced writes in a state directory (checkpoints, leases, run history, dead letters and the
// temporary files renamed over them) is readable by its owner only, since letters hold whole records,
// and no link planted where one of them belongs is followed: reading, appending or replacing through
// it would read or write whatever file it points at.
import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";
import { thingsLetter } from "../support/letters.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import type { RunRecord } from "../../src/state/state-store.js";
import { appendToRegularFile, NotAFileError, readRegularFile } from "../../src/util/regular-file.js";

const TARGET_TEXT = "not synced's to read or write\n";

async function modesUnder(directory: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>();
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    modes.set(path.slice(directory.length + 1), (await lstat(path)).mode & 0o777);
  }
  return modes;
}

function letter(key: string, id: string) {
  return thingsLetter(key, id, { fields: { secret: "whole record" } });
}

function run(key: string): RunRecord {
  return {
    runId: "run-1",
    key,
    begin: 0n,
    end: 1000n,
    startedAt: new Date(0),
    finishedAt: new Date(1),
    durationMs: 1,
    outcome: "success",
    counts: {},
  };
}

describe("files in the state directory", () => {
  let root: string;
  let target: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "synced-state-files-"));
    target = join(root, "elsewhere.txt");
    await writeFile(target, TARGET_TEXT, { mode: 0o644 });
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("creates every state and letter file readable by its owner only", async () => {
    const directory = join(root, "modes");
    const state = await FileStateStore.open({ directory });
    await state.setCheckpoint("app", 1000n, "run-1");
    await state.appendRun(run("app"));
    const lease = await state.acquireLease("app", "run-1", "here:1", 60_000);
    assert.ok(lease.acquired);
    await state.releaseLease(lease.lease);
    const letters = new FileDeadLetterStore(join(directory, "app.dead-letters.ndjson"));
    await letters.put([letter("app", "a"), letter("app", "b")]);
    await letters.remove("app", [letter("app", "a").letterId]);

    const modes = await modesUnder(directory);
    assert.deepEqual(
      [...modes.keys()].sort().map((name) => name.replace(/\d{15}-/, "<ms>-")),
      [
        "app.dead-letters.ndjson",
        "app/checkpoint.json",
        "app/lease/1.json",
        "app/lease/2.json",
        "app/runs/<ms>-run-1.json",
      ],
    );
    for (const [name, mode] of modes) assert.equal(mode.toString(8), "600", name);
  });

  it("refuses to read or append through a link, and leaves its target alone", async () => {
    const link = join(root, "link.ndjson");
    await symlink(target, link);
    await assert.rejects(readRegularFile(link), (error: unknown) => {
      assert.ok(error instanceof NotAFileError);
      assert.match(error.message, /link\.ndjson is a symbolic link, not a regular file/);
      return true;
    });
    await assert.rejects(appendToRegularFile(link, "letter\n"), /link\.ndjson is a symbolic link/);
    assert.equal(await readFile(target, "utf8"), TARGET_TEXT);
    // Files named by options, such as a Kubernetes Secret mounted through links, are followed.
    assert.equal(await readRegularFile(link, { followLinks: true }), TARGET_TEXT);
  });

  it("never writes dead letters through a link planted at the letters' file", async () => {
    const directory = join(root, "planted-letters");
    await mkdir(directory);
    const path = join(directory, "app.dead-letters.ndjson");
    await symlink(target, path);
    const letters = new FileDeadLetterStore(path);
    await assert.rejects(letters.put([letter("app", "a")]), /app\.dead-letters\.ndjson is a symbolic link/);
    await assert.rejects(letters.count("app"), /is a symbolic link/);
    await assert.rejects(letters.remove("app", ["x"]), /is a symbolic link/);
    assert.equal(await readFile(target, "utf8"), TARGET_TEXT);
  });

  it("never reads or writes a checkpoint, lease or run through a planted link", async () => {
    const directory = join(root, "planted-state");
    const state = await FileStateStore.open({ directory });
    await mkdir(join(directory, "app", "lease"), { recursive: true });
    await mkdir(join(directory, "app", "runs"), { recursive: true });
    await symlink(target, join(directory, "app", "checkpoint.json"));
    await symlink(target, join(directory, "app", "lease", "1.json"));
    await symlink(target, join(directory, "app", "runs", "000000000000001-run-0.json"));
    await assert.rejects(state.getCheckpoint("app"), /checkpoint\.json is a symbolic link/);
    await assert.rejects(state.getLease("app"), /1\.json is a symbolic link/);
    await assert.rejects(state.recentRuns("app", 5), /run-0\.json is a symbolic link/);
    // Saving replaces the link itself, not the file it points at.
    await state.setCheckpoint("app", 5n, "run-1");
    assert.equal((await state.getCheckpoint("app"))?.position, 5n);
    assert.equal(await readFile(target, "utf8"), TARGET_TEXT);
    assert.equal((await lstat(target)).mode & 0o777, 0o644);
  });

  it("never quotes what a letters or checkpoint file that is not JSON holds, as it may be a secret", async () => {
    // A dead-letter option pointed at a password file, say: the parser's message quotes the text.
    const directory = join(root, "not-json");
    await mkdir(join(directory, "app"), { recursive: true });
    const path = join(directory, "secret.txt");
    await writeFile(path, "hunter2-password\n", { mode: 0o600 });
    const letters = new FileDeadLetterStore(path);
    await assert.rejects(letters.count("app"), (error: unknown) => {
      assert.match(String(error), /secret\.txt line 1: it is not valid JSON/);
      assert.doesNotMatch(String(error), /hunter2/);
      return true;
    });
    await writeFile(join(directory, "app", "checkpoint.json"), '{"position": hunter2}\n', { mode: 0o600 });
    const state = await FileStateStore.open({ directory });
    await assert.rejects(state.getCheckpoint("app"), (error: unknown) => {
      assert.match(String(error), /checkpoint\.json: it is not valid JSON \(an unexpected character\)/);
      assert.doesNotMatch(String(error), /hunter2/);
      return true;
    });
  });
});
