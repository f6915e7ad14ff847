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

// A user-defined type's field named `__proto__`, tried as an attacker would: the driver decoded a UDT
// into a plain object by assignment, which `__proto__` does not take, so the field's value never
// reached the index, and two keys of a frozen UDT that differ only there were one `_id`.
describe("a user-defined type with a field named __proto__", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("protofield");
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.inner_t (n int)`);
    await h.cassandra.execute(
      `CREATE TYPE ${h.keyspace}.odd ("__proto__" text, "constructor" int, inner frozen<inner_t>, ok text)`,
    );
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.nest ("__proto__" frozen<inner_t>, ok text)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.held (id text PRIMARY KEY, tmstmp timestamp, e frozen<odd>, n nest)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.keyed (k frozen<odd> PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    const written = new Date(Date.now() - 60_000);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.held (id, tmstmp, e, n) VALUES (?, ?, ?, ?)`,
      // A computed key makes an own property; a literal `__proto__:` would set the prototype instead.
      [
        "r1",
        written,
        { ["__proto__"]: "p", constructor: 3, inner: { n: 1 }, ok: "k" },
        { ["__proto__"]: { n: 7 }, ok: "o" },
      ],
      PREPARED,
    );
    for (const [proto, name] of [
      ["a", "first"],
      ["b", "second"],
    ] as const) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.keyed (k, tmstmp, name) VALUES ({"__proto__": '${proto}', ok: 'same'}, ?, ?)`,
        [written, name],
        PREPARED,
      );
    }
  });
  after(() => h.cleanup());

  it("copies the field's value into the index, and keeps keys apart by it", async () => {
    const first = await h.run(["-b", "0"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal(tableStats(first.summary, "keyed", "to-es")["written"], 2);
    await h.refresh();

    const held = await h.es.get({ index: `${h.index}-held`, id: "r1" });
    const source = held._source as { e?: object; n?: object };
    assert.deepEqual(Object.entries(source.e ?? {}), [
      ["__proto__", "p"],
      ["constructor", 3],
      ["inner", { n: 1 }],
      ["ok", "k"],
    ]);
    assert.deepEqual(Object.entries(source.n ?? {}), [
      ["__proto__", { n: 7 }],
      ["ok", "o"],
    ]);
    const ids = await h.es.search({ index: `${h.index}-keyed`, query: { match_all: {} } });
    const names = ids.hits.hits.map((hit) => [hit._id, (hit._source as { name: string }).name]).sort();
    assert.deepEqual(names, [
      ['{"__proto__":"a","ok":"same"}', "first"],
      ['{"__proto__":"b","ok":"same"}', "second"],
    ]);

    const verify = await h.cli(["verify", ...h.baseArgs(), "-b", "0"]);
    assert.equal(verify.code, EXIT.success, verify.stdout + verify.stderr);
  });
});
