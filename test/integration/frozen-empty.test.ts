// An empty frozen collection is a value of its own in Cassandra, apart from null, unlike an empty
// non-frozen one. On the real servers: it is written into the document as `[]` or `{}`, comes back
// from a document edited elsewhere as the empty value rather than null, and `synced verify` tells it
// from a missing field. Inside a frozen tuple or user-defined type too, and in a key, where (1, {})
// and (1, null) are two records.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";
import type { VerifyJson } from "../support/verify-json.js";

const PREPARED = { prepare: true } as const;
const { Uuid } = cassandra.types;

/** The columns that hold an empty value, as Cassandra's own JSON gives them, and as the document should. */
const EMPTIES = {
  nums: [],
  scores: {},
  tags: [],
  spot: [1, []],
  box: { items: [], name: "crate" },
  blank: {},
  // A field of a non-frozen user-defined type is frozen, and is a cell of its own.
  openbox: { items: [] },
};
const COLUMNS = Object.keys(EMPTIES).join(", ");
/** The same in a row, as Cassandra's JSON gives it: a user-defined type with every field named. */
const ROW = {
  ...EMPTIES,
  blank: { items: null, name: null },
  openbox: { items: [], name: null },
  loose: null,
};

describe("empty frozen collections", () => {
  let h: Harness;
  const fromCassandra = Uuid.random().toString();
  const fromSearch = Uuid.random().toString();
  const at = (secondsAgo: number): Date => new Date(Date.now() - secondsAgo * 1000);
  const index = (): string => `${h.index}-shelves`;
  const source = async (id: string): Promise<Record<string, unknown>> =>
    (await h.es.get<Record<string, unknown>>({ index: index(), id }))._source ?? {};
  /** The row as Cassandra's own JSON: an empty frozen collection `[]` or `{}`, a null one null. */
  const row = async (id: string): Promise<Record<string, unknown>> => {
    const result = await h.cassandra.execute(
      `SELECT JSON ${COLUMNS}, loose, note FROM ${h.keyspace}.shelves WHERE id = ?`,
      [id],
      PREPARED,
    );
    return JSON.parse(String(result.rows[0]?.get("[json]"))) as Record<string, unknown>;
  };
  const verify = async (): Promise<{ code: number; report: VerifyJson }> => {
    const result = await h.cli(["verify", ...h.baseArgs(), "--json"]);
    return { code: result.code, report: JSON.parse(result.stdout) as VerifyJson };
  };

  before(async () => {
    h = await Harness.create("frozenempty");
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.crate (name text, items frozen<list<int>>)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.shelves (id uuid PRIMARY KEY, tmstmp timestamp, note text, ` +
        "nums frozen<list<int>>, scores frozen<map<text, int>>, tags frozen<set<text>>, " +
        "spot frozen<tuple<int, frozen<list<int>>>>, box frozen<crate>, blank frozen<crate>, openbox crate, loose list<int>)",
    );
  });
  after(() => h.cleanup());

  it("writes an empty frozen collection into the document, and back into Cassandra after an edit", async () => {
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.shelves (id, tmstmp, note, ${COLUMNS}, loose) ` +
        "VALUES (?, ?, 'first', [], {}, {}, (1, []), {name: 'crate', items: []}, {name: null}, {items: []}, [])",
      [fromCassandra, at(120)],
      PREPARED,
    );
    const first = await h.run();
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const doc = await source(fromCassandra);
    assert.deepEqual(
      Object.fromEntries(Object.keys(EMPTIES).map((column) => [column, doc[column]])),
      EMPTIES,
      JSON.stringify(doc),
    );
    // An empty non-frozen list is no value in Cassandra: the document has no field.
    assert.equal(Object.hasOwn(doc, "loose"), false, JSON.stringify(doc));

    // Another application edits one field of the document, newer than the row.
    await h.es.index({
      index: index(),
      id: fromCassandra,
      document: { ...doc, note: "edited", tmstmp: at(5).toISOString() },
      refresh: true,
    });
    const back = await h.run();
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal(tableStats(back.summary, "shelves", "to-cassandra")["written"], 1);
    assert.deepEqual(await row(fromCassandra), { ...ROW, note: "edited" });

    const rerun = await h.run(["-b", "0"]);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("writes a document's empty frozen collections into Cassandra as empty, and its empty list as null", async () => {
    await h.es.index({
      index: index(),
      id: fromSearch,
      document: { id: fromSearch, tmstmp: at(30).toISOString(), note: "from search", ...EMPTIES, loose: [] },
      refresh: true,
    });
    const result = await h.run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "shelves", "to-cassandra")["written"], 1);
    assert.deepEqual(await row(fromSearch), { ...ROW, note: "from search" });

    const rerun = await h.run(["-b", "0"]);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("tells an empty frozen collection from a missing field in verify", async () => {
    await h.refresh();
    const equal = await verify();
    assert.equal(equal.code, EXIT.success, JSON.stringify(equal.report));

    // The same version without the empty list: a copy that lost a value, not the same record.
    const doc = await source(fromCassandra);
    delete doc["nums"];
    await h.es.index({ index: index(), id: fromCassandra, document: doc, refresh: true });
    const differ = await verify();
    assert.equal(differ.code, EXIT.differ, JSON.stringify(differ.report));
    assert.deepEqual(
      differ.report.sides.map((side) => [side.side, side.differing.map((d) => d.id)]),
      [
        ["cassandra", [fromCassandra]],
        ["elasticsearch", [fromCassandra]],
      ],
    );

    // The row holds the value the copy lacks, so a run copies it over rather than nulling the row.
    const run = await h.run(["-b", "0"]);
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.equal(tableStats(run.summary, "shelves", "to-es")["written"], 1, JSON.stringify(run.summary));
    assert.deepEqual((await source(fromCassandra))["nums"], []);
    assert.deepEqual((await row(fromCassandra))["nums"], []);
  });
});

describe("keys holding an empty frozen collection", () => {
  let h: Harness;
  const ids = ["acme|[1,[]]", "acme|[1,null]", "acme|[1,[2]]"];
  /** Each row's key and body, as Cassandra's own JSON gives them. */
  const bodies = async (): Promise<string[]> => {
    const rows = await h.cassandra.execute(
      `SELECT JSON spot, body FROM ${h.keyspace}.spots WHERE tenant = 'acme'`,
    );
    return rows.rows
      .map((r) => JSON.parse(String(r.get("[json]"))) as { spot: unknown; body: string })
      .map((r) => `${JSON.stringify(r.spot)} ${r.body}`)
      .sort();
  };

  before(async () => {
    h = await Harness.create("emptykey");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.spots (tenant text, spot frozen<tuple<int, frozen<set<int>>>>, ` +
        "tmstmp timestamp, body text, PRIMARY KEY ((tenant), spot))",
    );
  });
  after(() => h.cleanup());

  it("keeps (1, {}) and (1, null) apart as two records, both ways", async () => {
    const old = new Date(Date.now() - 60_000);
    for (const [spot, body] of [
      ["(1, {})", "empty"],
      ["(1, null)", "none"],
      ["(1, {2})", "two"],
    ]) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.spots (tenant, spot, tmstmp, body) VALUES ('acme', ${spot}, ?, ?)`,
        [old, body],
        PREPARED,
      );
    }
    const first = await h.run();
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal(tableStats(first.summary, "spots", "to-es")["written"], 3, JSON.stringify(first.summary));
    const docs = await Promise.all(
      ids.map(
        async (id) => (await h.es.get<Record<string, unknown>>({ index: `${h.index}-spots`, id }))._source,
      ),
    );
    assert.deepEqual(
      docs.map((doc) => [doc?.["spot"], doc?.["body"]]),
      [
        [[1, []], "empty"],
        [[1, null], "none"],
        [[1, [2]], "two"],
      ],
    );

    // Each document edited elsewhere lands on its own row.
    for (const [i, id] of ids.entries()) {
      await h.es.index({
        index: `${h.index}-spots`,
        id,
        document: { ...docs[i], body: `edited ${i}`, tmstmp: new Date(Date.now() - 5_000).toISOString() },
      });
    }
    await h.refresh();
    const back = await h.run();
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal(
      tableStats(back.summary, "spots", "to-cassandra")["written"],
      3,
      JSON.stringify(back.summary),
    );
    assert.deepEqual(await bodies(), ["[1,[2]] edited 2", "[1,[]] edited 0", "[1,null] edited 1"]);

    const rerun = await h.run(["-b", "0"]);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });
});

describe("empty frozen collections inside a collection", () => {
  let h: Harness;
  const fromCassandra = Uuid.random().toString();
  const fromSearch = Uuid.random().toString();
  /** Each column's empty value nested in a collection: a map's value and key, a list's, a set's, a tuple's. */
  const NESTED = {
    lists: { a: [], b: [1] },
    stacks: [[], [2]],
    // A set sorted by its elements' JSON, as every set is.
    bags: [{ x: 1 }, {}],
    names: { "[]": "none", "[3]": "three" },
    pair: [1, [[]]],
  };
  const COLUMNS = Object.keys(NESTED).join(", ");
  const index = (): string => `${h.index}-nests`;
  const source = async (id: string): Promise<Record<string, unknown>> =>
    (await h.es.get<Record<string, unknown>>({ index: index(), id }))._source ?? {};
  const row = async (id: string): Promise<Record<string, unknown>> => {
    const result = await h.cassandra.execute(
      `SELECT JSON ${COLUMNS} FROM ${h.keyspace}.nests WHERE id = ?`,
      [id],
      PREPARED,
    );
    return JSON.parse(String(result.rows[0]?.get("[json]"))) as Record<string, unknown>;
  };

  before(async () => {
    h = await Harness.create("nestempty");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.nests (id uuid PRIMARY KEY, tmstmp timestamp, note text, ` +
        "lists map<text, frozen<list<int>>>, stacks list<frozen<list<int>>>, " +
        "bags set<frozen<map<text, int>>>, names map<frozen<list<int>>, text>, " +
        "pair frozen<tuple<int, frozen<list<frozen<list<int>>>>>>)",
    );
  });
  after(() => h.cleanup());

  it("copies a row's empty collections nested in collections into the document", async () => {
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.nests (id, tmstmp, note, ${COLUMNS}) VALUES (?, ?, 'row', ` +
        "{'a': [], 'b': [1]}, [[], [2]], {{}, {'x': 1}}, {[]: 'none', [3]: 'three'}, (1, [[]]))",
      [fromCassandra, new Date(Date.now() - 60_000)],
      PREPARED,
    );
    const run = await h.run();
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.equal(tableStats(run.summary, "nests", "to-es")["written"], 1, JSON.stringify(run.summary));
    const doc = await source(fromCassandra);
    assert.deepEqual(Object.fromEntries(Object.keys(NESTED).map((c) => [c, doc[c]])), NESTED);
  });

  it("writes a document's empty collections nested in collections into Cassandra", async () => {
    await h.es.index({
      index: index(),
      id: fromSearch,
      document: {
        id: fromSearch,
        tmstmp: new Date(Date.now() - 30_000).toISOString(),
        note: "doc",
        ...NESTED,
      },
      refresh: true,
    });
    const run = await h.run();
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.equal(tableStats(run.summary, "nests", "to-cassandra")["written"], 1, JSON.stringify(run.summary));
    assert.deepEqual(await row(fromSearch), await row(fromCassandra));
  });

  it("finds both sides equal in verify, and a rerun writes nothing", async () => {
    await h.refresh();
    const verify = await h.cli(["verify", ...h.baseArgs(), "--json"]);
    assert.equal(verify.code, EXIT.success, verify.stdout);
    const rerun = await h.run(["-b", "0"]);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });
});
