// The test command's check that tests leave nothing behind, run on a throw-away repository.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("../../../scripts/working-tree.sh", import.meta.url));

async function check(root: string, snapshot: string): Promise<{ code: number; stderr: string }> {
  try {
    await run("bash", [SCRIPT, "check", snapshot], { env: { ...process.env, SYNCED_TREE_ROOT: root } });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? "" };
  }
}

describe("the working-tree check of the test command", () => {
  let root: string;
  let snapshot: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "tree-check-"));
    snapshot = join(root, "..", `${root.split("/").at(-1) ?? "x"}.snapshot`);
    await run("git", ["init", "-q", root]);
    await writeFile(join(root, ".gitignore"), "state/*\ndist/\n");
    await mkdir(join(root, "dist"));
    await writeFile(join(root, "dist", "main.js"), "built\n");
    await writeFile(join(root, "before.txt"), "there before the tests\n");
    await run("bash", [SCRIPT, "snapshot", snapshot], { env: { ...process.env, SYNCED_TREE_ROOT: root } });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(snapshot, { force: true });
  });

  it("passes when the tests added nothing, whatever was there before and whatever was built", async () => {
    await writeFile(join(root, "dist", "other.js"), "built during the tests\n");
    assert.deepEqual(await check(root, snapshot), { code: 0, stderr: "" });
  });

  it("fails and names a file left behind, even one that .gitignore hides", async () => {
    await mkdir(join(root, "state"));
    await writeFile(join(root, "state", "key.dead-letters.ndjson"), "{}\n");
    await mkdir(join(root, "es:runs_x-state"));
    await writeFile(join(root, "es:runs_x-state", "checkpoint.json"), "{}\n");
    const result = await check(root, snapshot);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /state\/key\.dead-letters\.ndjson/);
    assert.match(result.stderr, /es:runs_x-state\/checkpoint\.json/);
  });
});
