// An index that keeps no `_source` (`"_source": {"enabled": false}`, made to save disk): synced cannot
// read its documents back, to compare them or to copy them to Cassandra. Tried as an operator would,
// every record of such a table was dead-lettered in both directions on every run, with the reason
// "no 'tmstmp' field". Now the table is refused, saying why and what to do, and the others are synced.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

describe("an index that keeps no _source", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("nosource");
    for (const table of ["lean", "plain"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
      );
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, 1)`,
        [cassandra.types.Uuid.random(), new Date(Date.now() - 60_000)],
        { prepare: true },
      );
    }
    await h.es.indices.create({
      index: `${h.index}-lean`,
      mappings: {
        _source: { enabled: false },
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, n: { type: "integer" } },
      },
    });
  });
  after(() => h.cleanup());

  it("refuses its table, saying why and what to do, and dead-letters nothing", async () => {
    const { code, summary } = await h.run(["-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["lean"],
    );
    assert.match(refused[0]?.reason ?? "", new RegExp(`index ${h.index}-lean keeps no _source`));
    assert.match(
      refused[0]?.reason ?? "",
      /Give the table a new index \(the config file's tables\.lean\.index/,
    );
    assert.equal((summary["deadLetters"] as { count: number }).count, 0);
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
  });
});
