// The copy script a user would write instead of synced, Elasticsearch to Cassandra: read the index
// with a point in time and search_after, and insert each page's documents with the driver's
// executeConcurrent and a prepared INSERT. No versions compared, no conditions, one direction: the
// yardstick of figure 2.
//   node dist/bench/copy-to-cassandra.js <index> <keyspace> <table>
// Prints {"count": n} when every document was inserted; exits 1 otherwise.
import { Readable } from "node:stream";
import type { estypes } from "@elastic/elasticsearch";
import cassandra from "cassandra-driver";
import { closeClients, connectClients } from "./clients.js";
import { COLUMNS } from "./data.js";

const [index = "", keyspace = "", table = ""] = process.argv.slice(2);
if (index === "" || keyspace === "" || table === "") {
  process.stderr.write("usage: copy-to-cassandra <index> <keyspace> <table>\n");
  process.exit(2);
}

const clients = await connectClients();
const es = clients.elasticsearch;

/** Every document's columns, in the order of the INSERT, page by page from a point in time. */
async function* documents(): AsyncGenerator<unknown[]> {
  let pit = (await es.openPointInTime({ index, keep_alive: "1m" })).id;
  let after: estypes.SortResults | undefined;
  try {
    for (;;) {
      const page = await es.search<Record<string, unknown>>({
        pit: { id: pit, keep_alive: "1m" },
        size: 5000,
        sort: ["_shard_doc"],
        track_total_hits: false,
        ...(after === undefined ? {} : { search_after: after }),
      });
      pit = page.pit_id ?? pit;
      const hits = page.hits.hits;
      if (hits.length === 0) return;
      for (const hit of hits) yield COLUMNS.map((column) => hit._source?.[column] ?? null);
      after = hits.at(-1)?.sort;
    }
  } finally {
    await es.closePointInTime({ id: pit });
  }
}

const columns = COLUMNS.join(", ");
const insert = `INSERT INTO ${keyspace}.${table} (${columns}) VALUES (${COLUMNS.map(() => "?").join(", ")})`;
try {
  const result = await cassandra.concurrent.executeConcurrent(
    clients.cassandra,
    insert,
    Readable.from(documents()),
    // Single-row writes are small: a hundred or so in flight keep a node busy (the driver's default is 100).
    { concurrencyLevel: 128, raiseOnFirstError: true, collectResults: false },
  );
  process.stdout.write(`${JSON.stringify({ count: result.totalExecuted })}\n`);
} catch (error) {
  process.stderr.write(`copy-to-cassandra: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await closeClients(clients);
}
