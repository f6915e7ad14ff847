// Cassandra requests whose answer is lost after the server did the work (the connection broke at the
// worst moment): synced sends each again, or the driver does for one marked idempotent, and repeating
// it must change nothing that the first one did not. A page is read again by its paging state, a row
// is read again, a batch of writes each with its own write time writes the same cells (and a
// versioned table gets no second version row), and a lightweight transaction asked again after it
// applied no longer meets its condition, so the record is read again and, holding what was sent,
// counted written. A relay between synced and the real Cassandra loses the answer to one chosen
// request (test/support/lost-cql-answer.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";
import { lostCqlAnswerRelay, type CqlRequest, type RelayedCqlRequest } from "../support/lost-cql-answer.js";

const RECORDS = 30;
const HOUR_AGO = Date.now() - 3_600_000;
/** What rows hold before the run, told apart from what documents hold (n). */
const ROW_VALUE = 1000;

interface Case {
  readonly title: string;
  /** The table's columns and key, after its name. */
  readonly table: string;
  readonly direction: "to-es" | "to-cassandra";
  /** Where the records start: Cassandra rows, Elasticsearch documents, or older rows under newer documents. */
  readonly start: "rows" | "documents" | "older-rows";
  readonly flags?: readonly string[];
  /** Flags of Harness.baseArgs given another value. */
  readonly replaced?: Record<string, string>;
  /** The request whose answer is lost. */
  readonly lose: (request: CqlRequest) => boolean;
}

const LATEST = "(id uuid PRIMARY KEY, tmstmp timestamp, n int)";
const VERSIONED = "(id uuid, tmstmp timeuuid, n int, PRIMARY KEY ((id), tmstmp))";

const cases: Case[] = [
  {
    title: "a page after the first of a table read: asked again by its paging state, the same page",
    table: LATEST,
    direction: "to-es",
    start: "rows",
    flags: ["--batch-size", "10"],
    replaced: { "--splits": "1" },
    lose: (r) => r.kind === "execute" && r.pagingState && /^SELECT .* FROM .* WHERE /.test(r.cql),
  },
  {
    title: "a read of the rows a batch of records would replace: read again",
    table: LATEST,
    direction: "to-cassandra",
    start: "older-rows",
    lose: (r) => r.kind === "execute" && /^SELECT .* WHERE "?id"? IN \?/.test(r.cql),
  },
  {
    title: "a batch of writes each with its own write time: the same cells again, and no second version row",
    table: VERSIONED,
    direction: "to-cassandra",
    start: "documents",
    lose: (r) => r.kind === "batch" && /^INSERT INTO .* USING TIMESTAMP \?(; |$)/.test(r.cql),
  },
  {
    title:
      "a lightweight transaction creating a row: the repeat is not applied, and the row, read again, is counted written",
    table: LATEST,
    direction: "to-cassandra",
    start: "documents",
    flags: ["--cassandra-writes", "lwt"],
    lose: (r) => r.kind === "execute" && /^INSERT INTO .* IF NOT EXISTS$/.test(r.cql),
  },
  {
    title:
      "a lightweight transaction replacing a row: the repeat is not applied, and the row, read again, is counted written",
    table: LATEST,
    direction: "to-cassandra",
    start: "older-rows",
    flags: ["--cassandra-writes", "lwt"],
    lose: (r) => r.kind === "execute" && /^UPDATE .* IF "?tmstmp"? = \?$/.test(r.cql),
  },
];

describe("a Cassandra request whose answer is lost", () => {
  let h: Harness;
  let tables = 0;

  before(async () => {
    h = await Harness.create("lostcql");
  });
  after(() => h.cleanup());

  /** Rows in Cassandra, documents in the table's index, or both: the documents an hour newer. */
  async function arrange(table: string, shape: string, start: Case["start"]): Promise<string[]> {
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.${table} ${shape}`);
    const ids = Array.from({ length: RECORDS }, () => cassandra.types.Uuid.random().toString());
    if (start !== "documents") {
      const at = start === "rows" ? HOUR_AGO : HOUR_AGO - 3_600_000;
      const insert = `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, ?)`;
      for (const [n, id] of ids.entries()) {
        await h.cassandra.execute(insert, [id, new Date(at + n), ROW_VALUE + n], { prepare: true });
      }
    }
    if (start !== "rows") {
      const index = `${h.index}-${table}`;
      await h.es.indices.create({
        index,
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, n: { type: "integer" } },
        },
      });
      const operations = ids.flatMap((id, n) => [
        { index: { _index: index, _id: id } },
        { id, tmstmp: new Date(HOUR_AGO + n).toISOString(), n },
      ]);
      assert.equal((await h.es.bulk({ operations, refresh: true })).errors, false);
    }
    return ids;
  }

  for (const c of cases) {
    it(c.title, async () => {
      const table = `t${++tables}`;
      const ids = await arrange(table, c.table, c.start);
      const relay = await lostCqlAnswerRelay(h.servers.cassandraHost, h.servers.cassandraPort, c.lose);
      const args = [
        ...["--tables", table, "--direction", c.direction, "--name", table, "--json"],
        ...(c.flags ?? []),
      ];
      let requests: readonly RelayedCqlRequest[];
      try {
        const result = await h.cli([
          ...h.argsWith({ ...c.replaced, "--cassandra-port": String(relay.port) }),
          ...args,
        ]);
        assert.equal(result.code, EXIT.success, `${result.stderr}\n${result.stdout}`);
        const stats = tableStats(JSON.parse(result.stdout) as Record<string, unknown>, table, c.direction);
        assert.equal(stats["deadLettered"], 0, JSON.stringify(stats));
        // Each record written once, whichever sending landed it: a transaction's repeat that answers
        // "not applied" meets its own first sending (the cut connection carried others, repeated alike).
        const counts = {
          written: stats["written"],
          conflicts: stats["conflicts"],
          unchanged: stats["unchanged"],
        };
        assert.deepEqual(counts, { written: RECORDS, conflicts: 0, unchanged: 0 }, JSON.stringify(stats));
        requests = relay.requests;
      } finally {
        await relay.close();
      }
      const lost = requests.findIndex((r) => r.lost);
      assert.ok(lost >= 0, "no answer was lost");
      const again = requests
        .slice(lost + 1)
        .find((r) => r.kind !== "prepare" && r.cql === requests[lost]?.cql);
      assert.ok(again, "the request whose answer was lost was not sent again");

      // Every record on both sides, each once, with the winning content.
      const rows = await h.cassandra.execute(`SELECT id, n FROM ${h.keyspace}.${table}`);
      assert.equal(rows.rowLength, RECORDS, "a record is missing, or has a second version row");
      const expected = c.start === "rows" ? (n: number) => ROW_VALUE + n : (n: number) => n;
      const byId = new Map(rows.rows.map((row) => [String(row.get("id")), Number(row.get("n"))]));
      for (const [n, id] of ids.entries()) assert.equal(byId.get(id), expected(n), id);
      await h.es.indices.refresh({ index: `${h.index}-${table}` });
      assert.equal((await h.es.count({ index: `${h.index}-${table}` })).count, RECORDS);

      // Converged: a rerun finds nothing to write.
      const rerun = await h.cli([...h.argsWith({ ...c.replaced }), ...args]);
      assert.equal(rerun.code, EXIT.success, rerun.stderr);
      assert.equal(totalWritten(JSON.parse(rerun.stdout) as Record<string, unknown>), 0);
    });
  }
});
