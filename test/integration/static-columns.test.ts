// A versioned table with a static column: its one value is shared by every version row of a
// partition, so a new version written over it must land above the static cell, whatever time the
// application wrote that cell at. Tried as an operator would: a document newer in Elasticsearch was
// written as a new version row whose static cell kept Cassandra's old value (the write time synced gave
// it, the version's, lay below the cell's), counted as written; every run after wrote one more version
// row a microsecond up, and the value never arrived. A partition holding only a static value (no
// version row) was dead-lettered as a row without tmstmp, whose advice, to set it, cannot be followed
// on a clustering column. Each case runs with the capabilities read from the server and with those of
// Cassandra 4.1, whose writetime() reads no non-frozen collection.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { capabilitiesOf, type CassandraCapabilities } from "../../src/stores/cassandra/capabilities.js";
import { Harness } from "../support/harness.js";

const CASSANDRA_41 = capabilitiesOf(["4.1.10"]);
const PREPARED = { prepare: true } as const;

describe("a versioned table with static columns, written from Elasticsearch", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("static");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.rooms (id text, tmstmp timestamp, s text static, tags set<text> static, ` +
        `n int, PRIMARY KEY ((id), tmstmp))`,
    );
    const first = await h.runEngine({ key: "static" });
    assert.equal(first.outcome, "success", first.error?.message);
  });
  after(() => h.cleanup());

  const variants = (): [string, CassandraCapabilities][] => [
    [`as read from the server (${h.capabilities.release})`, h.capabilities],
    ["as on Cassandra 4.1", CASSANDRA_41],
  ];

  async function newest(id: string): Promise<{ tmstmp: unknown; s: unknown; tags: unknown; n: unknown }> {
    const result = await h.cassandra.execute(
      `SELECT tmstmp, s, tags, n FROM ${h.keyspace}.rooms WHERE id = ? ORDER BY tmstmp DESC LIMIT 1`,
      [id],
      PREPARED,
    );
    const row = result.first();
    const tags = row.get("tags") as Iterable<string> | null;
    return {
      tmstmp: (row.get("tmstmp") as Date | null)?.toISOString(),
      s: row.get("s"),
      tags: tags === null ? null : [...tags].sort(),
      n: row.get("n"),
    };
  }

  async function document(id: string, at: Date, fields: Record<string, unknown>): Promise<void> {
    await h.es.index({
      index: `${h.index}-rooms`,
      id,
      document: { id, tmstmp: at.toISOString(), ...fields },
      refresh: true,
    });
  }

  it("lands a newer document's static values above the cells an application wrote later", async () => {
    for (const [label, capabilities] of variants()) {
      const suffix = capabilities === CASSANDRA_41 ? "-41" : "";
      const older = new Date(Date.now() - 3_600_000);
      const newer = new Date(Date.now() - 1_800_000);
      // The application writes its row now, at the version an hour ago: the cells' write time is now.
      const kept = `kept${suffix}`;
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.rooms (id, tmstmp, s, tags, n) VALUES (?, ?, 'old', {'old'}, 1)`,
        [kept, older],
        PREPARED,
      );
      await document(kept, newer, { s: "new", tags: ["new"], n: 2 });
      // A document without the static value: the new version holds none, not the old one.
      const cleared = `cleared${suffix}`;
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.rooms (id, tmstmp, s, tags, n) VALUES (?, ?, 'old', {'old'}, 1)`,
        [cleared, older],
        PREPARED,
      );
      await document(cleared, newer, { n: 2 });
      // A partition holding only static values, no version row: the record is absent there.
      const lonely = `lonely${suffix}`;
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.rooms (id, s, tags) VALUES (?, 'old', {'old'})`,
        [lonely],
        PREPARED,
      );
      await document(lonely, newer, { s: "new", tags: ["new"], n: 2 });

      const report = await h.runEngine({ key: `static${suffix}`, capabilities, begin: new Date(0) });
      assert.equal(report.outcome, "success", `${label}: ${JSON.stringify(report.tables)}`);
      assert.equal(report.deadLettered, 0, label);
      const at = newer.toISOString();
      assert.deepEqual(await newest(kept), { tmstmp: at, s: "new", tags: ["new"], n: 2 }, label);
      assert.deepEqual(await newest(cleared), { tmstmp: at, s: null, tags: null, n: 2 }, label);
      assert.deepEqual(await newest(lonely), { tmstmp: at, s: "new", tags: ["new"], n: 2 }, label);

      // Converged: the same range again writes nothing.
      const again = await h.runEngine({ key: `static${suffix}`, capabilities, begin: new Date(0) });
      assert.equal(again.outcome, "success", label);
      const written = again.tables.reduce((sum, t) => sum + t.written, 0);
      assert.equal(written, 0, `${label}: ${JSON.stringify(again.tables)}`);
    }
  });
});
