// `synced verify` on the real servers: after a run both sides agree; a hard delete in Cassandra and an
// out-of-band change in Elasticsearch, planted by the test, are found and named, with exit 7.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

interface VerifyJson {
  readonly outcome: string;
  readonly differences: number;
  readonly sides: readonly {
    readonly side: string;
    readonly scanned: number;
    readonly equal: number;
    readonly missing: number;
    readonly tie: number;
    readonly differing: readonly { readonly id: string; readonly difference: string }[];
  }[];
}

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
    assert.match(text.stdout, new RegExp(`${changed}  same version, other content on elasticsearch`));
    assert.doesNotMatch(text.stdout, /read from elasticsearch/);
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
      assert.match(text.stdout, /bad: documents .* cannot be read as records/);
    } finally {
      await h.es.delete({ index, id, refresh: true });
    }
  });
});
