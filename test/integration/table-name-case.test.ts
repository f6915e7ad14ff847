// Two tables whose names differ only in case (`"Users"` and `users`, made with a quoted name): tried
// as an operator would, synced synced one of them, said nothing of the other, and moved the
// checkpoint past its rows. Index names are lowercase, and synced names a table's index, its config
// file settings and its --tables entry by its name in lowercase, so the two cannot be told apart:
// both are refused, naming each other, and the run's other tables are synced.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness, tableStats } from "../support/harness.js";

describe("tables whose names differ only in case", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("namecase");
    for (const table of ['"Users"', "users", "orders"]) await h.tableWithRow(table);
  });
  after(() => h.cleanup());

  it("refuses both, naming each other, and syncs the other tables", async () => {
    const { code, summary } = await h.run(["-b", "0", "--name", "twins"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(refused.map((r) => r.name).sort(), ["Users", "users"]);
    for (const { reason } of refused) assert.match(reason, /tables Users and users differ only in case/);
    assert.equal(tableStats(summary, "orders", "to-es")["written"], 1);
    await h.es.indices.refresh({ index: `${h.index}-orders` });
    assert.equal((await h.es.count({ index: `${h.index}-orders` })).count, 1);
    assert.equal(await h.es.indices.exists({ index: `${h.index}-users` }), false, "no index for either");
    assert.equal(await new FileStateStore({ directory: h.stateDir }).getCheckpoint("twins"), undefined);
  });
});
