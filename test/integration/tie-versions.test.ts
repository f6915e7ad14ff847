// A tie (the same version in full, other content) between a versioned table whose timeuuid keeps
// microseconds and an index that keeps them too: one run settles it, and the runs after it write
// nothing more, add no second row of the same content, and count nothing as late. In a versioned table
// of milliseconds, a document that wins against a row of its millisecond becomes a row of the next.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";

const { Uuid, TimeUuid } = cassandra.types;

describe("ties between microsecond copies", () => {
  let h: Harness;
  /** Each test's own table and configuration, so that what one leaves cannot count in another. */
  const name = (table: string): string[] => ["--tables", table, "--name", table];

  before(async () => {
    h = await Harness.create("ties");
    for (const table of ["row_wins", "doc_wins", "won_again"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid, tmstmp timeuuid, body text, note text, extra text, PRIMARY KEY ((id), tmstmp))`,
      );
      // The first run creates the index (date_nanos) and a checkpoint for the runs below to continue from.
      const first = await h.run(name(table));
      assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    }
    // A versioned table of milliseconds, whose index keeps microseconds.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.ms_rows (id uuid, tmstmp timestamp, body text, note text, PRIMARY KEY ((id), tmstmp))`,
    );
    const first = await h.run(name("ms_rows"));
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
  });
  after(() => h.cleanup());

  /** A row and a document of one record at the same instant; `fuller` holds a note the other lacks. */
  async function tie(
    table: string,
    fuller: "cassandra" | "elasticsearch",
  ): Promise<{ id: string; at: Date }> {
    const id = Uuid.random().toString();
    const at = new Date();
    const note = (side: string) => (side === fuller ? "kept" : null);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, body, note) VALUES (?, ?, 'same', ?)`,
      [id, TimeUuid.fromDate(at, 0), note("cassandra")],
      { prepare: true },
    );
    await h.es.index({
      index: `${h.index}-${table}`,
      id,
      document: { id, tmstmp: at.toISOString(), body: "same", note: note("elasticsearch") },
      refresh: true,
    });
    return { id, at };
  }

  async function rows(table: string, id: string): Promise<{ at: string; note: unknown }[]> {
    const result = await h.cassandra.execute(
      `SELECT tmstmp, note FROM ${h.keyspace}.${table} WHERE id = ?`,
      [id],
      { prepare: true },
    );
    return result.rows.map((r) => ({
      at: (r.get("tmstmp") as cassandra.types.TimeUuid).getDate().toISOString(),
      note: r.get("note") as unknown,
    }));
  }

  async function document(table: string, id: string): Promise<Record<string, unknown> | undefined> {
    const got = await h.es.get<Record<string, unknown>>({ index: `${h.index}-${table}`, id });
    return got._source;
  }

  // Tried as an operator would: a column filled in place in a versioned table made every record a tie
  // the row won; the run wrote each document 1 µs above the row's version, and the next run copied
  // that version back as a second row of the same content, counting each record as arrived late.
  it("writes the row that wins into the index at the version it tied with, and nothing after", async () => {
    const { id, at } = await tie("row_wins", "cassandra");
    const settled = await h.run(name("row_wins"));
    assert.equal(settled.code, EXIT.success, JSON.stringify(settled.summary));
    assert.equal(tableStats(settled.summary, "row_wins", "to-es")["written"], 1);
    const doc = await document("row_wins", id);
    assert.deepEqual([doc?.["tmstmp"], doc?.["note"]], [at.toISOString().replace("Z", "000Z"), "kept"]);

    await h.refresh();
    const next = await h.run(name("row_wins"));
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    assert.deepEqual(
      [totalWritten(next.summary), (next.summary["totals"] as Record<string, number>)["late"]],
      [0, 0],
      JSON.stringify(next.summary),
    );
    assert.deepEqual(await rows("row_wins", id), [{ at: at.toISOString(), note: "kept" }]);
  });

  // Tried as an operator would: a document that won a tie against a row of a timeuuid table was
  // written as a row one microsecond above it, so the next run copied that version back into the
  // index, a write of content the index held already, and only the run after it wrote nothing.
  it("settles a tie the index wins in one run, as a row of the same microsecond above the one it beat", async () => {
    const { id, at } = await tie("doc_wins", "elasticsearch");
    const settled = await h.run(name("doc_wins"));
    assert.equal(settled.code, EXIT.success, JSON.stringify(settled.summary));
    assert.equal(tableStats(settled.summary, "doc_wins", "to-cassandra")["written"], 1);
    // The winner is a row of its own at the same microsecond, sorted above the row it tied with, so it
    // is the newest.
    assert.deepEqual(await rows("doc_wins", id), [
      { at: at.toISOString(), note: null },
      { at: at.toISOString(), note: "kept" },
    ]);

    await h.refresh();
    const next = await h.run(name("doc_wins"));
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    assert.deepEqual(
      [totalWritten(next.summary), (next.summary["totals"] as Record<string, number>)["late"]],
      [0, 0],
      JSON.stringify(next.summary),
    );
    assert.equal((await rows("doc_wins", id)).length, 2);
    const doc = await document("doc_wins", id);
    assert.deepEqual([doc?.["tmstmp"], doc?.["note"]], [at.toISOString(), "kept"]);
  });

  // The row a tie's winner became holds the top timeuuid of its microsecond: a second tie at that
  // version, won again by the index, cannot go above it there, and goes one microsecond above.
  it("writes a document that wins again at a version it won before one microsecond above", async () => {
    const { id, at } = await tie("won_again", "elasticsearch");
    assert.equal((await h.run(name("won_again"))).code, EXIT.success);
    await h.es.index({
      index: `${h.index}-won_again`,
      id,
      document: { id, tmstmp: at.toISOString(), body: "same", note: "kept", extra: "more" },
      refresh: true,
    });
    const again = await h.run(name("won_again"));
    assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
    assert.equal(tableStats(again.summary, "won_again", "to-cassandra")["written"], 1);
    // The index's copy is brought up to that version by the next run, and the one after writes nothing.
    await h.refresh();
    const copied = await h.run(name("won_again"));
    assert.deepEqual(
      [tableStats(copied.summary, "won_again", "to-es")["written"], totalWritten(copied.summary)],
      [1, 1],
      JSON.stringify(copied.summary),
    );
    await h.refresh();
    const last = await h.run(name("won_again"));
    assert.equal(totalWritten(last.summary), 0, JSON.stringify(last.summary));
    assert.equal((await rows("won_again", id)).length, 3);
    assert.equal((await document("won_again", id))?.["extra"], "more");
  });

  // Tried as an operator would: in a versioned table whose tmstmp is a timestamp, one microsecond above
  // the row a document tied with (or a document later within the row's millisecond) is that same row.
  // The winner was written over it with its version as the write time, below that of the
  // application's insert, so it never landed: every run wrote it again, reported it written, and the
  // table kept the row's content and never the document's.
  it("writes a document that wins against a row of its millisecond as a row of the next millisecond", async () => {
    const cases = [
      { id: Uuid.random().toString(), micros: "000" }, // the same version in full: the fuller copy wins
      { id: Uuid.random().toString(), micros: "300" }, // later within the millisecond: the document wins
    ];
    // Dated a minute back, as a row written earlier and filled in place since would be.
    const at = new Date(Date.now() - 60_000);
    for (const { id, micros } of cases) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.ms_rows (id, tmstmp, body, note) VALUES (?, ?, 'same', null)`,
        [id, at],
        { prepare: true },
      );
      await h.es.index({
        index: `${h.index}-ms_rows`,
        id,
        document: { id, tmstmp: at.toISOString().replace("Z", `${micros}Z`), body: "same", note: "kept" },
        refresh: true,
      });
    }
    const backfill = [...name("ms_rows"), "-b", new Date(at.getTime() - 1000).toISOString()];
    const settled = await h.run(backfill);
    assert.equal(settled.code, EXIT.success, JSON.stringify(settled.summary));
    assert.equal(tableStats(settled.summary, "ms_rows", "to-cassandra")["written"], 2);
    const next = new Date(at.getTime() + 1).toISOString();
    for (const { id } of cases) {
      const held = await h.cassandra.execute(
        `SELECT tmstmp, note FROM ${h.keyspace}.ms_rows WHERE id = ?`,
        [id],
        { prepare: true },
      );
      assert.deepEqual(
        held.rows.map((r) => [(r.get("tmstmp") as Date).toISOString(), r.get("note") as unknown]),
        [
          [at.toISOString(), null],
          [next, "kept"],
        ],
      );
    }

    // The next run brings the documents up to that version, and the one after writes nothing.
    await h.refresh();
    const copied = await h.run(backfill);
    assert.equal(copied.code, EXIT.success, JSON.stringify(copied.summary));
    assert.deepEqual(
      [tableStats(copied.summary, "ms_rows", "to-es")["written"], totalWritten(copied.summary)],
      [2, 2],
      JSON.stringify(copied.summary),
    );
    await h.refresh();
    const last = await h.run(backfill);
    assert.equal(totalWritten(last.summary), 0, JSON.stringify(last.summary));
    for (const { id } of cases) {
      const doc = await document("ms_rows", id);
      assert.deepEqual([doc?.["tmstmp"], doc?.["note"]], [next.replace("Z", "000Z"), "kept"]);
    }
  });
});
