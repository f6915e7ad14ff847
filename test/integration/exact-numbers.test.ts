// A number that an application writes into a document as a JSON number reaches a decimal or varint
// column exactly as written, even where a double cannot hold it, and verify compares it exactly; a
// double column that cannot hold it refuses it, naming the number as the document holds it.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { deadLetters, Harness, tableStats } from "../support/harness.js";
import type { VerifyJson } from "../support/verify-json.js";

// Each document's JSON as the application sends it: the numbers are literals no double holds exactly.
const DOCUMENTS: Readonly<Record<string, string>> = {
  long: '"amount":12345678901234567.891,"n":123456789012345678901234567890',
  huge: '"amount":1.0000000000000001e400,"n":1.5e2',
  tiny: '"amount":-1.000000000000000E-400',
  plain: '"amount":0.1,"d":0.1',
  overflow: '"d":1.0000000000000000e400',
  // Without 16 digits, such a number is read as JSON.parse reads it: Infinity.
  short: '"amount":1e400',
  integral: '"n":1.2345678901234567891e30',
  // Two decimals of one value, which a set of Cassandra holds once: which one is not synced's to say.
  merged: '"amounts":["1000","1E+3"]',
};

describe("numbers written as JSON numbers in documents", () => {
  let h: Harness;
  let table: string;

  before(async () => {
    h = await Harness.create("exactnum");
    table = `${h.keyspace}.amounts`;
    await h.cassandra.execute(
      `CREATE TABLE ${table} (id text PRIMARY KEY, tmstmp timestamp, amount decimal, n varint, d double, amounts set<decimal>)`,
    );
    assert.equal((await h.run()).code, EXIT.success);
    const at = new Date(Date.now() - 5_000).toISOString();
    const operations = Object.entries(DOCUMENTS).flatMap(([id, fields]) => [
      { index: { _index: `${h.index}-amounts`, _id: id } },
      `{"id":"${id}","tmstmp":"${at}",${fields}}`,
    ]);
    const bulk = await h.es.bulk({ operations, refresh: true });
    assert.equal(bulk.errors, false, JSON.stringify(bulk.items));
  });
  after(() => h.cleanup());

  const rows = async (): Promise<Map<string, [string | null, string | null, number | null]>> => {
    const result = await h.cassandra.execute(
      `SELECT id, cast(amount AS text) AS amount, cast(n AS text) AS n, d FROM ${table}`,
    );
    return new Map(
      result.rows.map((row) => [
        String(row["id"]),
        [row["amount"] as string | null, row["n"] as string | null, row["d"] as number | null],
      ]),
    );
  };

  const verify = async (): Promise<VerifyJson> => {
    const result = await h.cli(["verify", ...h.baseArgs(), "--json"]);
    return JSON.parse(result.stdout) as VerifyJson;
  };

  it("copies each number to Cassandra exactly as the document writes it", async () => {
    const result = await h.run();
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "amounts", "to-cassandra")["written"], 5);
    assert.deepEqual(
      Object.fromEntries(await rows()),
      Object.fromEntries([
        ["long", ["12345678901234567.891", "123456789012345678901234567890", null]],
        ["huge", ["1.0000000000000001E+400", "150", null]],
        ["tiny", ["-1.000000000000000E-400", null, null]],
        ["plain", ["0.1", null, 0.1]],
        ["integral", [null, "1234567890123456789100000000000", null]],
      ]),
    );
    const letters = await deadLetters(result.summary);
    assert.deepEqual(
      letters.map((letter) => [letter.id, letter.reason.replace(/^.*?field "/, 'field "')]).sort(),
      [
        [
          "merged",
          'field "amounts[1]": 1E+3 is the same element as 1000 to Cassandra, which compares decimals by ' +
            "value and keeps one of them: write it once",
        ],
        [
          "overflow",
          'field "d": 1.0000000000000000e400 is not a valid double: expected a magnitude up to ' +
            "1.7976931348623157e308 (a decimal column holds it exactly)",
        ],
        [
          "short",
          'field "amount": a number beyond ±1.7976931348623157e308 is not a valid decimal: it reads as ' +
            'Infinity; write it as a string, such as "1e400", and the decimal column holds it exactly',
        ],
      ],
    );
  });

  it("copies a Cassandra decimal to the document and back without loss", async () => {
    const at = new Date(Date.now() - 5_000);
    await h.cassandra.execute(
      `INSERT INTO ${table} (id, tmstmp, amount) VALUES ('fromrow', ?, 98765432109876543.210)`,
      [at],
      { prepare: true },
    );
    const result = await h.run();
    assert.equal(tableStats(result.summary, "amounts", "to-es")["written"], 1);
    // Nothing read from the index is written again: each document is in the table or a letter.
    assert.equal(tableStats(result.summary, "amounts", "to-cassandra")["written"], 0);
    await h.refresh();
    const found = await h.es.get<Record<string, unknown>>({ index: `${h.index}-amounts`, id: "fromrow" });
    assert.equal(found._source?.["amount"], "98765432109876543.210");
    assert.equal((await rows()).get("fromrow")?.[0], "98765432109876543.210");
  });
  it("finds both sides equal, and tells a rounded copy from the exact number", async () => {
    // Every record synced compares equal; the two documents refused above are its only differences,
    // named as records it cannot read.
    const equal = await verify();
    assert.deepEqual(
      equal.sides.map((side) => [side.differing.length, side.badRecords.map((b) => b.id).sort()]),
      [
        [0, []],
        [0, ["merged", "overflow", "short"]],
      ],
      JSON.stringify(equal),
    );
    // What an earlier release wrote: the document's number rounded to a double.
    await h.cassandra.execute(`UPDATE ${table} SET amount = 12345678901234568 WHERE id = 'long'`);
    const rounded = await verify();
    assert.deepEqual(
      rounded.sides.map((side) => side.differing.map((d) => d.id)),
      [["long"], ["long"]],
      JSON.stringify(rounded),
    );
  });
});

describe("numbers a double cannot hold in fields synced does not own", () => {
  let h: Harness;
  let dir: string;
  let settings: string;
  // Fields of no column, which synced keeps as the document holds them when it writes it again.
  const FOREIGN_FIELDS = [
    '"exact":12345678901234567.891',
    '"tiny":-1.0000000000000001e-330',
    '"list":[98765432109876543210.5,2.5]',
    '"plain":0.5',
  ];

  /** The document's _source as the cluster returns it, every digit as written. */
  const sourceText = async (): Promise<string> => {
    const auth = `${h.servers.elasticsearchUsername}:${h.servers.elasticsearchPassword}`;
    const response = await fetch(new URL(`${h.index}-kept/_source/k`, h.servers.elasticsearchUrl), {
      headers: { authorization: `Basic ${Buffer.from(auth).toString("base64")}` },
    });
    const text = await response.text();
    assert.ok(response.ok, `${response.status} ${text}`);
    return text;
  };

  before(async () => {
    h = await Harness.create("exactforeign");
    dir = await mkdtemp(join(tmpdir(), "exact-foreign-"));
    settings = join(dir, "synced.yaml");
    // Listing the columns to sync leaves every other field of the documents to other applications.
    await writeFile(settings, "tables:\n  kept:\n    include: [note]\n");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.kept (id text PRIMARY KEY, tmstmp timestamp, note text)`,
    );
    assert.equal((await h.run(["--config", settings])).code, EXIT.success);
    const at = new Date(Date.now() - 60_000).toISOString();
    const bulk = await h.es.bulk({
      operations: [
        { index: { _index: `${h.index}-kept`, _id: "k" } },
        `{"id":"k","tmstmp":"${at}","note":"first",${FOREIGN_FIELDS.join(",")}}`,
      ],
      refresh: true,
    });
    assert.equal(bulk.errors, false, JSON.stringify(bulk.items));
  });
  after(async () => {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes them back as the document held them when the row changes", async () => {
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.kept (id, tmstmp, note) VALUES ('k', ?, 'second')`,
      [new Date(Date.now() - 5_000)],
      { prepare: true },
    );
    const result = await h.run(["--config", settings, "-b", "0"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "kept", "to-es")["written"], 1);
    const text = await sourceText();
    assert.match(text, /"note":"second"/);
    for (const field of FOREIGN_FIELDS) assert.ok(text.includes(field), `${field} in ${text}`);
  });
});
