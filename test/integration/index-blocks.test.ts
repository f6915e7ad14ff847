// Blocks an operator sets on an index during maintenance (or a template gives it) refuse requests
// other than writes: index.blocks.read a count and a scan, index.blocks.metadata reading the
// mapping, index.blocks.read_only a new column's field. The cluster answers each with 403
// cluster_block_exception, as it does a missing privilege. Tried as an operator would, a run, a dry
// run, plan and verify each said the login's role lacked a privilege and to grant it, with exit 5:
// no role lifts a block. They now name the index, the block's setting and how to lift it, exit 1,
// and keep the checkpoint.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness } from "../support/harness.js";

/** What every message about a block must say, and must not. */
function assertNamesBlock(message: string, index: string, setting: string): void {
  assert.match(
    message,
    new RegExp(`index ${index} is blocked \\(${setting.replace(/\./g, "\\.")}\\)`),
    message,
  );
  assert.match(message, /a block set on the index, not a missing privilege/, message);
  assert.ok(message.includes(`PUT ${index}/_settings {"${setting}": null}`), message);
  assert.doesNotMatch(message, /role lacks|grant it/, message);
}

describe("an index block met by a request other than a write", () => {
  let h: Harness;
  let index: string;
  const name = "blocks";
  before(async () => {
    h = await Harness.create("idxblock");
    await h.tableWithRow("things");
    index = `${h.index}-things`;
    assert.equal((await h.run(["--name", name, "--tables", "things", "--create-tables"])).code, EXIT.success);
  });
  after(() => h.cleanup());

  /** Runs `body` with `setting` on the index, and lifts it after, whatever happens. */
  async function blocked(setting: string, body: () => Promise<void>): Promise<void> {
    await h.es.indices.putSettings({ index, settings: { [setting]: true } });
    try {
      await body();
    } finally {
      await h.es.indices.putSettings({ index, settings: { [setting]: null } });
    }
  }

  const checkpoint = async (): Promise<bigint | undefined> =>
    (await new FileStateStore({ directory: h.stateDir }).getCheckpoint(name))?.position;

  for (const setting of ["index.blocks.read", "index.blocks.metadata"]) {
    it(`names ${setting} in a run, a dry run, plan and verify, with exit 1, and keeps the checkpoint`, async () => {
      const kept = await checkpoint();
      await blocked(setting, async () => {
        // The mapping is read before the run starts (a metadata block stops it there), the documents
        // counted as it starts (a read block): both end as a stopped run does.
        const commands = [[], ["--dry-run"], ["plan"], ["verify"]];
        for (const command of commands) {
          const result = await h.cli([...command, ...h.baseArgs(), "--name", name, "--tables", "things"]);
          const said = result.stderr + result.stdout;
          assert.equal(result.code, EXIT.failure, said);
          assertNamesBlock(said, index, setting);
          // The advice names the command the user would repeat.
          const again =
            command[0] === "plan" || command[0] === "verify" ? `${command[0]} again` : "run again";
          assert.match(said, new RegExp(`then ${again}`), said);
        }
      });
      assert.equal(await checkpoint(), kept);
    });
  }

  it("refuses a table whose read-only index refuses a new column's field, naming the block", async () => {
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.things ADD extra text`);
    const kept = await checkpoint();
    await blocked("index.blocks.read_only", async () => {
      const run = await h.run(["--name", name, "--tables", "things"]);
      assert.equal(run.code, EXIT.failure, JSON.stringify(run.summary));
      const refused = run.summary["refused"] as { name: string; reason: string }[];
      assert.deepEqual(
        refused.map((r) => r.name),
        ["things"],
      );
      assertNamesBlock(refused[0]?.reason ?? "", index, "index.blocks.read_only");
    });
    assert.equal(await checkpoint(), kept);
  });
});
