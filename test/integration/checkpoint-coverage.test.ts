// A checkpoint says how far a configuration is covered, but a configuration's selection changes: a
// table left out with --exclude-tables for a while (as a refusal suggests, to let the checkpoint
// move), or a direction added later (`--direction to-es`, then both). Tried as an operator would,
// the table or direction taken back in was read from the checkpoint on, so what it held from the
// time it was left out was never synced. Now a checkpoint records what it covers, and a table or
// direction it does not cover is read from the earliest version, as a first run reads it.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness, tableStats } from "../support/harness.js";
import { interpose } from "../support/interpose.js";

const PREPARED = { prepare: true } as const;
const HOUR = 3_600_000;

describe("what a checkpoint covers", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("coverage");
    for (const table of ["kept", "left", "mirrored", "remade", "rebuilt"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
    }
  });
  after(() => h.cleanup());

  const insert = async (table: string, hoursAgo: number): Promise<string> => {
    const id = cassandra.types.Uuid.random().toString();
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, 1)`,
      [id, new Date(Date.now() - hoursAgo * HOUR)],
      PREPARED,
    );
    return id;
  };
  const twoHoursAgo = (): string => new Date(Date.now() - 2 * HOUR).toISOString();

  it("reads a table taken back after --exclude-tables from the earliest version", async () => {
    await insert("kept", 3);
    await insert("left", 3);
    const first = await h.run([
      "--name",
      "cov",
      "--exclude-tables",
      "mirrored,remade,rebuilt",
      "-e",
      twoHoursAgo(),
    ]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    // Written while `left` is left out of the runs: dated after the first checkpoint, and more than
    // the look-back window before the next one.
    const missed = await insert("left", 1);
    await insert("kept", 1);
    const without = await h.run(["--name", "cov", "--exclude-tables", "mirrored,left,remade,rebuilt"]);
    assert.equal(without.code, EXIT.success, JSON.stringify(without.summary));
    assert.equal(tableStats(without.summary, "kept", "to-es")["written"], 1);
    const covers = (await new FileStateStore({ directory: h.stateDir }).getCheckpoint("cov"))?.covers;
    // Each with the identity of the index it was synced with (see below).
    assert.deepEqual(
      covers?.map((item) => item.replace(/@.*/, "")),
      ["kept:to-cassandra", "kept:to-es"],
    );

    const back = await h.run(["--name", "cov", "--exclude-tables", "mirrored,remade,rebuilt"]);
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal(tableStats(back.summary, "left", "to-es")["written"], 1);
    assert.equal(tableStats(back.summary, "kept", "to-es")["scanned"], 0);
    const doc = await h.es.get({ index: `${h.index}-left`, id: missed });
    assert.equal(doc.found, true);
  });

  it("reads a direction added to a configuration from the earliest version", async () => {
    await insert("mirrored", 3);
    const first = await h.run([
      "--name",
      "dir",
      "--tables",
      "mirrored",
      "--direction",
      "to-es",
      "-e",
      twoHoursAgo(),
    ]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    // Written by an application to the index only, while the configuration copied to it alone.
    const id = cassandra.types.Uuid.random().toString();
    await h.es.index({
      index: `${h.index}-mirrored`,
      id,
      document: { id, tmstmp: new Date(Date.now() - HOUR).toISOString(), n: 2 },
      refresh: true,
    });
    const toEs = await h.run(["--name", "dir", "--tables", "mirrored", "--direction", "to-es"]);
    assert.equal(toEs.code, EXIT.success, JSON.stringify(toEs.summary));

    const both = await h.run(["--name", "dir", "--tables", "mirrored", "--direction", "both"]);
    assert.equal(both.code, EXIT.success, JSON.stringify(both.summary));
    assert.equal(tableStats(both.summary, "mirrored", "to-cassandra")["written"], 1);
    const row = await h.cassandra.execute(
      `SELECT n FROM ${h.keyspace}.mirrored WHERE id = ?`,
      [id],
      PREPARED,
    );
    assert.equal(row.rows[0]?.get("n"), 2);
  });

  // Tried as an operator would: an index deleted (to be rebuilt, or while a run wrote to it) and made
  // again before the next run, by an application's write or by Elasticsearch from a run's own writes,
  // or by a restore from an older snapshot. The next run saw an index of the table's name and read from
  // the checkpoint on, so the new index never received what was dated before it.
  it("reads a table whole when its index was made again since the checkpoint's runs", async () => {
    const old = await insert("remade", 3);
    const first = await h.run(["--name", "remade", "--tables", "remade", "-e", twoHoursAgo()]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const index = `${h.index}-remade`;
    await h.es.indices.delete({ index });
    const id = cassandra.types.Uuid.random().toString();
    await h.es.index({
      index,
      id,
      document: { id, tmstmp: new Date(Date.now() - HOUR).toISOString(), n: 2 },
      refresh: true,
    });

    const next = await h.cli([...h.baseArgs(), "--json", "--name", "remade", "--tables", "remade"]);
    assert.equal(next.code, EXIT.success, next.stderr);
    const summary = JSON.parse(next.stdout) as Record<string, unknown>;
    assert.equal(tableStats(summary, "remade", "to-es")["written"], 1, next.stdout);
    assert.match(
      next.stderr,
      /table remade \(to-es\) has an index that is not the one .*read from the earliest version/,
    );
    assert.equal((await h.es.get({ index, id: old })).found, true);
  });

  // Tried as an operator would: a table dropped and created again under its name (a migration that
  // rebuilds it, a restore into a new table) before the next run. The run read the index from the
  // checkpoint on, so the new table never received the documents dated before it.
  it("reads a table whole when it was dropped and created again since the checkpoint's runs", async () => {
    const old = await insert("rebuilt", 3);
    const first = await h.run(["--name", "rebuilt", "--tables", "rebuilt", "-e", twoHoursAgo()]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    // What the first run indexed becomes searchable at the next refresh: the runs here have no lag.
    await h.refresh();
    await h.cassandra.execute(`DROP TABLE ${h.keyspace}.rebuilt`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.rebuilt (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );

    const next = await h.cli([...h.baseArgs(), "--json", "--name", "rebuilt", "--tables", "rebuilt"]);
    assert.equal(next.code, EXIT.success, next.stderr);
    const summary = JSON.parse(next.stdout) as Record<string, unknown>;
    assert.equal(tableStats(summary, "rebuilt", "to-cassandra")["written"], 1, next.stderr);
    assert.match(
      next.stderr,
      /table rebuilt \(to-cassandra\) is not the table the runs that moved .*read from the earliest version/,
    );
    const row = await h.cassandra.execute(
      `SELECT n FROM ${h.keyspace}.rebuilt WHERE id = ?`,
      [old],
      PREPARED,
    );
    assert.equal(row.rows[0]?.get("n"), 1);
  });

  // Tried as an operator would: a column excluded in the config file for weeks, then taken back into
  // the sync. The next run read from the checkpoint on, so only records changed since got the column:
  // every older document lacked it for good, and the run did not say so.
  it("reads a table whole when its settings include a column they left out before", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.widened (id uuid PRIMARY KEY, tmstmp timestamp, n int, note text)`,
    );
    const old = cassandra.types.Uuid.random().toString();
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.widened (id, tmstmp, n, note) VALUES (?, ?, 1, 'kept apart')`,
      [old, new Date(Date.now() - 3 * HOUR)],
      PREPARED,
    );
    const dir = await mkdtemp(join(tmpdir(), "coverage-settings-"));
    const excluding = join(dir, "excluding.yaml");
    await writeFile(excluding, "tables:\n  widened:\n    exclude: [note]\n");
    const args = ["--name", "widen", "--tables", "widened"];
    try {
      const first = await h.run([...args, "--config", excluding, "-e", twoHoursAgo()]);
      assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
      const index = `${h.index}-widened`;
      await h.refresh();
      assert.equal((await h.es.get<{ note?: string }>({ index, id: old }))._source?.note, undefined);

      const next = await h.cli([...h.baseArgs(), "--json", ...args]);
      assert.equal(next.code, EXIT.success, next.stderr);
      const summary = JSON.parse(next.stdout) as Record<string, unknown>;
      assert.equal(tableStats(summary, "widened", "to-es")["written"], 1, next.stdout);
      assert.match(
        next.stderr,
        /table widened \(to-es\) is synced with other columns or fields than the runs .*read from the earliest version/,
      );
      const doc = await h.es.get<{ note?: string }>({ index, id: old });
      assert.equal(doc._source?.note, "kept apart");

      // The checkpoint now covers the table under these settings: the next run reads only its range.
      const again = await h.run(args);
      assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
      assert.equal(tableStats(again.summary, "widened", "to-es")["scanned"], 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Tried as an operator would: a table moved to a new index by its index setting. The run read it
  // whole, as it should, but said its index had been deleted since and was made again.
  it("says a table moved by its index setting was synced to another index, not that its index was deleted", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.moved (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const old = await insert("moved", 3);
    const dir = await mkdtemp(join(tmpdir(), "coverage-moved-"));
    const moving = join(dir, "moving.yaml");
    await writeFile(moving, `tables:\n  moved:\n    index: ${h.index}-elsewhere\n`);
    const args = ["--name", "move", "--tables", "moved"];
    try {
      const first = await h.run([...args, "-e", twoHoursAgo()]);
      assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
      const next = await h.cli([...h.baseArgs(), ...args, "--config", moving]);
      assert.equal(next.code, EXIT.success, next.stderr);
      assert.match(
        next.stderr,
        /table moved \(to-es\) has no index \S+-elsewhere, and the runs that moved this configuration's checkpoint synced it to another \(.*or the one its index setting or -i named before\)/,
      );
      assert.doesNotMatch(next.stderr, /it was deleted since/);
      assert.equal((await h.es.get({ index: `${h.index}-elsewhere`, id: old })).found, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Tried as an operator would: the new index made ahead with its settings only. The run read the table
  // whole into it, but said the index did not exist and that it made it.
  it("says a table moved to an index made ahead has no mapping there yet, not that it has no index", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.premade (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const old = await insert("premade", 3);
    const index = `${h.index}-prepared`;
    const dir = await mkdtemp(join(tmpdir(), "coverage-premade-"));
    const moving = join(dir, "moving.yaml");
    await writeFile(moving, `tables:\n  premade:\n    index: ${index}\n`);
    const args = ["--name", "premade", "--tables", "premade"];
    try {
      const first = await h.run([...args, "-e", twoHoursAgo()]);
      assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
      await h.es.indices.create({ index, settings: { number_of_replicas: 0 } });
      const next = await h.cli([...h.baseArgs(), ...args, "--config", moving]);
      assert.equal(next.code, EXIT.success, next.stderr);
      assert.match(
        next.stderr,
        new RegExp(
          `table premade \\(to-es\\) has no mapping in index ${index} \\(made ahead with its settings only\\), ` +
            "and the runs that moved this configuration's checkpoint synced it to another .*: this run maps it",
        ),
      );
      assert.doesNotMatch(next.stderr, /this run makes/);
      assert.equal((await h.es.get({ index, id: old })).found, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Tried as an operator would: an index deleted while a run wrote to it. Elasticsearch made it again
// from the run's next writes, with field types it guessed, the records written before were gone with
// the first, and the run reported every record written, exit 0, and moved its checkpoint. A run now
// reads the index's identity again after a table's writes, and stops where it changed.
describe("an index deleted while a run writes to it", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("swapped");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.swapped (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
  });
  after(() => h.cleanup());

  it("stops without moving the checkpoint, saying the index was made again", async () => {
    const ids = Array.from({ length: 5 }, () => cassandra.types.Uuid.random().toString());
    const write = async (at: Date, n: number): Promise<void> => {
      for (const id of ids) {
        await h.cassandra.execute(
          `INSERT INTO ${h.keyspace}.swapped (id, tmstmp, n) VALUES (?, ?, ?)`,
          [id, at, n],
          PREPARED,
        );
      }
    };
    await write(new Date(Date.now() - HOUR), 1);
    const first = await h.runEngine({ key: "swapped", begin: new Date(Date.now() - 2 * HOUR) });
    assert.equal(first.outcome, "success", first.error?.message);
    const state = new FileStateStore({ directory: h.stateDir });
    const before = await state.getCheckpoint("swapped");

    await write(new Date(Date.now() - 1000), 2);
    const index = `${h.index}-swapped`;
    const { elasticsearch } = h.stores();
    const second = await h.runEngine({
      key: "swapped",
      elasticsearch: interpose(elasticsearch, async () => {
        await h.es.indices.delete({ index });
      }),
    });
    assert.equal(second.outcome, "failed", JSON.stringify(second.tables));
    assert.match(second.error?.message ?? "", new RegExp(`index ${index} is not the one this run began`));
    assert.match(second.error?.message ?? "", /guessed/);
    assert.deepEqual(await state.getCheckpoint("swapped"), before);
  });
});
