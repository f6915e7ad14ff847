// A column option that names no column of the selected tables is a typo, and a run in which no
// selected table can be synced would copy nothing: both are refused before the checkpoint could move
// past rows the next correct run must copy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;

describe("column options that match no table", () => {
  let h: Harness;
  let state: FileStateStore;

  before(async () => {
    h = await Harness.create("columns");
    state = new FileStateStore({ directory: h.stateDir });
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, deleted boolean, v int)`,
    );
    // Both columns, but a key synced cannot use: skipped for its shape, not for the options.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.named (id blob PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.things (id, tmstmp, v) VALUES (?, toTimestamp(now()), 1)`,
      [Uuid.random()],
      { prepare: true },
    );
  });
  after(() => h.cleanup());

  for (const [option, value, closest] of [
    ["--timestamp-column", "tmstamp", "tmstmp"],
    ["--id-column", "idd", "id"],
    ["--tombstone-column", "delted", "deleted"],
  ] as const) {
    it(`refuses ${option} ${value} with exit 2, the closest column, and no checkpoint`, async () => {
      const key = `typo-${value}`;
      const result = await h.cli([...h.baseArgs(), option, value, "--name", key]);
      assert.equal(result.code, EXIT.usage, result.stderr);
      const message = new RegExp(
        `flag ${option}: no table .*has a column '${value}'.*closest: ${closest}\\b`,
        "s",
      );
      assert.match(result.stderr, message);
      assert.equal(await state.getCheckpoint(key), undefined);
      assert.deepEqual(await state.recentRuns(key, 5), []);
    });
  }

  it("names the source of a column option set in the environment", async () => {
    const result = await h.cli([...h.baseArgs(), "--name", "typo-env"], {
      SYNCED_TIMESTAMP_COLUMN: "tmstamp",
    });
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(result.stderr, /environment variable SYNCED_TIMESTAMP_COLUMN: no table .*'tmstamp'/);
  });

  it("refuses with exit 2 a run in which no selected table can be synced, naming each and why", async () => {
    const result = await h.cli([...h.baseArgs(), "--tables", "named", "--name", "all-skipped"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      /synced: flag --tables: no selected table can be synced, so the run would copy nothing: named: .*blob.*\. /,
    );
    assert.equal(await state.getCheckpoint("all-skipped"), undefined);
    assert.deepEqual(await state.recentRuns("all-skipped", 5), []);

    // Nor does synced verify call two sides the same when it compared nothing.
    const verified = await h.cli(["verify", ...h.baseArgs(), "--tables", "named"]);
    assert.equal(verified.code, EXIT.usage, verified.stderr);
    assert.match(
      verified.stderr,
      /no selected table can be synced, so verify would compare nothing: named: /,
    );
  });

  it("moves the checkpoint once a table is synced with the right options", async () => {
    const result = await h.run(["--name", "right"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.notEqual(await state.getCheckpoint("right"), undefined);
  });
});
