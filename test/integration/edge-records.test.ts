// Records at the edges of what the stores hold: text that is not valid Unicode, which Cassandra's
// UTF-8 cannot keep, and versions dated before 1970, which a range starting at the epoch never sees.
// Each is synced or dead-lettered with its reason; none is rewritten on every run or left unseen.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { deadLetters, Harness, tableStats } from "../support/harness.js";
import type { VerifyJson } from "../support/verify-json.js";

const { Uuid } = cassandra.types;

describe("text that is not valid Unicode", () => {
  let h: Harness;
  const id = Uuid.random().toString();
  before(async () => {
    h = await Harness.create("unicode");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    assert.equal((await h.run()).code, EXIT.success);
    const at = new Date(Date.now() - 5_000).toISOString();
    // A lone surrogate: JSON can carry it escaped, UTF-8 cannot encode it.
    await h.es.index({
      index: `${h.index}-things`,
      id,
      document: { id, tmstmp: at, name: "bad\ud800x" },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  it("is dead-lettered with its reason, and never written, run after run", async () => {
    for (const run of [1, 2]) {
      const result = await h.run(["-b", "0", "--name", "unicode"]);
      assert.equal(result.code, EXIT.partial, `run ${run}: ${JSON.stringify(result.summary)}`);
      const stats = tableStats(result.summary, "things", "to-cassandra");
      assert.deepEqual([stats["written"], stats["deadLettered"]], [0, 1], `run ${run}`);
    }
    const letters = await deadLetters((await h.run(["-b", "0", "--name", "unicode"])).summary);
    assert.equal(letters.at(-1)?.id, id);
    assert.match(
      letters.at(-1)?.reason ?? "",
      /"name": the text is not valid Unicode: a lone surrogate \\ud800 at character 3/,
    );
    const rows = await h.cassandra.execute(`SELECT id FROM ${h.keyspace}.things WHERE id = ?`, [id], {
      prepare: true,
    });
    assert.equal(rows.rowLength, 0);
  });
});

describe("versions dated before 1970", () => {
  let h: Harness;
  const fromCassandra = Uuid.random().toString();
  const fromIndex = Uuid.random().toString();
  const intoNanos = Uuid.random().toString();
  const old = new Date("1960-01-01T00:00:00.123Z");

  before(async () => {
    h = await Harness.create("old");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.dates (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.nanos (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    // A `date` field holds 1960; the `date_nanos` that synced maps a new index with cannot.
    await h.es.indices.create({
      index: `${h.index}-dates`,
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, n: { type: "integer" } } },
    });
    const insert = (table: string, row: string, n: number) =>
      h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, ?)`,
        [row, old, n],
        {
          prepare: true,
        },
      );
    await insert("dates", fromCassandra, 1);
    await insert("nanos", intoNanos, 3);
    await h.es.index({
      index: `${h.index}-dates`,
      id: fromIndex,
      document: { id: fromIndex, tmstmp: old.toISOString(), n: 2 },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  it("are listed by verify without -b", async () => {
    const result = await h.cli(["verify", ...h.baseArgs(), "--tables", "dates", "--json"]);
    assert.equal(result.code, EXIT.differ, result.stderr);
    const report = JSON.parse(result.stdout) as VerifyJson;
    const ids = report.sides.flatMap((s) => s.differing.map((d) => d.id)).sort();
    assert.deepEqual(ids, [fromCassandra, fromIndex].sort());
  });

  it("are synced by a configuration's first run, or dead-lettered where the index cannot hold them", async () => {
    const result = await h.run(["--name", "old"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    assert.equal((result.summary["range"] as { begin: string }).begin, "0001-01-01T00:00:00.000000Z");
    assert.equal(tableStats(result.summary, "dates", "to-es")["written"], 1);
    assert.equal(tableStats(result.summary, "dates", "to-cassandra")["written"], 1);
    const letters = await deadLetters(result.summary);
    assert.deepEqual(
      letters.map((l) => [l.table, l.id]),
      [["nanos", intoNanos]],
    );
    assert.match(letters[0]?.reason ?? "", /1960-01-01T00:00:00\.123000Z.*before 1970.*date_nanos/);

    const copied = await h.es.get({ index: `${h.index}-dates`, id: fromCassandra });
    assert.equal((copied._source as { n: number }).n, 1);
    const rows = await h.cassandra.execute(
      `SELECT n, tmstmp FROM ${h.keyspace}.dates WHERE id = ?`,
      [fromIndex],
      {
        prepare: true,
      },
    );
    const row = rows.first();
    assert.deepEqual([row.get("n"), (row.get("tmstmp") as Date).toISOString()], [2, old.toISOString()]);
  });

  // Tried as a new user would: verify listed the row as missing from the index and advised a backfill
  // or --repair --copy-missing, which only put the same letter again.
  it("are listed by verify as records the index cannot hold, with the letter's reason, not as missing", async () => {
    const result = await h.cli(["verify", ...h.baseArgs(), "--name", "old", "--tables", "nanos", "--json"]);
    assert.equal(result.code, EXIT.differ, result.stderr);
    const side = (JSON.parse(result.stdout) as VerifyJson).sides.find((s) => s.side === "cassandra");
    assert.deepEqual([side?.missing, side?.bad], [0, 1]);
    assert.match(side?.badRecords[0]?.reason ?? "", /before 1970.*date_nanos/);
  });
  // Tried as an operator would: a timestamp column whose field an index made beforehand maps as
  // date_nanos, which holds 1970 to 2262 only. A dry run said it would write a row dated 3000 there,
  // and verify listed it as missing, to be copied by the next run or --repair; the run then
  // dead-lettered it with the cluster's refusal alone, and so did every repair.
  it("a timestamp column's value a date_nanos field cannot hold is named by a dry run and verify", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.moments (id uuid PRIMARY KEY, tmstmp timestamp, at timestamp, late timestamp)`,
    );
    await h.es.indices.create({
      index: `${h.index}-moments`,
      mappings: {
        properties: {
          tmstmp: { type: "date_nanos" },
          at: { type: "date_nanos" },
          late: { type: "date_nanos", ignore_malformed: true },
        },
      },
    });
    const [far, near] = [Uuid.random().toString(), Uuid.random().toString()];
    const insert = `INSERT INTO ${h.keyspace}.moments (id, tmstmp, at, late) VALUES (?, ?, ?, ?)`;
    const now = new Date(Date.now() - 60_000);
    const year3000 = new Date("3000-01-01T00:00:00Z");
    await h.cassandra.execute(insert, [far, now, year3000, year3000], { prepare: true });
    await h.cassandra.execute(insert, [near, now, new Date("2000-01-01T00:00:00Z"), year3000], {
      prepare: true,
    });
    const reason =
      /column at holds 3000-01-01T00:00:00\.000Z, after 2262-04-11, which the date_nanos field at of index \S+-moments cannot hold/;

    const dry = await h.run(["--name", "moments", "--tables", "moments", "--dry-run"]);
    assert.equal(dry.code, EXIT.partial, JSON.stringify(dry.summary));
    assert.deepEqual(
      [
        tableStats(dry.summary, "moments", "to-es")["written"],
        tableStats(dry.summary, "moments", "to-es")["deadLettered"],
      ],
      [1, 1],
    );
    const verify = await h.cli([
      "verify",
      ...h.baseArgs(),
      "--name",
      "moments",
      "--tables",
      "moments",
      "--json",
    ]);
    assert.equal(verify.code, EXIT.differ, verify.stderr);
    const side = (JSON.parse(verify.stdout) as VerifyJson).sides.find((s) => s.side === "cassandra");
    assert.deepEqual([side?.missing, side?.bad], [1, 1]);
    assert.match(side?.badRecords[0]?.reason ?? "", reason);

    const result = await h.run(["--name", "moments", "--tables", "moments"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const letters = await deadLetters(result.summary);
    assert.deepEqual(
      letters.map((l) => l.id),
      [far],
    );
    assert.match(letters[0]?.reason ?? "", reason);
  });
  // Tried as an operator would: the same limit on a timestamp in a list, a set or a UDT's field
  // mapped as date_nanos ended with the cluster's refusal alone as the letter's reason, which
  // named neither the column nor the fix, and a dry run said it would write the row. A list of UDTs
  // mapped as `nested` did so still, as the mapping's nested fields were not looked into.
  it("a timestamp a date_nanos field cannot hold inside a collection or a UDT is named too", async () => {
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.visit (at timestamp, left timestamp)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.visits (id uuid PRIMARY KEY, tmstmp timestamp, seen list<timestamp>, ` +
        "days set<timestamp>, visit frozen<visit>, stays list<frozen<visit>>)",
    );
    const nanos = { type: "date_nanos" as const };
    await h.es.indices.create({
      index: `${h.index}-visits`,
      mappings: {
        properties: {
          tmstmp: nanos,
          seen: nanos,
          days: nanos,
          visit: { properties: { at: nanos, left: { ...nanos, ignore_malformed: true } } },
          stays: { type: "nested", properties: { at: nanos, left: nanos } },
        },
      },
    });
    const [fine, late, early] = ["2000-01-01T00:00:00Z", "3000-01-01T00:00:00Z", "1960-01-01T00:00:00Z"].map(
      (t) => new Date(t),
    );
    const now = new Date(Date.now() - 60_000);
    const rows: [string, string, unknown][] = [
      ["seen", "seen[1]", [fine, late]],
      ["days", "days[0]", [early, fine]],
      ["visit", "visit.at", { at: early, left: fine }],
      ["stays", "stays[1].left", [{ at: fine }, { at: fine, left: late }]],
    ];
    const expected = new Map<string, RegExp>();
    for (const [column, at, value] of rows) {
      const id = Uuid.random().toString();
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.visits (id, tmstmp, ${column}) VALUES (?, ?, ?)`,
        [id, now, value],
        { prepare: true },
      );
      const field = at.replace(/\[\d+\]/g, "").replace(".", "\\.");
      expected.set(
        id,
        new RegExp(
          `^column ${column} holds \\S+ at ${at.replace(/[[\].]/g, "\\$&")}, (before 1970|after 2262-04-11), ` +
            `which the date_nanos field ${field} of index \\S+-visits cannot hold`,
        ),
      );
    }
    // A field that sets ignore_malformed keeps what it cannot index in _source only: it is written.
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.visits (id, tmstmp, visit) VALUES (?, ?, ?)`,
      [Uuid.random().toString(), now, { at: fine, left: late }],
      { prepare: true },
    );

    const dry = await h.run(["--name", "visits", "--tables", "visits", "--dry-run"]);
    const dryStats = tableStats(dry.summary, "visits", "to-es");
    assert.deepEqual([dryStats["written"], dryStats["deadLettered"]], [1, 4], JSON.stringify(dry.summary));
    const verify = await h.cli([
      "verify",
      ...h.baseArgs(),
      "--name",
      "visits",
      "--tables",
      "visits",
      "--json",
    ]);
    const side = (JSON.parse(verify.stdout) as VerifyJson).sides.find((s) => s.side === "cassandra");
    assert.deepEqual([side?.missing, side?.bad], [1, 4], verify.stdout);
    for (const bad of side?.badRecords ?? []) {
      assert.match(bad.reason, expected.get(String(bad.id)) ?? /^$/, bad.reason);
    }

    const result = await h.run(["--name", "visits", "--tables", "visits"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const letters = await deadLetters(result.summary);
    assert.equal(letters.length, 4, JSON.stringify(letters));
    for (const letter of letters) {
      const reason = letter.reason;
      assert.match(reason, expected.get(String(letter.id)) ?? /^$/, reason);
    }
    assert.equal(tableStats(result.summary, "visits", "to-es")["written"], 1);
  });
});

// Tried as an operator would: a text key of 600 bytes, which Elasticsearch refuses as an _id (512
// at most). The bulk request holding it was refused whole: the run failed with exit 1, wrote none of
// the batch, left the tables after it unsynced, and failed the same way every run after; a dry run
// said it would write it.
describe("a key too long for an _id", () => {
  let h: Harness;
  const long = "L".repeat(600);
  before(async () => {
    h = await Harness.create("longkey");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.keys (id text PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const at = new Date(Date.now() - 5_000);
    for (const id of [long, "short-1", "short-2"]) {
      await h.cassandra.execute(`INSERT INTO ${h.keyspace}.keys (id, tmstmp, n) VALUES (?, ?, 1)`, [id, at], {
        prepare: true,
      });
    }
  });
  after(() => h.cleanup());

  it("is dead-lettered alone with its reason, in a dry run too, and the rest is written", async () => {
    const dry = await h.run(["--name", "dry", "--dry-run"]);
    assert.equal(dry.code, EXIT.partial, JSON.stringify(dry.summary));
    assert.equal(tableStats(dry.summary, "keys", "to-es")["written"], 2);
    assert.equal(tableStats(dry.summary, "keys", "to-es")["deadLettered"], 1);

    const result = await h.run();
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "keys", "to-es")["written"], 2);
    const letters = await deadLetters(result.summary);
    assert.deepEqual(
      letters.map((l) => [l.table, l.id]),
      [["keys", long]],
    );
    assert.match(
      letters[0]?.reason ?? "",
      /its _id is 600 bytes, over the 512 (Elasticsearch|OpenSearch) allows/,
    );
    // The list's table shows the start of a long id, as of a long reason: it printed all of it, and a
    // key of 40,000 bytes filled the screen (show prints it whole).
    const listed = await h.cli(["dead-letters", "list", ...h.baseArgs()]);
    const line = listed.stdout.split("\n").find((l) => l.includes("LLL")) ?? "";
    assert.match(line, / L{61}\.\.\. /, listed.stdout);
    await h.refresh();
    assert.equal((await h.es.count({ index: `${h.index}-keys` })).count, 2);
  });
});

// Tried as an operator would: a Cassandra timestamp before 0001-01-01 (a year typed as 0 or with a
// minus sign, an epoch in the wrong unit), and a document whose date field holds one (as negative
// epoch milliseconds). A run from the earliest version began at 0001-01-01, so neither was read:
// no letter, a success, and verify said both sides agree, while the record was on one side only.
describe("versions dated before year 1", () => {
  let h: Harness;
  // -0002-12-17T14:13:20Z.
  const ancient = new Date(-62_200_000_000_000);
  const at = new Date(Date.now() - 60_000);
  before(async () => {
    h = await Harness.create("yearone");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.latest (id text PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.versions (id text, tmstmp timestamp, n int, PRIMARY KEY ((id), tmstmp))`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.docs (id text PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    for (const table of ["latest", "versions"]) {
      for (const [id, version] of [
        ["ancient", ancient],
        ["recent", at],
      ] as const) {
        await h.cassandra.execute(
          `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, 1)`,
          [id, version],
          {
            prepare: true,
          },
        );
      }
    }
    await h.es.indices.create({
      index: `${h.index}-docs`,
      mappings: { properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, n: { type: "integer" } } },
    });
    await h.es.index({
      index: `${h.index}-docs`,
      id: "ancient",
      document: { id: "ancient", tmstmp: ancient.getTime(), n: 1 },
    });
    await h.es.index({
      index: `${h.index}-docs`,
      id: "recent",
      document: { id: "recent", tmstmp: at.toISOString(), n: 1 },
    });
    await h.refresh();
  });
  after(() => h.cleanup());

  it("are dead-lettered from either side with the reason, and verify lists them as bad", async () => {
    const reason = /before 0001-01-01, the earliest version synced reads/;
    const result = await h.run();
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const letters = await deadLetters(result.summary);
    assert.deepEqual(letters.map((l) => `${l.table}/${l.id}`).sort(), [
      "docs/ancient",
      "latest/ancient",
      "versions/ancient",
    ]);
    for (const letter of letters) assert.match(letter.reason, reason);
    for (const table of ["latest", "versions", "docs"]) {
      const stats = tableStats(result.summary, table, table === "docs" ? "to-cassandra" : "to-es");
      assert.equal(stats["written"], 1, table);
    }

    // Verify, which reads from the earliest too, lists them as records it cannot compare.
    const verify = await h.cli(["verify", ...h.baseArgs(), "--json"]);
    assert.equal(verify.code, EXIT.differ, verify.stdout);
    const sides = (JSON.parse(verify.stdout) as VerifyJson).sides;
    const bad = sides.flatMap((s) => s.badRecords.map((b) => [s.table, s.side, b.id]));
    assert.deepEqual(
      bad.sort(),
      [
        ["docs", "elasticsearch", "ancient"],
        ["latest", "cassandra", "ancient"],
        ["versions", "cassandra", "ancient"],
      ],
      verify.stdout,
    );
    for (const side of sides) for (const b of side.badRecords) assert.match(b.reason, reason);
  });
});
