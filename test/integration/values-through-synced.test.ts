// Every CQL type, extremes and nulls included, makes the whole trip through synced itself: a table is
// copied to Elasticsearch by one run, and from there into an identical table of another keyspace by
// a second run; both tables then hold the same values.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";
import { runScopedName } from "../support/servers.js";
import { ADDRESS_TYPE, comparable, valueFixtures, type ValueFixtures } from "../support/value-fixtures.js";

const { Uuid } = cassandra.types;

describe("every CQL type through synced", () => {
  let h: Harness;
  const copy = runScopedName("copy");
  const ids = [1, 2, 3, 4].map(() => Uuid.random().toString());
  let values: ValueFixtures;

  async function createTable(keyspace: string): Promise<void> {
    await h.cassandra.execute(`CREATE TYPE ${keyspace}.address ${ADDRESS_TYPE}`);
    await h.cassandra.execute(
      `CREATE TABLE ${keyspace}.allvalues (id uuid PRIMARY KEY, tmstmp timestamp, ${values.columns})`,
    );
  }

  before(async () => {
    h = await Harness.create("types");
    values = valueFixtures(h.capabilities.release);
    await h.cassandra.execute(
      `CREATE KEYSPACE ${copy} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await createTable(h.keyspace);
    await createTable(copy);
    const names = values.fixtures.map(([name]) => name);
    const insert = `INSERT INTO ${h.keyspace}.allvalues (id, tmstmp, ${names.join(", ")}) VALUES (?, ?, ${names
      .map(() => "?")
      .join(", ")})`;
    const at = new Date(Date.now() - 10_000);
    for (const [i, row] of values.rows.entries()) {
      const values = names.map((name) => (row as Record<string, unknown>)[name] ?? null);
      await h.cassandra.execute(insert, [ids[i], at, ...values], { prepare: true });
    }
  });
  after(async () => {
    await h.cassandra.execute(`DROP KEYSPACE IF EXISTS ${copy}`);
    await h.cleanup();
  });

  it("copies every column to Elasticsearch and back into another keyspace without loss", async () => {
    const out = await h.run(["--direction", "to-es", "--name", "out"]);
    assert.equal(out.code, EXIT.success, JSON.stringify(out.summary));
    assert.equal(tableStats(out.summary, "allvalues", "to-es")["written"], values.rows.length);
    await h.refresh();

    const back = await h.run(["--direction", "to-cassandra", "--name", "back"], { keyspace: copy });
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal(tableStats(back.summary, "allvalues", "to-cassandra")["written"], values.rows.length);

    for (const id of ids) {
      const read = async (keyspace: string) =>
        (
          await h.cassandra.execute(`SELECT * FROM ${keyspace}.allvalues WHERE id = ?`, [id], {
            prepare: true,
          })
        ).first();
      const [original, copied] = [await read(h.keyspace), await read(copy)];
      for (const [name] of values.fixtures) {
        assert.deepEqual(comparable(copied.get(name)), comparable(original.get(name)), `${name} of ${id}`);
      }
      assert.equal((copied.get("tmstmp") as Date).getTime(), (original.get("tmstmp") as Date).getTime());
      // Cassandra's own JSON of the rows, which no decoding by the driver can blur (a set<double>
      // read as a JS Set held -0.0 and 0.0 as one element).
      const json = async (keyspace: string) =>
        (
          await h.cassandra.execute(`SELECT JSON * FROM ${keyspace}.allvalues WHERE id = ?`, [id], {
            prepare: true,
          })
        )
          .first()
          .get("[json]") as string;
      assert.equal(await json(copy), await json(h.keyspace), `the row ${id}`);
    }

    const rerun = await h.run(["--name", "back", "-b", "0"], { keyspace: copy });
    assert.equal(
      (rerun.summary["totals"] as Record<string, number>)["written"],
      0,
      JSON.stringify(rerun.summary),
    );
  });
});
