// `synced verify` over a range of a versioned table: a record changed since the range has its newest
// row after it, the copy the index holds. Both sides agree on it, so it is no difference.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";
import type { VerifyJson } from "../support/verify-json.js";

const { Uuid, TimeUuid } = cassandra.types;
const HOUR = 3_600_000;

describe("verify of a versioned table over an older range", () => {
  let h: Harness;
  const changed = Uuid.random().toString();
  const unsynced = Uuid.random().toString();

  before(async () => {
    h = await Harness.create("vver");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.events (id uuid, tmstmp timeuuid, n int, PRIMARY KEY ((id), tmstmp))`,
    );
    const insert = (id: string, at: number, n: number) =>
      h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.events (id, tmstmp, n) VALUES (?, ?, ?)`,
        [id, TimeUuid.fromDate(new Date(at)), n],
        { prepare: true },
      );
    const now = Date.now();
    // Written two hours ago and changed ten minutes ago; a run copies its newest row.
    await insert(changed, now - 2 * HOUR, 1);
    await insert(changed, now - HOUR / 6, 2);
    const run = await h.run();
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    await h.refresh();
    // A record changed in the index after the run, with no row of that version: a real difference.
    await insert(unsynced, now - 2 * HOUR, 1);
    const id = unsynced;
    await h.es.index({
      index: `${h.index}-events`,
      id,
      document: { id, tmstmp: new Date(now - HOUR / 6).toISOString(), n: 2 },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  // Tried as an operator would, sizing --lookback as README suggests: verify over a range of three
  // hours to one hour ago listed every record of a versioned table changed since as newer in
  // Elasticsearch, and exited 7, though both sides held the same newest version.
  it("counts a record whose newest row lies after the range, the index's copy, as equal", async () => {
    const begin = new Date(Date.now() - 3 * HOUR).toISOString();
    const end = new Date(Date.now() - HOUR).toISOString();
    const result = await h.cli(["verify", ...h.baseArgs(), "--json", "-b", begin, "-e", end]);
    const report = JSON.parse(result.stdout) as VerifyJson;
    const cassandraSide = report.sides.find((s) => s.side === "cassandra");
    assert.deepEqual(
      [cassandraSide?.scanned, cassandraSide?.equal, cassandraSide?.newer],
      [2, 1, 1],
      JSON.stringify(report),
    );
    assert.deepEqual(
      cassandraSide?.differing.map((d) => [d.id, d.difference]),
      [[unsynced, "newer"]],
    );
    assert.equal(result.code, EXIT.differ, result.stderr);
  });
});
