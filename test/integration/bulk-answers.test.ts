// synced asks a bulk answer only for the fields it reads (`filter_path`, see BULK_RESULT_FIELDS). On
// the real server, an item the index refuses must still come back with its status and error: the
// record is dead-lettered with the reason the search node gave.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;

interface ListedLetter {
  readonly id: string;
  readonly reason: string;
}

describe("a bulk item the index refuses", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("bulkanswer");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
  });
  after(() => h.cleanup());

  it("is dead-lettered with the search node's own reason, a letter for each record", async () => {
    const ids = [Uuid.random().toString(), Uuid.random().toString()];
    const at = new Date(Date.now() - 5_000);
    for (const id of ids) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.notes (id, tmstmp, body) VALUES (?, ?, 'kept')`,
        [id, at],
        { prepare: true },
      );
    }
    // An index an operator made read-only: every write to it is refused item by item (403).
    await h.es.indices.create({
      index: `${h.index}-notes`,
      settings: { "index.blocks.write": true, number_of_replicas: 0 },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, body: { type: "text" } },
      },
    });
    const name = "refused";
    const run = await h.run(["--name", name, "--tables", "notes", "--direction", "to-es"]);
    assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));

    const listed = await h.cli(["dead-letters", "list", ...h.baseArgs(), "--name", name, "--json"]);
    assert.equal(listed.code, EXIT.success, listed.stderr);
    const letters = (JSON.parse(listed.stdout) as { letters: ListedLetter[] }).letters;
    assert.deepEqual(letters.map((letter) => letter.id).sort(), [...ids].sort());
    for (const letter of letters) {
      assert.match(letter.reason, /refused the document \(cluster_block_exception: .*blocked/, letter.reason);
    }
  });
});
