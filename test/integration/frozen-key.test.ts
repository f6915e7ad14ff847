// Tables keyed by frozen values: a tuple in the clustering key, a set and a user-defined type as
// clustering columns of a versioned table, a map as the whole key. Synced both ways on the real
// servers under README's `_id` (the value's canonical JSON), with the key as typed fields; a document
// whose set elements or object keys another application wrote in another order is the same record.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";

const PREPARED = { prepare: true } as const;
const { Tuple } = cassandra.types;

const SPOT_ID = 'acme|[7,"north%7Ceast"]';
const TAGGED_ID = 'acme|["a","b","é"]|{"city":"Oslo","zip":150}';
const LABELLED_ID = '{"a":1,"b":2}';

describe("tables keyed by frozen values", () => {
  let h: Harness;
  const at = (secondsAgo: number): Date => new Date(Date.now() - secondsAgo * 1000);
  const source = async (table: string, id: string): Promise<Record<string, unknown> | undefined> =>
    (await h.es.get<Record<string, unknown>>({ index: `${h.index}-${table}`, id }))._source;
  const count = async (table: string): Promise<number> => {
    await h.refresh();
    return (await h.es.count({ index: `${h.index}-${table}` })).count;
  };

  before(async () => {
    h = await Harness.create("frozenkey");
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.place (city text, zip int)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.spots (tenant text, spot frozen<tuple<int, text>>, tmstmp timestamp, ` +
        "name text, deleted boolean, PRIMARY KEY ((tenant), spot))",
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.tagged (tenant text, tags frozen<set<text>>, place frozen<place>, ` +
        "tmstmp timeuuid, body text, PRIMARY KEY ((tenant), tags, place, tmstmp))",
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.labelled (labels frozen<map<text, int>> PRIMARY KEY, tmstmp timestamp, v text)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.measured (tenant text, reading frozen<tuple<int, double>>, ` +
        "tmstmp timestamp, PRIMARY KEY ((tenant), reading))",
    );
  });
  after(() => h.cleanup());

  it("copies each frozen key to the search side under its JSON _id, with the key as typed fields", async () => {
    const old = at(120);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.spots (tenant, spot, tmstmp, name) VALUES (?, ?, ?, ?)`,
      ["acme", Tuple.fromArray([7, "north|east"]), old, "pier"],
      PREPARED,
    );
    // Bound in another order than Cassandra keeps the set in: the row is one all the same.
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.tagged (tenant, tags, place, tmstmp, body) VALUES (?, ?, ?, now(), ?)`,
      ["acme", ["é", "b", "a"], { zip: 150, city: "Oslo" }, "first"],
      PREPARED,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.labelled (labels, tmstmp, v) VALUES ({'b': 2, 'a': 1}, ?, 'two labels')`,
      [old],
      PREPARED,
    );

    const first = await h.run();
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    for (const table of ["spots", "tagged", "labelled"]) {
      assert.equal(
        tableStats(first.summary, table, "to-es")["written"],
        1,
        `${table}: ${JSON.stringify(first.summary)}`,
      );
    }
    const skipped = first.summary["skipped"] as { name: string; reason: string }[];
    assert.match(
      skipped.find((s) => s.name === "measured")?.reason ?? "",
      /key column 'reading' is frozen<tuple<int, double>>: its double/,
      JSON.stringify(skipped),
    );

    const spot = await source("spots", SPOT_ID);
    assert.deepEqual([spot?.["tenant"], spot?.["spot"], spot?.["name"]], ["acme", [7, "north|east"], "pier"]);
    const tagged = await source("tagged", TAGGED_ID);
    assert.deepEqual(
      [tagged?.["tags"], tagged?.["place"], tagged?.["body"]],
      [["a", "b", "é"], { city: "Oslo", zip: 150 }, "first"],
    );
    // The index synced creates maps a frozen key field as it maps such a column: searchable by element.
    await h.refresh();
    const found = await h.es.search({
      index: `${h.index}-tagged`,
      query: { bool: { filter: [{ term: { "tags.keyword": "é" } }, { term: { "place.zip": 150 } }] } },
    });
    assert.deepEqual(
      found.hits.hits.map((hit) => hit._id),
      [TAGGED_ID],
    );
    const labelled = await source("labelled", LABELLED_ID);
    assert.deepEqual([labelled?.["labels"], labelled?.["v"]], [{ a: 1, b: 2 }, "two labels"]);

    const rerun = await h.run(["-b", "0"]);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("writes a document whose set elements and object keys are in another order into the same row", async () => {
    await h.es.index({
      index: `${h.index}-tagged`,
      id: TAGGED_ID,
      document: {
        tenant: "acme",
        tags: ["é", "a", "b"],
        place: { zip: 150, city: "Oslo" },
        // Newer than the version row the first test wrote with now().
        tmstmp: new Date().toISOString(),
        body: "edited elsewhere",
      },
    });
    await h.es.index({
      index: `${h.index}-labelled`,
      id: LABELLED_ID,
      document: { labels: { b: 2, a: 1 }, tmstmp: at(5).toISOString(), v: "relabelled" },
    });
    // A record only the search side has, its key fields in an order of the application's own.
    await h.es.index({
      index: `${h.index}-labelled`,
      id: '{"x":3,"y":4}',
      document: { labels: { y: 4, x: 3 }, tmstmp: at(5).toISOString(), v: "new" },
    });
    await h.refresh();

    const result = await h.run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "tagged", "to-cassandra")["written"], 1);
    assert.equal(tableStats(result.summary, "labelled", "to-cassandra")["written"], 2);

    const versions = await h.cassandra.execute(
      `SELECT tags, place, body FROM ${h.keyspace}.tagged WHERE tenant = 'acme'`,
    );
    // One record: the document's version is a newer row of the same key.
    assert.deepEqual(
      new Set(
        versions.rows.map((r) =>
          JSON.stringify([Array.from(r.get("tags") as Iterable<string>), r.get("place")]),
        ),
      ),
      new Set([JSON.stringify([["a", "b", "é"], { city: "Oslo", zip: 150 }])]),
    );
    const newest = await h.cassandra.execute(
      `SELECT body FROM ${h.keyspace}.tagged WHERE tenant = 'acme' AND tags = {'a', 'b', 'é'} ` +
        "AND place = {city: 'Oslo', zip: 150} ORDER BY tags DESC, place DESC, tmstmp DESC LIMIT 1",
    );
    assert.equal(newest.rows[0]?.get("body"), "edited elsewhere");
    const labels = await h.cassandra.execute(`SELECT labels, v FROM ${h.keyspace}.labelled`);
    assert.deepEqual(labels.rows.map((r) => String(r.get("v"))).sort(), ["new", "relabelled"]);
    assert.equal(await count("tagged"), 1);
    assert.equal(await count("labelled"), 2);

    const rerun = await h.run(["-b", "0"]);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("keeps an empty frozen set as a key of its own, both ways", async () => {
    const id = 'acme|[]|{"city":"Bergen","zip":5000}';
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.tagged (tenant, tags, place, tmstmp, body) ` +
        "VALUES ('acme', {}, {city: 'Bergen', zip: 5000}, now(), 'untagged')",
    );
    const first = await h.run();
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const doc = await source("tagged", id);
    assert.deepEqual([doc?.["tags"], doc?.["body"]], [[], "untagged"]);

    await h.es.index({
      index: `${h.index}-tagged`,
      id,
      document: { ...doc, tmstmp: new Date().toISOString(), body: "still untagged" },
    });
    await h.refresh();
    const back = await h.run();
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal(tableStats(back.summary, "tagged", "to-cassandra")["written"], 1);
    const newest = await h.cassandra.execute(
      `SELECT body FROM ${h.keyspace}.tagged WHERE tenant = 'acme' AND tags = {} ` +
        "AND place = {city: 'Bergen', zip: 5000} ORDER BY tags DESC, place DESC, tmstmp DESC LIMIT 1",
    );
    assert.equal(newest.rows[0]?.get("body"), "still untagged");
    const rerun = await h.run(["-b", "0"]);
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("lets the newer side win a conflict on a frozen key, either way", async () => {
    const east = Tuple.fromArray([8, "east"]);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.spots (tenant, spot, tmstmp, name) VALUES (?, ?, ?, ?)`,
      ["acme", east, at(90), "dock"],
      PREPARED,
    );
    const seeded = await h.run();
    assert.equal(seeded.code, EXIT.success, JSON.stringify(seeded.summary));

    // Changed on both sides: Cassandra is newer for the pier, the search side for the dock.
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.spots SET tmstmp = ?, name = ? WHERE tenant = ? AND spot = ?`,
      [at(10), "pier (cassandra)", "acme", Tuple.fromArray([7, "north|east"])],
      PREPARED,
    );
    await h.es.index({
      index: `${h.index}-spots`,
      id: SPOT_ID,
      document: { tenant: "acme", spot: [7, "north|east"], tmstmp: at(20).toISOString(), name: "pier (es)" },
    });
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.spots SET tmstmp = ?, name = ? WHERE tenant = ? AND spot = ?`,
      [at(20), "dock (cassandra)", "acme", east],
      PREPARED,
    );
    await h.es.index({
      index: `${h.index}-spots`,
      id: 'acme|[8,"east"]',
      document: { tenant: "acme", spot: ["8", "east"], tmstmp: at(10).toISOString(), name: "dock (es)" },
      refresh: true,
    });

    const result = await h.run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "spots", "to-es")["written"], 1, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "spots", "to-cassandra")["written"], 1);
    assert.equal((await source("spots", SPOT_ID))?.["name"], "pier (cassandra)");
    const dock = await h.cassandra.execute(
      `SELECT name FROM ${h.keyspace}.spots WHERE tenant = ? AND spot = ?`,
      ["acme", east],
      PREPARED,
    );
    assert.equal(dock.rows[0]?.get("name"), "dock (es)");
    assert.equal(await count("spots"), 2);

    const rerun = await h.run(["-b", "0"]);
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("carries a tombstone of a frozen key back to Cassandra", async () => {
    await h.es.index({
      index: `${h.index}-spots`,
      id: 'acme|[8,"east"]',
      document: { tenant: "acme", spot: [8, "east"], tmstmp: new Date().toISOString(), deleted: true },
      refresh: true,
    });
    const result = await h.run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const dock = await h.cassandra.execute(
      `SELECT deleted FROM ${h.keyspace}.spots WHERE tenant = ? AND spot = ?`,
      ["acme", Tuple.fromArray([8, "east"])],
      PREPARED,
    );
    assert.equal(dock.rows[0]?.get("deleted"), true);
  });

  it("writes by lightweight transaction too: a conditional update and a new version, by frozen key", async () => {
    const now = new Date().toISOString();
    await h.es.index({
      index: `${h.index}-spots`,
      id: SPOT_ID,
      document: { tenant: "acme", spot: [7, "north|east"], tmstmp: now, name: "pier (lwt)" },
    });
    await h.es.index({
      index: `${h.index}-tagged`,
      id: TAGGED_ID,
      document: {
        tenant: "acme",
        tags: ["b", "é", "a"],
        place: { city: "Oslo", zip: 150 },
        tmstmp: now,
        body: "by transaction",
      },
    });
    await h.es.index({
      index: `${h.index}-labelled`,
      id: '{"x":3,"y":4}',
      document: { labels: { x: 3, y: 4 }, tmstmp: now, v: "new (lwt)" },
    });
    await h.refresh();
    const result = await h.run(["--cassandra-writes", "lwt"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    for (const table of ["spots", "tagged", "labelled"]) {
      const stats = tableStats(result.summary, table, "to-cassandra");
      assert.deepEqual([stats["written"], stats["conflicts"]], [1, 0], `${table}: ${JSON.stringify(stats)}`);
    }
    const pier = await h.cassandra.execute(
      `SELECT name FROM ${h.keyspace}.spots WHERE tenant = ? AND spot = ?`,
      ["acme", Tuple.fromArray([7, "north|east"])],
      PREPARED,
    );
    assert.equal(pier.rows[0]?.get("name"), "pier (lwt)");
    const newest = await h.cassandra.execute(
      `SELECT body FROM ${h.keyspace}.tagged WHERE tenant = 'acme' AND tags = {'a', 'b', 'é'} ` +
        "AND place = {city: 'Oslo', zip: 150} ORDER BY tags DESC, place DESC, tmstmp DESC LIMIT 1",
    );
    assert.equal(newest.rows[0]?.get("body"), "by transaction");
    const labels = await h.cassandra.execute(
      `SELECT v FROM ${h.keyspace}.labelled WHERE labels = {'x': 3, 'y': 4}`,
    );
    assert.equal(labels.rows[0]?.get("v"), "new (lwt)");
    const rerun = await h.run(["-b", "0"]);
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("dead-letters a bad document by its frozen key, replays it, and plans by frozen ids", async () => {
    const id = 'acme|[9,"west"]';
    await h.es.index({
      index: `${h.index}-spots`,
      id,
      document: { tenant: "acme", spot: [9, "west"], tmstmp: at(5).toISOString(), name: ["not", "text"] },
      refresh: true,
    });
    const result = await h.run();
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const listed = await h.cli(["dead-letters", "list", ...h.baseArgs(), "--json"]);
    const letters = (JSON.parse(listed.stdout) as { letters: { id?: string; letterId: string }[] }).letters;
    const letter = letters.find((l) => l.id === id) ?? assert.fail(JSON.stringify(letters));

    await h.es.index({
      index: `${h.index}-spots`,
      id,
      document: { tenant: "acme", spot: [9, "west"], tmstmp: at(4).toISOString(), name: "shed" },
      refresh: true,
    });
    const replayed = await h.cli(["dead-letters", "replay", ...h.baseArgs(), "--letter", letter.letterId]);
    assert.equal(replayed.code, EXIT.success, replayed.stdout + replayed.stderr);
    const shed = await h.cassandra.execute(
      `SELECT name FROM ${h.keyspace}.spots WHERE tenant = ? AND spot = ?`,
      ["acme", Tuple.fromArray([9, "west"])],
      PREPARED,
    );
    assert.equal(shed.rows[0]?.get("name"), "shed");

    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.spots (tenant, spot, tmstmp, name) VALUES (?, ?, ?, ?)`,
      ["acme", Tuple.fromArray([10, "south"]), new Date(), "new"],
      PREPARED,
    );
    const out = await h.cli(["plan", ...h.baseArgs(), "--tables", "spots", "--json"]);
    assert.equal(out.code, EXIT.success, out.stderr);
    const plan = JSON.parse(out.stdout) as { decisions: { id: string; direction: string }[] };
    assert.ok(
      plan.decisions.some((d) => d.id === 'acme|[10,"south"]' && d.direction === "to-es"),
      JSON.stringify(plan.decisions),
    );
    const synced = await h.run();
    assert.equal(synced.code, EXIT.success, JSON.stringify(synced.summary));
  });

  it("verifies both sides equal, and finds and repairs a difference by its frozen key", async () => {
    const verify = async (extra: readonly string[] = []): Promise<{ code: number; outcome: string }> => {
      const out = await h.cli(["verify", ...h.baseArgs(), "-b", "0", "--json", ...extra]);
      assert.ok(out.stdout.length > 0, out.stderr);
      return { code: out.code, outcome: (JSON.parse(out.stdout) as { outcome: string }).outcome };
    };
    assert.equal((await verify()).outcome, "equal");

    // An out-of-band change on the search side, dated before every row.
    await h.es.index({
      index: `${h.index}-labelled`,
      id: LABELLED_ID,
      document: { labels: { a: 1, b: 2 }, tmstmp: "2001-01-01T00:00:00.000Z", v: "stale" },
      refresh: true,
    });
    assert.notEqual((await verify()).outcome, "equal");
    const repaired = await verify(["--repair"]);
    assert.equal(repaired.code, EXIT.success);
    await h.refresh();
    assert.equal((await verify()).outcome, "equal");
    assert.equal((await source("labelled", LABELLED_ID))?.["v"], "relabelled");
  });
});
