// A table whose index exists but whose timestamp field cannot give versions: not mapped at all (an
// index made ahead with its settings only, `PUT app-users`) or mapped as something other than a date.
// Tried as an operator would, such a table was skipped with exit 0 while the other tables were
// synced, so the checkpoint moved past its rows: once the mapping was mended, no incremental run
// covered them again. Now the table is refused (exit 1, the checkpoint stays) with what to do.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness, tableStats } from "../support/harness.js";

describe("a table whose index cannot give versions", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("indextime");
    for (const table of ["bare", "worded", "plain"]) await h.tableWithRow(table);
    await h.es.indices.create({ index: `${h.index}-bare`, settings: { number_of_replicas: 0 } });
    await h.es.indices.create({
      index: `${h.index}-worded`,
      mappings: { properties: { tmstmp: { type: "keyword" } } },
    });
  });
  after(() => h.cleanup());

  it("refuses it, saying what to do, syncs the others and keeps the checkpoint", async () => {
    const { code, summary } = await h.run(["--name", "timed"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(refused.map((r) => r.name).sort(), ["bare", "worded"]);
    const reason = (name: string): string => refused.find((r) => r.name === name)?.reason ?? "";
    assert.match(reason("bare"), new RegExp(`index ${h.index}-bare maps no field 'tmstmp'`));
    assert.match(
      reason("bare"),
      new RegExp(
        `PUT ${h.index}-bare/_mapping \\{"properties": \\{"tmstmp": \\{"type": "date_nanos"\\}\\}\\}`,
      ),
    );
    assert.match(reason("worded"), new RegExp(`index ${h.index}-worded maps field 'tmstmp' as keyword`));
    assert.match(reason("worded"), /tables\.worded\.index/);
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
    assert.equal((await h.es.count({ index: `${h.index}-bare` })).count, 0);
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("timed"), undefined);
  });
});
