// Columns named as the members every JavaScript object inherits (`constructor`, `toString`,
// `valueOf`, `hasOwnProperty`), tried as a new user would: a row or document without a value for
// such a column read the inherited function and was dead-lettered from the second run on, and a
// `hasOwnProperty` column holding a value stopped every run. Each is now a column like any other.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const PREPARED = { prepare: true } as const;

describe("columns named as members of every object", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("protonames");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.inherited (id text PRIMARY KEY, tmstmp timestamp, constructor text, ` +
        `"toString" text, "valueOf" int, "hasOwnProperty" text, get text, name text)`,
    );
    const written = new Date(Date.now() - 60_000);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.inherited (id, tmstmp, name) VALUES (?, ?, ?)`,
      ["bare", written, "none of them"],
      PREPARED,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.inherited (id, tmstmp, "hasOwnProperty", get, name) VALUES (?, ?, ?, ?, ?)`,
      ["own", written, "held", "got", "some of them"],
      PREPARED,
    );
  });
  after(() => h.cleanup());

  it("syncs rows and documents with and without those values, run after run, and verifies them", async () => {
    const first = await h.run(["-b", "0"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal(tableStats(first.summary, "inherited", "to-es")["written"], 2);
    await h.refresh();
    await h.es.index({
      index: `${h.index}-inherited`,
      id: "doc",
      document: { id: "doc", tmstmp: new Date().toISOString(), name: "from the index" },
      refresh: true,
    });

    for (const run of [1, 2]) {
      const again = await h.run();
      assert.equal(again.code, EXIT.success, `run ${run}: ${JSON.stringify(again.summary)}`);
      for (const direction of ["to-es", "to-cassandra"]) {
        const stats = tableStats(again.summary, "inherited", direction);
        assert.equal(stats["deadLettered"] ?? 0, 0, `run ${run} ${direction}: ${JSON.stringify(stats)}`);
      }
      await h.refresh();
    }
    const rows = await h.cassandra.execute(
      `SELECT id, constructor, "hasOwnProperty", get, name FROM ${h.keyspace}.inherited`,
    );
    const byId = new Map(rows.rows.map((row) => [String(row["id"]), row]));
    assert.equal(byId.get("doc")?.["name"], "from the index");
    assert.equal(byId.get("doc")?.["constructor"], null);
    const own = await h.es.get({ index: `${h.index}-inherited`, id: "own" });
    const fields = new Map(Object.entries(own._source as object));
    assert.deepEqual([fields.get("hasOwnProperty"), fields.get("get")], ["held", "got"]);

    const verify = await h.cli(["verify", ...h.baseArgs(), "-b", "0"]);
    assert.equal(verify.code, EXIT.success, verify.stdout + verify.stderr);
  });
});
