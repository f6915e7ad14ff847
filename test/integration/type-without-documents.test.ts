// In the type-field layout every table's documents share one index, and a table's type is known there
// only by its documents. Tried as a team bringing a keyspace with a table still empty would: every run
// listed the index as created, and read the empty table from the earliest version, saying its index
// had been deleted since and was made again; and verify counted the table as a difference (exit 7),
// its index "not created yet", though both sides agreed. Now the index is listed on the run that makes
// it, a table the checkpoint covers is read from the checkpoint on like any other, and verify compares
// it; a table new to the keyspace is still read whole, as new to the configuration.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const PREPARED = { prepare: true } as const;
const HOURS_AGO_3 = (): Date => new Date(Date.now() - 3 * 3_600_000);

describe("a table whose type has no document in the type-field layout's index", () => {
  let h: Harness;
  const typeField = ["--layout", "type-field", "--json"];
  const run = async (): Promise<{ summary: Record<string, unknown>; stderr: string }> => {
    const result = await h.cli([...h.baseArgs(), ...typeField]);
    assert.equal(result.code, EXIT.success, result.stderr);
    return { summary: JSON.parse(result.stdout) as Record<string, unknown>, stderr: result.stderr };
  };
  const insert = async (table: string): Promise<void> => {
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, v) VALUES (?, ?, 1)`,
      [cassandra.types.Uuid.random(), HOURS_AGO_3()],
      PREPARED,
    );
  };

  before(async () => {
    h = await Harness.create("typeless");
    for (const table of ["users", "quiet"])
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
      );
    await insert("users");
  });
  after(() => h.cleanup());

  it("lists the index as created only on the run that makes it, and reads a covered empty table from the checkpoint on", async () => {
    const first = await run();
    assert.deepEqual(first.summary["createdIndices"], [h.index]);
    assert.equal(tableStats(first.summary, "users", "to-es")["written"], 1);

    const second = await run();
    assert.deepEqual(second.summary["createdIndices"], [], JSON.stringify(second.summary));
    assert.doesNotMatch(second.stderr, /earliest version/);
    assert.doesNotMatch(second.stderr, /was deleted since/);
  });

  it("is compared by verify, where an empty table and no document agree", async () => {
    const verified = await h.cli(["verify", ...h.baseArgs(), "--layout", "type-field"]);
    assert.equal(verified.code, EXIT.success, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^quiet +cassandra +0 +0 +0/m);
    assert.doesNotMatch(verified.stdout, /skipped quiet/);
  });

  it("reads a table new to the keyspace from the earliest version, as new to the configuration", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.later (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    // Dated before the checkpoint and its look-back window: only a whole read finds it.
    await insert("later");
    const third = await run();
    assert.equal(tableStats(third.summary, "later", "to-es")["written"], 1);
    assert.deepEqual(third.summary["createdIndices"], []);
    assert.match(
      third.stderr,
      /table later \(to-es\) is new to this configuration: read from the earliest version/,
    );
    assert.doesNotMatch(third.stderr, /table quiet \(to-es\)[^"]*earliest version/);
  });
});

// An index migrated from Elasticsearch 5/6 maps the version field as `date`, in milliseconds. Tried as
// a team adding a table to such an index would: a table whose type had no document there yet was
// planned as if the run made the index, at microseconds, so its rows dated before 1970 were
// dead-lettered as too early for a date_nanos field the index does not have, and the others written
// with six fraction digits. Now the index's own mapping decides, as for a type with documents.
describe("a table whose type has no document yet in a type-field index that maps its version as date", () => {
  let h: Harness;
  const ordersId = cassandra.types.Uuid.random().toString();
  const userId = cassandra.types.Uuid.random().toString();

  before(async () => {
    h = await Harness.create("typelessdate");
    for (const table of ["users", "orders"])
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
      );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.orders (id, tmstmp, v) VALUES (?, ?, 1)`,
      [ordersId, new Date("1965-03-01T10:00:00.000Z")],
      PREPARED,
    );
    await h.es.indices.create({
      index: h.index,
      mappings: {
        properties: {
          type: { type: "keyword" },
          id: { type: "keyword" },
          tmstmp: { type: "date" },
          v: { type: "integer" },
        },
      },
    });
    await h.es.index({
      index: h.index,
      id: `users-${userId}`,
      document: { type: "users", id: userId, tmstmp: "2024-01-01T00:00:00.000Z", v: 2 },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  it("writes its rows at the index's milliseconds, those before 1970 too", async () => {
    const result = await h.cli([...h.baseArgs(), "--layout", "type-field", "--json"]);
    assert.equal(result.code, EXIT.success, result.stdout + result.stderr);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(tableStats(summary, "orders", "to-es")["written"], 1, JSON.stringify(summary));
    assert.equal((summary["deadLetters"] as { count: number }).count, 0);
    const doc = await h.es.get<Record<string, unknown>>({ index: h.index, id: `orders-${ordersId}` });
    assert.equal(doc._source?.["tmstmp"], "1965-03-01T10:00:00.000Z");
  });
});

// A dry replay decides what a replay would, without writing. Tried as an operator would, with a table
// whose only row is dated too far in the future, so its type has no document in the shared index:
// `dead-letters replay --dry-run` took the index for one the replay would create, and promised to
// replay the letter without reading the row, while the replay itself failed it again. Now the dry
// replay sees the index and decides as the replay does.
describe("a dry replay of a table whose type has no document in the type-field layout's index", () => {
  let h: Harness;
  const args = (): string[] => [...h.baseArgs(), "--layout", "type-field"];

  before(async () => {
    h = await Harness.create("typelessreplay");
    for (const table of ["users", "orders"])
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
      );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.users (id, tmstmp, v) VALUES (?, ?, 1)`,
      [cassandra.types.Uuid.random(), HOURS_AGO_3()],
      PREPARED,
    );
    // Past --max-future (1h by default): the run dead-letters it.
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.orders (id, tmstmp, v) VALUES (?, ?, 1)`,
      [cassandra.types.Uuid.random(), new Date(Date.now() + 3 * 3_600_000)],
      PREPARED,
    );
    const run = await h.cli([...args(), "--json"]);
    assert.equal(run.code, EXIT.partial, run.stdout + run.stderr);
  });
  after(() => h.cleanup());

  it("reads the row and fails the letter again, as the replay does", async () => {
    const counts = async (extra: readonly string[]): Promise<Record<string, unknown>> => {
      const replay = await h.cli(["dead-letters", "replay", ...args(), "--json", ...extra]);
      assert.equal(replay.code, EXIT.partial, replay.stdout + replay.stderr);
      const { replayed, gone, failed } = JSON.parse(replay.stdout) as Record<string, unknown>;
      return { replayed, gone, failed };
    };
    const dry = await counts(["--dry-run"]);
    assert.deepEqual(dry, { replayed: 0, gone: 0, failed: 1 });
    assert.deepEqual(await counts([]), dry);
  });
});
