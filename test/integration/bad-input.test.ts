// Bad records get a message naming the table, the record and the reason; they go to the dead-letter
// store while the run goes on, the exit code says partial success, and past --max-errors the run
// stops without moving the checkpoint.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { deadLetters, Harness, tableStats } from "../support/harness.js";

const { Uuid } = cassandra.types;

describe("bad records", () => {
  let h: Harness;
  const good = Uuid.random().toString();
  const ids = {
    badId: Uuid.random().toString(),
    noTimestamp: Uuid.random().toString(),
    notAnInt: Uuid.random().toString(),
    tooLarge: Uuid.random().toString(),
    future: Uuid.random().toString(),
    unknownField: Uuid.random().toString(),
  };
  let begin: string;

  before(async () => {
    h = await Harness.create("bad");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int, body text, deleted boolean)`,
    );
    // The first run creates the index.
    assert.equal((await h.run()).code, EXIT.success);
    const at = new Date(Date.now() - 5_000).toISOString();
    begin = String(Math.floor(Date.now() / 1000) - 30);
    const index = `${h.index}-things`;
    const docs: [string, Record<string, unknown>][] = [
      [good, { id: good, tmstmp: at, n: 1, body: "fine" }],
      ["not-a-uuid", { tmstmp: at, n: 2 }],
      [ids.badId, { id: "abc", tmstmp: at }],
      [ids.noTimestamp, { id: ids.noTimestamp, n: 3 }],
      // Elasticsearch coerces 1.5 into its integer field but keeps it in _source; CQL int refuses it.
      [ids.notAnInt, { id: ids.notAnInt, tmstmp: at, n: 1.5 }],
      [ids.tooLarge, { id: ids.tooLarge, tmstmp: at, body: "x".repeat(5 * 1024 * 1024) }],
      [ids.future, { id: ids.future, tmstmp: "2200-01-01T00:00:00Z", n: 4 }],
      [ids.unknownField, { id: ids.unknownField, tmstmp: at, colour: "red" }],
    ];
    for (const [id, document] of docs) await h.es.index({ index, id, document });
    await h.refresh();
  });
  after(() => h.cleanup());

  it("dead-letters each bad document with its reason, syncs the rest, and exits with partial success", async () => {
    const result = await h.run(["-b", begin]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    assert.equal(result.summary["outcome"], "partial");
    const stats = tableStats(result.summary, "things", "to-cassandra");
    assert.equal(stats["written"], 1);
    assert.equal(stats["deadLettered"], 7);

    const letters = await deadLetters(result.summary);
    const reasonFor = (id: string | undefined): string => {
      const letter = letters.find((l) => l.id === id);
      assert.ok(letter, `no dead letter for ${id ?? "the record without id"} in ${JSON.stringify(letters)}`);
      assert.equal(letter.table, "things");
      return letter.reason;
    };
    assert.ok(
      letters.some((l) => l.reason.includes("no 'id' field, and _id 'not-a-uuid' does not hold a UUID")),
    );
    assert.ok(letters.some((l) => l.reason.includes("'id' is 'abc', not a UUID")));
    assert.match(reasonFor(ids.noTimestamp), /no 'tmstmp' field/);
    assert.match(reasonFor(ids.notAnInt), /\bn\b.*int|int.*\bn\b/);
    assert.match(reasonFor(ids.tooLarge), /too large/i);
    assert.match(reasonFor(ids.future), /far in the future/);
    assert.match(reasonFor(ids.unknownField), /'colour' has no column in table .*things/);

    const row = await h.cassandra.execute(`SELECT body FROM ${h.keyspace}.things WHERE id = ?`, [good], {
      prepare: true,
    });
    assert.equal(row.first().get("body"), "fine");
  });

  it("dead-letters a Cassandra row too large for an Elasticsearch request, and copies the rest", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.parts (id uuid PRIMARY KEY, tmstmp timestamp, p list<text>)`,
    );
    const [big, small] = [Uuid.random().toString(), Uuid.random().toString()];
    const at = new Date(Date.now() - 5_000);
    const insert = `INSERT INTO ${h.keyspace}.parts (id, tmstmp, p) VALUES (?, ?, ?)`;
    await h.cassandra.execute(insert, [small, at, ["tiny"]], { prepare: true });
    await h.cassandra.execute(insert, [big, at, []], { prepare: true });
    // Each append is one mutation under Cassandra's limit; together they outgrow the test
    // cluster's http.max_content_length of 6 MB.
    for (let i = 0; i < 3; i++) {
      await h.cassandra.execute(
        `UPDATE ${h.keyspace}.parts SET p = p + ? WHERE id = ?`,
        [["y".repeat(2_500_000)], big],
        {
          prepare: true,
        },
      );
    }
    const result = await h.run(["-b", begin, "--tables", "parts", "--direction", "to-es", "--name", "parts"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const stats = tableStats(result.summary, "parts", "to-es");
    assert.deepEqual({ written: stats["written"], dead: stats["deadLettered"] }, { written: 1, dead: 1 });
    const letter = (await deadLetters(result.summary)).find((l) => l.id === big);
    // The limit, and what to do about it.
    assert.match(
      letter?.reason ?? "",
      /too large for (Elasticsearch|OpenSearch).*http\.max_content_length\)\. Shorten it at its source, or raise/,
    );
  });

  it("dead-letters a Cassandra row without a tmstmp, which no range selects", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.untimed (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const [timed, untimed] = [Uuid.random().toString(), Uuid.random().toString()];
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.untimed (id, tmstmp, n) VALUES (?, ?, 1)`,
      [timed, new Date(Date.now() - 5_000)],
      { prepare: true },
    );
    await h.cassandra.execute(`INSERT INTO ${h.keyspace}.untimed (id, n) VALUES (?, 2)`, [untimed], {
      prepare: true,
    });
    const args = ["-b", begin, "--tables", "untimed", "--direction", "to-es", "--name", "untimed"];
    const result = await h.run(args);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const stats = tableStats(result.summary, "untimed", "to-es");
    assert.deepEqual({ written: stats["written"], dead: stats["deadLettered"] }, { written: 1, dead: 1 });
    const letter = (await deadLetters(result.summary)).find((l) => l.id === untimed);
    assert.match(letter?.reason ?? "", /no tmstmp: a row without a version cannot be compared/);
    assert.equal(JSON.stringify(letter).includes('"n":2'), true, JSON.stringify(letter));
  });

  it("stops past --max-errors, fails, and leaves the checkpoint where it was", async () => {
    const store = new FileStateStore({ directory: h.stateDir });
    const key = (await store.listKeys())[0] ?? "";
    const before = await store.getCheckpoint(key);
    const result = await h.run([
      "-b",
      begin,
      "-e",
      String(Math.floor(Date.now() / 1000)),
      "--max-errors",
      "2",
    ]);
    assert.equal(result.code, EXIT.circuitOpen, JSON.stringify(result.summary));
    assert.equal(result.summary["outcome"], "failed");
    assert.match((result.summary["error"] as { message: string }).message, /more than 2 records failed/);
    // The failed run reports what it did until it failed: the direction finished, and the one stopped.
    const tables = result.summary["tables"] as { table: string; direction: string; deadLettered: number }[];
    assert.deepEqual(
      tables.filter((t) => t.table === "things").map((t) => t.direction),
      ["to-es", "to-cassandra"],
    );
    // Every letter the run put is counted against the table and direction that put it.
    const letters = (result.summary["deadLetters"] as { count: number }).count;
    assert.ok(letters > 2, String(letters));
    assert.equal(
      tables.reduce((sum, t) => sum + t.deadLettered, 0),
      letters,
    );
    const after = await store.getCheckpoint(key);
    assert.equal(after?.position, before?.position);
  });

  it("ends its log with one line saying why it failed, at error level, with the exit code", async () => {
    const end = String(Math.floor(Date.now() / 1000));
    const result = await h.cli([...h.baseArgs(), "-b", begin, "-e", end, "--max-errors", "2", "--quiet"]);
    assert.equal(result.code, EXIT.circuitOpen, result.stderr);
    // A collector reads stderr one JSON object per line; --quiet keeps error lines only.
    const lines = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = lines.filter((line) => line["level"] === "error");
    assert.equal(failed.length, 1, result.stderr);
    const [line] = failed;
    assert.ok(line);
    assert.match(String(line["message"]), /^run failed: more than 2 records failed/);
    assert.equal(line["exitCode"], EXIT.circuitOpen);
    assert.equal(line["outcome"], "failed");
  });

  it("ends a finished run's log with its outcome and exit code", async () => {
    const result = await h.cli([...h.baseArgs(), "-b", begin]);
    assert.equal(result.code, EXIT.partial, result.stderr);
    const last = JSON.parse(result.stderr.trimEnd().split("\n").at(-1) ?? "") as Record<string, unknown>;
    assert.equal(last["level"], "info");
    assert.match(
      String(last["message"]),
      /^run finished: partial, \d+ written, \d+ dead-lettered, \d+ dead letters waiting$/,
    );
    assert.equal(last["exitCode"], EXIT.partial);
  });

  it("keeps the dead letters as NDJSON beside the state, one file per configuration", async () => {
    const store = new FileStateStore({ directory: h.stateDir });
    const key = (await store.listKeys())[0] ?? "";
    const text = await readFile(join(h.stateDir, `${key}.dead-letters.ndjson`), "utf8");
    assert.ok(text.split("\n").filter(Boolean).length >= 7);
  });
});

describe("bad records outside a backfill's range", () => {
  // Tried as a new user would: a backfill of January 2015 read every document from 2015 to now, and
  // dead-lettered a bad one dated today. It reads its range, and what no range selects: documents
  // dated far ahead and those without a tmstmp, which only a run's search finds.
  let h: Harness;
  before(async () => {
    h = await Harness.create("backfill");
  });
  after(() => h.cleanup());

  it("backfills an old range without reading, or dead-lettering, what lies between its end and the future limit", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.archive (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
    );
    assert.equal((await h.run(["--tables", "archive"])).code, EXIT.success);
    const [old, today, ahead, untimed] = [
      Uuid.random().toString(),
      Uuid.random().toString(),
      Uuid.random().toString(),
      Uuid.random().toString(),
    ];
    const docs: [string, Record<string, unknown>][] = [
      [old, { id: old, tmstmp: "2015-01-10T00:00:00Z", n: 1 }],
      [today, { id: today, tmstmp: new Date(Date.now() - 5_000).toISOString(), n: 1.5 }],
      [ahead, { id: ahead, tmstmp: "2200-01-01T00:00:00Z", n: 3 }],
      [untimed, { id: untimed, n: 4 }],
    ];
    for (const [id, document] of docs) await h.es.index({ index: `${h.index}-archive`, id, document });
    await h.refresh();
    const backfill = ["--tables", "archive", "--direction", "to-cassandra", "--name", "archive"];
    const result = await h.run([...backfill, "-b", "2015-01-01T00:00:00Z", "-e", "2015-02-01T00:00:00Z"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const stats = tableStats(result.summary, "archive", "to-cassandra");
    assert.deepEqual([stats["scanned"], stats["written"], stats["deadLettered"]], [3, 1, 2]);
    const lettered = (await deadLetters(result.summary)).map((l) => l.id);
    assert.deepEqual(
      [ahead, untimed].filter((id) => !lettered.includes(id)),
      [],
    );
    assert.equal(lettered.includes(today), false, "a bad record dated after the range was dead-lettered");
  });

  // A backfill reads a versioned table's range, and apart from the future limit on: a version dated
  // far ahead is still found, in a pass of its own.
  it("finds a version dated far ahead in a backfill of an old range of a versioned table", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.history (id uuid, tmstmp timestamp, n int, PRIMARY KEY ((id), tmstmp))`,
    );
    const [old, ahead] = [Uuid.random().toString(), Uuid.random().toString()];
    const versions: [string, string][] = [
      [old, "2015-01-10T00:00:00Z"],
      [old, new Date(Date.now() - 60_000).toISOString()],
      [ahead, "2015-01-20T00:00:00Z"],
      [ahead, "2200-01-01T00:00:00Z"],
    ];
    for (const [id, at] of versions) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.history (id, tmstmp, n) VALUES (?, ?, 1)`,
        [id, new Date(at)],
        {
          prepare: true,
        },
      );
    }
    const backfill = ["--tables", "history", "--direction", "to-es", "--name", "history"];
    const result = await h.run([...backfill, "-b", "2015-01-01T00:00:00Z", "-e", "2015-02-01T00:00:00Z"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const stats = tableStats(result.summary, "history", "to-es");
    assert.deepEqual([stats["written"], stats["deadLettered"]], [2, 1]);
    const letters = await deadLetters(result.summary);
    assert.match(letters.find((l) => l.id === ahead)?.reason ?? "", /far in the future/);
  });
});
