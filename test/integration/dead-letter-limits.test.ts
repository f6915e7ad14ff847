// What an unlucky operator meets with dead letters in each state backend: a record too large for the
// store of letters must not stop the run (its letter keeps the key and the reason, and says what was
// cut, and the record still replays once fixed), and a record that every run meets again must keep
// one letter, not one per run.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;

const uuid = (): string => Uuid.random().toString();

const BACKENDS = ["file", "cassandra", "elasticsearch"] as const;
type Backend = (typeof BACKENDS)[number];

interface ShownLetter {
  readonly id: string;
  readonly reason: string;
  readonly record: Record<string, unknown>;
  readonly recordCut?: { readonly bytes: number; readonly omitted: string[] };
}

describe("dead letters at their limits, in each state backend", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("limits");
    for (const backend of BACKENDS) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.big_${backend} (id uuid PRIMARY KEY, tmstmp timestamp, a text, b text, n int)`,
      );
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.untimed_${backend} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
    }
    // A run of another configuration creates the indices, so documents get synced's mappings.
    assert.equal((await h.run(["--name", "setup"])).code, EXIT.success);
  });
  after(() => h.cleanup());

  /** The flags of one configuration of this test, with its state (and so its letters) in `backend`. */
  function configuration(backend: Backend, name: string, table: string): string[] {
    return [...h.argsWith({ "--state": h.stateIn(backend) }), "--name", name, "--tables", table];
  }

  async function listed(
    args: readonly string[],
  ): Promise<{ key: string; waiting: number; location: string }> {
    const result = await h.cli(["dead-letters", "list", ...args, "--json"]);
    assert.equal(result.code, EXIT.success, result.stderr);
    return JSON.parse(result.stdout) as { key: string; waiting: number; location: string };
  }

  /** The letters of a key as the backend holds them: lines of the file, rows, documents. */
  async function stored(backend: Backend, key: string, location: string): Promise<number> {
    switch (backend) {
      case "file": {
        const lines = (await readFile(location, "utf8")).split("\n").filter((line) => line !== "");
        return lines.length;
      }
      case "cassandra": {
        const rows = await h.cassandra.execute(
          `SELECT COUNT(*) AS n FROM ${h.keyspace}.synced_state_dead_letters WHERE key = ?`,
          [key],
          { prepare: true },
        );
        return Number(rows.rows[0]?.get("n"));
      }
      case "elasticsearch":
        return (await h.es.count({ index: `${h.index}_state-dead-letters`, query: { term: { key } } })).count;
    }
  }

  for (const backend of BACKENDS) {
    it(`stores a cut letter for a record too large for ${backend}, and the run writes the rest`, async () => {
      const table = `big_${backend}`;
      const name = `big-${backend}`;
      const args = configuration(backend, name, table);
      const index = `${h.index}-${table}`;
      const at = new Date(Date.now() - 5_000);
      const [goodRow, bigRow, goodDoc, bigDoc] = [uuid(), uuid(), uuid(), uuid()];
      const insert = `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, a, n) VALUES (?, ?, ?, 7)`;
      await h.cassandra.execute(insert, [goodRow, at, "fine"], { prepare: true });
      // 6.5 MB in two mutations, each under the test Cassandra's 4 MB limit: too large for one
      // request to the search node (6 MB), and for one mutation of the Cassandra letter table.
      await h.cassandra.execute(insert, [bigRow, at, "a".repeat(3_250_000)], { prepare: true });
      await h.cassandra.execute(
        `UPDATE ${h.keyspace}.${table} SET b = ? WHERE id = ?`,
        ["b".repeat(3_250_000), bigRow],
        { prepare: true },
      );
      // 5 MB: over the test Cassandra's mutation limit, which is under the search node's request limit.
      const iso = at.toISOString();
      await h.es.index({ index, id: goodDoc, document: { id: goodDoc, tmstmp: iso, a: "fine" } });
      await h.es.index({
        index,
        id: bigDoc,
        document: { id: bigDoc, tmstmp: iso, a: "d".repeat(5_000_000), n: 7 },
      });
      await h.refresh();

      const run = await h.run(["--name", name, "--tables", table], { state: h.stateIn(backend) });
      assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));
      assert.equal((run.summary["deadLetters"] as { waiting: number }).waiting, 2);
      assert.equal((await h.es.get({ index, id: goodRow })).found, true, "the good row was synced");
      const copied = await h.cassandra.execute(
        `SELECT a FROM ${h.keyspace}.${table} WHERE id = ?`,
        [goodDoc],
        {
          prepare: true,
        },
      );
      assert.equal(copied.rows[0]?.get("a"), "fine", "the good document was synced");

      const list = await h.cli(["dead-letters", "list", ...args, "--json"]);
      const letters = (JSON.parse(list.stdout) as { letters: { letterId: string; id: string }[] }).letters;
      const show = async (id: string): Promise<ShownLetter> => {
        const letterId = letters.find((l) => l.id === id)?.letterId ?? "";
        const shown = await h.cli(["dead-letters", "show", letterId, ...args]);
        assert.equal(shown.code, EXIT.success, shown.stderr);
        return JSON.parse(shown.stdout) as ShownLetter;
      };
      const row = await show(bigRow);
      assert.match(row.reason, /too large/);
      // The columns are in the record's content; the small ones stay.
      const cut = row.recordCut;
      assert.ok(cut, "the letter says its record was cut");
      assert.deepEqual(cut.omitted.toSorted(), ["content.a", "content.b"]);
      assert.ok(cut.bytes > 6_500_000, JSON.stringify(cut));
      assert.equal(row.record["id"], bigRow);
      assert.deepEqual(row.record["content"], { n: 7 });
      const doc = await show(bigDoc);
      assert.match(doc.reason, /too large|oversized/i);
      assert.deepEqual(doc.recordCut?.omitted, ["content.a"]);
      assert.equal(doc.record["id"], bigDoc);
      assert.deepEqual(doc.record["content"], { n: 7 });

      // Fixed at their sources, both replay from what the letters kept: their ids.
      await h.cassandra.execute(
        `UPDATE ${h.keyspace}.${table} SET a = 'small', b = null WHERE id = ?`,
        [bigRow],
        {
          prepare: true,
        },
      );
      await h.es.index({
        index,
        id: bigDoc,
        document: { id: bigDoc, tmstmp: iso, a: "small" },
        refresh: true,
      });
      const replayed = await h.cli(["dead-letters", "replay", ...args]);
      assert.equal(replayed.code, EXIT.success, replayed.stdout + replayed.stderr);
      assert.match(replayed.stdout, /replayed 2 /);
      const synced = await h.es.get<{ a: string }>({ index, id: bigRow });
      assert.equal(synced._source?.a, "small");
      const written = await h.cassandra.execute(
        `SELECT a FROM ${h.keyspace}.${table} WHERE id = ?`,
        [bigDoc],
        {
          prepare: true,
        },
      );
      assert.equal(written.rows[0]?.get("a"), "small");
      assert.equal((await listed(args)).waiting, 0);
    });

    it(`keeps one letter in ${backend} for a record that every run meets again`, async () => {
      const table = `untimed_${backend}`;
      const name = `untimed-${backend}`;
      const untimed = uuid();
      await h.cassandra.execute(`INSERT INTO ${h.keyspace}.${table} (id, n) VALUES (?, 1)`, [untimed], {
        prepare: true,
      });
      for (let run = 1; run <= 3; run++) {
        const result = await h.run(["--name", name, "--tables", table, "--direction", "to-es"], {
          state: h.stateIn(backend),
        });
        assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
        assert.equal((result.summary["deadLetters"] as { count: number }).count, 1, `run ${run}`);
      }
      const { key, waiting, location } = await listed(configuration(backend, name, table));
      assert.equal(waiting, 1);
      assert.equal(await stored(backend, key, location), 1);
    });
  }
});
