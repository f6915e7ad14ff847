// A table's own key, timestamp and tombstone columns, set in the config file's `tables:` mapping, on
// the real servers: a table whose version column is `updated_at` and whose deletes are marked in
// `removed` is synced both ways beside a table that keeps the flags' defaults, and what the schema
// contradicts is refused with exit 2, naming the config file and the key to fix.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { assertConfigRefused } from "../support/config-refusal.js";
import { Harness, tableStats } from "../support/harness.js";

const PREPARED = { prepare: true } as const;

describe("a table's own id, timestamp and tombstone columns", () => {
  let h: Harness;
  let dir: string;
  let settings: string;
  const noteId = cassandra.types.Uuid.random().toString();
  const at = (secondsAgo: number): Date => new Date(Date.now() - secondsAgo * 1000);

  const config = async (name: string, lines: readonly string[]): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, `${lines.join("\n")}\n`);
    return path;
  };
  const run = (...args: string[]) => h.run(["--config", settings, "-b", "0", ...args]);
  const event = async (account: string, eventId: bigint): Promise<cassandra.types.Row | undefined> => {
    const result = await h.cassandra.execute(
      `SELECT updated_at, removed, body FROM ${h.keyspace}.events WHERE account = ? AND event_id = ?`,
      [account, eventId],
      PREPARED,
    );
    return result.rows[0];
  };

  before(async () => {
    h = await Harness.create("tablecolumns");
    dir = await mkdtemp(join(tmpdir(), "table-columns-"));
    // No tmstmp and no deleted column: the table's own names say which column is which.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.events (account text, event_id bigint, updated_at timestamp, ` +
        "removed boolean, body text, PRIMARY KEY ((account), event_id))",
    );
    // A table with the default names, synced by the same run.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id uuid PRIMARY KEY, tmstmp timestamp, deleted boolean, body text)`,
    );
    settings = await config("synced.yaml", [
      "tables:",
      "  events:",
      "    id: [account, event_id]",
      "    timestamp: updated_at",
      "    tombstone: removed",
    ]);
  });
  after(async () => {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("syncs a table by its own timestamp column beside one that keeps the defaults", async () => {
    const written = at(300);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.events (account, event_id, updated_at, body) VALUES (?, ?, ?, ?)`,
      ["acme", 1n, written, "opened"],
      PREPARED,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.notes (id, tmstmp, body) VALUES (?, ?, ?)`,
      [noteId, written, "a note"],
      PREPARED,
    );
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "events", "to-es")["written"], 1);
    assert.equal(tableStats(result.summary, "notes", "to-es")["written"], 1);

    await h.es.indices.refresh({ index: `${h.index}-events` });
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-events`, id: "acme|1" });
    const source = doc._source ?? {};
    assert.equal(source["account"], "acme");
    assert.equal(source["event_id"], 1);
    assert.equal(source["body"], "opened");
    assert.equal(Date.parse(String(source["updated_at"])), written.getTime());
    assert.equal(source["tmstmp"], undefined);
    const mapping = Object.values(await h.search.readMappings({ index: `${h.index}-events` }))[0] ?? {};
    assert.equal(mapping["updated_at"]?.type, "date_nanos");
    assert.equal(mapping["removed"]?.type, "boolean");
  });

  it("writes a newer document back by the table's own timestamp, and loses to a newer row", async () => {
    await h.es.index({
      index: `${h.index}-events`,
      id: "acme|1",
      document: { account: "acme", event_id: 1, updated_at: at(60).toISOString(), body: "edited" },
      refresh: true,
    });
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.events (account, event_id, updated_at, body) VALUES (?, ?, ?, ?)`,
      ["acme", 2n, at(30), "newest in Cassandra"],
      PREPARED,
    );
    await h.es.index({
      index: `${h.index}-events`,
      id: "acme|2",
      document: { account: "acme", event_id: 2, updated_at: at(90).toISOString(), body: "stale" },
      refresh: true,
    });
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal((await event("acme", 1n))?.get("body"), "edited");
    assert.equal((await event("acme", 2n))?.get("body"), "newest in Cassandra");
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-events`, id: "acme|2" });
    assert.equal(doc._source?.["body"], "newest in Cassandra");
  });

  it("carries the table's own tombstone column both ways", async () => {
    await h.es.index({
      index: `${h.index}-events`,
      id: "acme|1",
      document: { account: "acme", event_id: 1, updated_at: at(10).toISOString(), removed: true },
      refresh: true,
    });
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal((await event("acme", 1n))?.get("removed"), true);
  });

  it("finds nothing to write when run again over the same range", async () => {
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    for (const table of ["events", "notes"]) {
      for (const direction of ["to-es", "to-cassandra"] as const) {
        assert.equal(tableStats(result.summary, table, direction)["written"], 0, `${table} ${direction}`);
      }
    }
  });

  describe("refused with exit 2", () => {
    const refusals: [string, string[], RegExp][] = [
      [
        "a timestamp column the table lacks",
        ["tables:", "  events:", "    timestamp: updated", "    tombstone: removed"],
        /key tables\.events\.timestamp: table \w+\.events has no column 'updated' \(closest: updated_at\)/,
      ],
      [
        "a tombstone column the table lacks",
        ["tables:", "  events:", "    timestamp: updated_at", "    tombstone: remove"],
        /key tables\.events\.tombstone: table \w+\.events has no column 'remove' \(closest: removed\)/,
      ],
      [
        "an id that is not the table's key",
        ["tables:", "  events:", "    id: event_id", "    timestamp: updated_at"],
        /key tables\.events\.id: the key of \w+\.events is \(account, event_id\), not \(event_id\)/,
      ],
      [
        "a timestamp column of a type no version can be read from",
        ["tables:", "  events:", "    timestamp: body"],
        /key tables\.events\.timestamp: 'body' is text, not timeuuid or timestamp/,
      ],
    ];
    for (const [what, lines, message] of refusals) {
      it(`refuses ${what}, keeping the checkpoint`, async () => {
        const file = await config(`${what.replaceAll(/\W+/g, "-")}.yaml`, lines);
        await assertConfigRefused(h, file, message);
      });
    }

    it("refuses a timestamp that is also the tombstone without connecting", async () => {
      const file = await config("same.yaml", [
        "tables:",
        "  events:",
        "    timestamp: removed",
        "    tombstone: removed",
      ]);
      const args = [
        ...h.argsWith({ "--es-nodes": "http://127.0.0.1:1", "--cassandra-port": "1" }),
        "--config",
        file,
      ];
      const result = await h.cli(args);
      assert.equal(result.code, EXIT.usage, result.stderr);
      assert.match(result.stderr, /key tables\.events\.tombstone: 'removed' is the timestamp column too/);
    });
  });
});
