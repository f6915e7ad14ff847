// A document whose partition key is empty, tried as a new user would: Cassandra takes no row whose
// serialized partition key is empty (one text, varchar or ascii column holding ''), and one such document
// failed the whole run, plan and verify with "Key may not be empty", every time. It is now a dead
// letter saying so, and the run goes on. A partition key of several columns, all empty, is no empty
// key to Cassandra, and is synced.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, deadLetters, tableStats } from "../support/harness.js";

describe("documents with an empty partition key", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("emptypk");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.texts (a text, b int, tmstmp timestamp, v text, PRIMARY KEY ((a), b))`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.asciis (a ascii, b int, tmstmp timestamp, v text, PRIMARY KEY ((a), b))`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.pairs (a text, c varchar, b int, tmstmp timestamp, v text, ` +
        "PRIMARY KEY ((a, c), b))",
    );
    const prepared = await h.run(["-b", "0"]);
    assert.equal(prepared.code, EXIT.success, JSON.stringify(prepared.summary));
    const tmstmp = new Date().toISOString();
    for (const [table, id, key] of [
      ["texts", "|1", { a: "", b: 1 }],
      ["asciis", "|1", { a: "", b: 1 }],
      ["pairs", "||1", { a: "", c: "", b: 1 }],
    ] as const) {
      await h.es.index({
        index: `${h.index}-${table}`,
        id,
        document: { ...key, tmstmp, v: "empty partition key" },
        refresh: true,
      });
    }
  });
  after(() => h.cleanup());

  it("plans and verifies them without failing", async () => {
    const plan = await h.cli(["plan", ...h.baseArgs()]);
    assert.notEqual(plan.code, EXIT.failure, plan.stdout + plan.stderr);
    const verify = await h.cli(["verify", ...h.baseArgs(), "-b", "0"]);
    assert.notEqual(verify.code, EXIT.failure, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /Cassandra takes no empty partition key/);
  });

  it("dead-letters a single empty partition key with the reason, and syncs the rest", async () => {
    const { code, summary } = await h.run();
    assert.equal(code, EXIT.partial, JSON.stringify(summary));
    for (const table of ["asciis", "texts"]) {
      assert.equal(tableStats(summary, table, "to-cassandra")["deadLettered"], 1, table);
    }
    assert.equal(tableStats(summary, "pairs", "to-cassandra")["written"], 1);
    const letters = await deadLetters(summary);
    assert.deepEqual(letters.map((l) => l.table).sort(), ["asciis", "texts"]);
    for (const letter of letters) {
      assert.match(
        letter.reason,
        /field "a": .*Cassandra takes no empty partition key; give the field a value/,
      );
    }
    const rows = await h.cassandra.execute(`SELECT v FROM ${h.keyspace}.pairs WHERE a = '' AND c = ''`);
    assert.equal(rows.rows[0]?.["v"], "empty partition key");
  });
});
