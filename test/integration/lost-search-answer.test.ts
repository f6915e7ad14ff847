// Search requests whose answer is lost after the node did the work (the connection broke at the worst
// moment): synced sends each again, and repeating it must change nothing that the first one did not.
// Opening a view or reading its first page again leaves an unused context to expire; reading current
// documents or counting them again reads again; a conditional write asked again after it landed
// answers 409, so the record is read again and, holding what was sent, counted written; an
// external-version write asked again writes the same version again. A relay between synced and the
// real node loses the answer to one chosen request (test/support/lost-answer.ts); the next page of a
// read, which a scroll cannot repeat, is lost-page-answer.test.ts's. The test command runs this file
// against each search product it starts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";
import { lostAnswerRelay, type RelayedRequest } from "../support/lost-answer.js";

const RECORDS = 30;
const HOUR_AGO = Date.now() - 3_600_000;
/** What records hold where they start older, told apart from the winners (n). */
const OLDER_VALUE = 1000;

type Request = Omit<RelayedRequest, "lost">;

interface Case {
  readonly title: string;
  readonly direction: "to-es" | "to-cassandra";
  /** Where the records start: rows, documents, or older documents under newer rows. */
  readonly start: "rows" | "documents" | "older-documents";
  readonly flags?: readonly string[];
  /** The request whose answer is lost, unless this product sends no such request. */
  readonly lose: (request: Request, product: string) => boolean;
}

function path(request: Request): string {
  return request.url.split("?")[0] ?? "";
}

/** The first page of a slice: of a point in time (Elasticsearch), or a scroll's opening search. */
function firstPage(request: Request, product: string): boolean {
  if (request.method !== "POST" || !path(request).endsWith("/_search")) return false;
  if (product === "opensearch") return request.url.includes("scroll=");
  const body = JSON.parse(request.body || "{}") as Record<string, unknown>;
  return body["pit"] !== undefined && body["search_after"] === undefined;
}

const cases: Case[] = [
  {
    title: "opening a read's view (a point in time), or a scroll's first page: opened again",
    direction: "to-cassandra",
    start: "documents",
    lose: (r, product) => (product === "opensearch" ? firstPage(r, product) : path(r).endsWith("/_pit")),
  },
  {
    title: "a slice's first page: read again from the view's start",
    direction: "to-cassandra",
    start: "documents",
    lose: firstPage,
  },
  {
    title: "counting what an index holds before creating into it: counted again",
    direction: "to-es",
    start: "rows",
    lose: (r) => path(r).endsWith("/_count"),
  },
  {
    title: "reading the documents a batch of records would replace: read again",
    direction: "to-es",
    start: "older-documents",
    lose: (r) => path(r).endsWith("/_mget"),
  },
  {
    title:
      "a bulk request creating documents: the repeat answers 409, and each, read again, is counted written",
    direction: "to-es",
    start: "rows",
    lose: (r) => path(r).endsWith("/_bulk") && r.body.includes('"create"'),
  },
  {
    title:
      "a bulk request replacing documents read at a sequence number: the repeat answers 409, and each, read again, is counted written",
    direction: "to-es",
    start: "older-documents",
    lose: (r) => path(r).endsWith("/_bulk") && r.body.includes('"if_seq_no"'),
  },
  {
    title: "a bulk request with external versions: the repeat writes the same versions again",
    direction: "to-es",
    start: "older-documents",
    flags: ["--es-versioning", "external"],
    lose: (r) => path(r).endsWith("/_bulk") && r.body.includes('"external_gte"'),
  },
];

