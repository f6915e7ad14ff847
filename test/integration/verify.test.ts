// `synced verify` on the real servers: after a run both sides agree; a hard delete in Cassandra and an
// out-of-band change in Elasticsearch, planted by the test, are found and named, with exit 7.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { deadLetters, Harness } from "../support/harness.js";
import type { VerifyJson } from "../support/verify-json.js";

const order = (a: string | undefined, b: string | undefined): number => (a ?? "").localeCompare(b ?? "");

const ROWS = 30;

describe("synced verify", () => {
  let h: Harness;
  const ids: string[] = [];
  before(async () => {
    h = await Harness.create("verify");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const at = new Date(Date.now() - 10_000);
    for (let i = 0; i < ROWS; i++) {
      const id = cassandra.types.Uuid.random().toString();
      ids.push(id);
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, ?)`,
        [id, at, i],
        {
          prepare: true,
        },
      );
    }
    assert.equal((await h.run()).code, EXIT.success);
    // The runs here use --lag 0s: what synced just indexed becomes searchable at the next refresh.
    await h.refresh();
  });
  after(() => h.cleanup());

  const verify = async (extra: readonly string[] = []): Promise<{ code: number; report: VerifyJson }> => {
    const result = await h.cli(["verify", ...h.baseArgs(), "--json", ...extra]);
    return { code: result.code, report: JSON.parse(result.stdout) as VerifyJson };
  };

  it("finds both sides equal after a run", async () => {
    const { code, report } = await verify();
    assert.equal(code, EXIT.success);
    assert.equal(report.outcome, "equal");
    assert.deepEqual(
      report.sides.map((s) => [s.side, s.scanned, s.equal]),
      [
        ["cassandra", ROWS, ROWS],
        ["elasticsearch", ROWS, ROWS],
      ],
    );
  });

  // Tried as an operator would: verify took --create-timestamp-index in silence (exit 0), though it
  // creates no index, as if it had been done.
  it("says it creates nothing when given an option that creates schema in a run", async () => {
    const plain = await h.cli(["verify", ...h.baseArgs()]);
    assert.equal(plain.code, EXIT.success, plain.stderr);
    assert.doesNotMatch(plain.stderr, /creates nothing/);
    const given = await h.cli(["verify", ...h.baseArgs(), "--create-timestamp-index"], {
      SYNCED_CREATE_TABLES: "true",
    });
    assert.equal(given.code, EXIT.success, given.stderr);
    assert.match(
      given.stderr,
      /synced verify creates nothing, whatever --create-tables, --create-timestamp-index ask of a run: it compares the tables and indices as they stand/,
    );
    const indexes = await h.cassandra.execute(
      "SELECT index_name FROM system_schema.indexes WHERE keyspace_name = ?",
      [h.keyspace],
      { prepare: true },
    );
    assert.equal(indexes.rowLength, 0);
  });

  it("finds a hard delete and an out-of-band change, naming the ids", async () => {
    const [deleted, changed] = ids;
    assert.ok(deleted !== undefined && changed !== undefined);
    await h.cassandra.execute(`DELETE FROM ${h.keyspace}.things WHERE id = ?`, [deleted], { prepare: true });
    await h.es.update({ index: `${h.index}-things`, id: changed, doc: { n: 999 }, refresh: true });

    const { code, report } = await verify();
    assert.equal(code, EXIT.differ);
    const [fromCassandra, fromEs] = report.sides;
    assert.ok(fromCassandra !== undefined && fromEs !== undefined);
    assert.deepEqual([fromCassandra.missing, fromCassandra.tie, fromEs.missing, fromEs.tie], [0, 1, 1, 1]);
    assert.deepEqual(
      new Set(fromEs.differing.map((d) => `${d.id} ${d.difference}`)),
      new Set([`${deleted} missing`, `${changed} tie`]),
    );
    assert.deepEqual(
      fromCassandra.differing.map((d) => `${d.id} ${d.difference}`),
      [`${changed} tie`],
    );

    // The text form says the same for people, and --direction limits the sides read.
    const text = await h.cli(["verify", ...h.baseArgs(), "--direction", "to-es"]);
    assert.equal(text.code, EXIT.differ);
    // The search side named by its product, as either holds it.
    const search = h.es.productName.toLowerCase();
    assert.match(text.stdout, new RegExp(`${changed}  same version, other content on ${search}`));
    assert.doesNotMatch(text.stdout, new RegExp(`read from ${search}`));
  });

  it("compares only the range it is given", async () => {
    const { code, report } = await verify(["-b", "0", "-e", "2000-01-01T00:00:00Z"]);
    assert.equal(code, EXIT.success);
    assert.deepEqual(
      report.sides.map((s) => s.scanned),
      [0, 0],
    );
  });

  // Tried as an operator would: the text left out the documents that are no records, so
  // its counts of a side did not add up to what it scanned; only --json had them.
  it("counts the documents that are no records in its text too", async () => {
    const index = `${h.index}-things`;
    const id = cassandra.types.Uuid.random().toString();
    // Under an _id that is not its id field's: a run dead-letters it.
    const tmstmp = new Date(Date.now() - 60_000).toISOString();
    const other = cassandra.types.Uuid.random().toString();
    await h.es.index({ index, id, document: { id: other, tmstmp, n: 1 }, refresh: true });
    try {
      const text = await h.cli(["verify", ...h.baseArgs(), "--direction", "to-cassandra"]);
      const header = text.stdout.split("\n").find((line) => line.startsWith("table"));
      const row = text.stdout.split("\n").find((line) => line.startsWith("things"));
      assert.ok(header !== undefined && row !== undefined, text.stdout);
      const cells = new Map(
        header
          .trim()
          .split(/ {2,}/)
          .map((name, i) => [name, row.trim().split(/ {2,}/)[i]]),
      );
      assert.equal(cells.get("bad"), "1", text.stdout);
      assert.match(text.stdout, /bad: records that cannot be read as records/);
    } finally {
      await h.es.delete({ index, id, refresh: true });
    }
  });

  // Tried as an operator would: documents dated behind the checkpoint that synced cannot read were
  // counted but never named, the hint sent to a dead-letters list no incremental run fills, and
  // verify and verify --repair --copy-missing exited 0 with them still in the index.
  it("names the records it cannot read, says how to dead-letter them, and exits 7", async () => {
    // A table of its own: the differences planted above stay in things.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.marks (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const only = ["--tables", "marks"];
    assert.equal((await h.run(only)).code, EXIT.success);
    const index = `${h.index}-marks`;
    const day = 86_400_000;
    const planted = [3, 2].map((days) => ({
      documentId: cassandra.types.Uuid.random().toString(),
      id: cassandra.types.Uuid.random().toString(),
      tmstmp: new Date(Date.now() - days * day).toISOString(),
    }));
    for (const p of planted) {
      await h.es.index({ index, id: p.documentId, document: { id: p.id, tmstmp: p.tmstmp, n: 1 } });
    }
    await h.refresh();
    const earliest = planted[0]?.tmstmp ?? "";
    try {
      const { code, report } = await verify(only);
      assert.equal(code, EXIT.differ);
      assert.equal(report.outcome, "different");
      const fromEs = report.sides.find((s) => s.side === "elasticsearch");
      assert.ok(fromEs !== undefined);
      assert.equal(fromEs.bad, 2);
      assert.deepEqual(
        fromEs.badRecords.map((b) => [b.documentId, b.id, b.version]).sort((a, b) => order(a[2], b[2])),
        planted.map((p) => [p.documentId, p.id, p.tmstmp.replace("Z", "000Z")]),
      );
      for (const b of fromEs.badRecords) assert.match(b.reason, /differs from the document _id/);
      assert.equal(report.backfillFrom, earliest.replace("Z", "000Z"));

      // --limit bounds the list as it bounds the differing ids.
      const limited = await verify([...only, "--limit", "1"]);
      const listed = limited.report.sides.find((s) => s.side === "elasticsearch");
      assert.deepEqual([listed?.bad, listed?.badRecords.length], [2, 1]);

      const text = await h.cli(["verify", ...h.baseArgs(), ...only, "--limit", "1"]);
      assert.equal(text.code, EXIT.differ);
      const either = planted.map((p) => p.documentId).join("|");
      assert.match(text.stdout, new RegExp(`(${either})  bad: field 'id'`));
      assert.match(text.stdout, /\.\.\. and 1 more bad \(--limit shows more\)/);
      assert.doesNotMatch(text.stdout, /both sides agree/);
      const hint = /-b (\S+) -e now/.exec(text.stdout);
      assert.ok(hint?.[1] !== undefined, text.stdout);

      const repair = await h.cli(["verify", ...h.baseArgs(), ...only, "--repair", "--copy-missing"]);
      assert.equal(repair.code, EXIT.differ, repair.stdout);

      // An incremental run does not meet them; the backfill the hint gives dead-letters both.
      assert.equal((await h.run(only)).code, EXIT.success);
      const backfill = await h.run([...only, "-b", hint[1], "-e", "now"]);
      assert.equal(backfill.code, EXIT.partial);
      const letters = await deadLetters(backfill.summary);
      assert.deepEqual(new Set(letters.map((l) => l.id)), new Set(planted.map((p) => p.id)));
    } finally {
      for (const p of planted) await h.es.delete({ index, id: p.documentId, refresh: true });
    }
  });

  // Tried as an operator would, to be sure a backfill left nothing behind: a row without a tmstmp and
  // a document dated two days ahead, which every run dead-letters, were on one side only, and verify
  // said both sides agree, exit 0.
  it("counts a record without a version and one dated past --max-future as bad, and exits 7", async () => {
    const untimed = cassandra.types.Uuid.random().toString();
    const ahead = cassandra.types.Uuid.random().toString();
    const index = `${h.index}-things`;
    await h.cassandra.execute(`INSERT INTO ${h.keyspace}.things (id, n) VALUES (?, 1)`, [untimed], {
      prepare: true,
    });
    const tmstmp = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await h.es.index({ index, id: ahead, document: { id: ahead, tmstmp, n: 2 }, refresh: true });
    try {
      const { code, report } = await verify(["--tables", "things"]);
      assert.equal(code, EXIT.differ, JSON.stringify(report));
      const bad = (side: string) => report.sides.find((s) => s.side === side)?.badRecords ?? [];
      assert.deepEqual(
        bad("cassandra").map((b) => b.id),
        [untimed],
      );
      assert.match(bad("cassandra")[0]?.reason ?? "", /no tmstmp/);
      assert.deepEqual(
        bad("elasticsearch").map((b) => b.id),
        [ahead],
      );
      assert.match(bad("elasticsearch")[0]?.reason ?? "", /far in the future/);
      // Every run meets both: no backfill is asked for (it was one from 0001-01-01 for the row).
      assert.equal(report.backfillFrom, undefined);
    } finally {
      await h.cassandra.execute(`DELETE FROM ${h.keyspace}.things WHERE id = ?`, [untimed], {
        prepare: true,
      });
      await h.es.delete({ index, id: ahead, refresh: true });
    }
  });
});
