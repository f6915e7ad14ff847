// Streaming: the job copies and then compares a table several times larger than its heap may grow,
// because it holds only a few batches at a time, never the table or its ids.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;
const ROWS = 60_000;
const BODY_BYTES = 3_000;
// Node itself, the drivers and a few batches in flight need about 60 MB; 96 leaves room for them
// while the table, half as large again, cannot fit.
const HEAP_MB = 96;

describe("a table larger than the heap", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("heap");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.big (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    const at = new Date(Date.now() - 60_000);
    const body = "x".repeat(BODY_BYTES);
    const rows = Array.from({ length: ROWS }, () => [Uuid.random(), at, body]);
    await cassandra.concurrent.executeConcurrent(
      h.cassandra,
      `INSERT INTO ${h.keyspace}.big (id, tmstmp, body) VALUES (?, ?, ?)`,
      rows,
      { concurrencyLevel: 64 },
    );
  });
  after(() => h.cleanup());

  it(`copies and compares ${ROWS} rows of ${BODY_BYTES} bytes under a ${HEAP_MB} MB heap`, async () => {
    assert.ok(ROWS * BODY_BYTES > 1.5 * HEAP_MB * 1024 * 1024, "the data must outgrow the heap");
    const env = { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` };
    const copy = await h.cli([...h.baseArgs(), "--json", "--direction", "to-es", "-b", "0"], env);
    assert.equal(copy.code, EXIT.success, copy.stderr.slice(-2000));
    const copied = JSON.parse(copy.stdout) as { totals: { written: number } };
    assert.equal(copied.totals.written, ROWS);
    await h.refresh();
    assert.equal((await h.es.count({ index: `${h.index}-big` })).count, ROWS);

    // Both directions over everything: every record read on both sides and compared, none written.
    const compare = await h.cli([...h.baseArgs(), "--json", "-b", "0"], env);
    assert.equal(compare.code, EXIT.success, compare.stderr.slice(-2000));
    const compared = JSON.parse(compare.stdout) as { totals: { written: number; unchanged: number } };
    assert.deepEqual(compared.totals.written, 0);
    assert.equal(compared.totals.unchanged, 2 * ROWS);
  });
});