describe("a search request whose answer is lost", () => {
  let h: Harness;
  let tables = 0;

  before(async () => {
    h = await Harness.create("lostsearch");
  });
  after(() => h.cleanup());

  /** The records as rows, as documents, or both: the rows an hour newer. */
  async function arrange(table: string, start: Case["start"]): Promise<string[]> {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const ids = Array.from({ length: RECORDS }, () => cassandra.types.Uuid.random().toString());
    if (start !== "documents") {
      const insert = `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, ?)`;
      for (const [n, id] of ids.entries()) {
        await h.cassandra.execute(insert, [id, new Date(HOUR_AGO + n), n], { prepare: true });
      }
    }
    if (start !== "rows") {
      const index = `${h.index}-${table}`;
      await h.es.indices.create({
        index,
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, n: { type: "integer" } },
        },
      });
      const older = start === "older-documents";
      const operations = ids.flatMap((id, n) => [
        { index: { _index: index, _id: id } },
        {
          id,
          tmstmp: new Date(HOUR_AGO + n - (older ? 3_600_000 : 0)).toISOString(),
          n: older ? OLDER_VALUE + n : n,
        },
      ]);
      assert.equal((await h.es.bulk({ operations, refresh: true })).errors, false);
    }
    return ids;
  }

  for (const c of cases) {
    it(c.title, async (t) => {
      const table = `t${++tables}`;
      const node = new URL(h.servers.elasticsearchUrl);
      const lose = (r: Request): boolean => c.lose(r, h.es.product);
      const ids = await arrange(table, c.start);
      const relay = await lostAnswerRelay(node.hostname, Number(node.port), lose);
      const args = [
        ...["--tables", table, "--direction", c.direction, "--name", table, "--json"],
        ...["--slices", "1", "--batch-size", "10"],
        ...(c.flags ?? []),
      ];
      let requests: readonly RelayedRequest[];
      try {
        const result = await h.cli([
          ...h.argsWith({ "--es-nodes": `http://127.0.0.1:${relay.port}` }),
          ...args,
        ]);
        assert.equal(result.code, EXIT.success, `${result.stderr}\n${result.stdout}`);
        const stats = tableStats(JSON.parse(result.stdout) as Record<string, unknown>, table, c.direction);
        assert.equal(stats["deadLettered"], 0, JSON.stringify(stats));
        // Each record written once, whichever sending of its request landed it.
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
      assert.ok(lost >= 0, `no answer was lost: ${JSON.stringify(requests.map((r) => r.url))}`);
      const first = requests[lost];
      const again = requests
        .slice(lost + 1)
        .find((r) => r.method === first?.method && r.url === first.url && r.body === first.body);
      assert.ok(again, "the request whose answer was lost was not sent again");
      t.diagnostic(`lost and sent again: ${first?.method ?? ""} ${first?.url ?? ""}`);

      // Every record on both sides, each once, with the winning content.
      const index = `${h.index}-${table}`;
      await h.es.indices.refresh({ index });
      const found = await h.es.search<{ n: number }>({ index, size: RECORDS + 10 });
      assert.equal(found.hits.hits.length, RECORDS);
      const byId = new Map(found.hits.hits.map((hit) => [hit._id, hit._source?.n]));
      for (const [n, id] of ids.entries()) assert.equal(byId.get(id), n, id);
      const rows = await h.cassandra.execute(`SELECT id, n FROM ${h.keyspace}.${table}`);
      assert.equal(rows.rowLength, RECORDS);
      for (const row of rows.rows) {
        assert.equal(Number(row.get("n")), ids.indexOf(String(row.get("id"))), String(row.get("id")));
      }

      // Converged: a rerun finds nothing to write.
      const rerun = await h.cli([...h.baseArgs(), ...args]);
      assert.equal(rerun.code, EXIT.success, rerun.stderr);
      assert.equal(totalWritten(JSON.parse(rerun.stdout) as Record<string, unknown>), 0);
    });
  }

  it("a rerun creating into an index not refreshed since the last run, its answers all given: conflicts found unchanged, none written", async () => {
    const table = `t${++tables}`;
    const index = `${h.index}-${table}`;
    await arrange(table, "rows");
    // Never refreshed: its count sees none of the documents the first run writes, so the rerun creates
    // them again, and each create meets the first run's equal document.
    await h.es.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: "-1" },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date" }, n: { type: "integer" } },
      },
    });
    const args = [
      ...["--tables", table, "--direction", "to-es", "--name", table, "--json", "--batch-size", "10"],
      ...["-b", String(Math.floor(HOUR_AGO / 1000) - 60)],
    ];
    const first = await h.cli([...h.baseArgs(), ...args]);
    assert.equal(first.code, EXIT.success, `${first.stderr}\n${first.stdout}`);
    const rerun = await h.cli([...h.baseArgs(), ...args]);
    assert.equal(rerun.code, EXIT.success, `${rerun.stderr}\n${rerun.stdout}`);
    const stats = tableStats(JSON.parse(rerun.stdout) as Record<string, unknown>, table, "to-es");
    const counts = {
      written: stats["written"],
      conflicts: stats["conflicts"],
      unchanged: stats["unchanged"],
    };
    assert.deepEqual(counts, { written: 0, conflicts: RECORDS, unchanged: RECORDS }, JSON.stringify(stats));
  });
});
