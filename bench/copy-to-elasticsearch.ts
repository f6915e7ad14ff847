// The copy script a user would write instead of synced, Cassandra to Elasticsearch: stream the table's
// rows into the Elasticsearch bulk helper, with the helper's defaults (5 requests in flight, 5 MB
// each). No versions compared, no conditions, one direction: the yardstick of figure 1.
//   node dist/bench/copy-to-elasticsearch.js <keyspace> <table> <index>
// Prints {"count": n} when every row was indexed; exits 1 otherwise.
import type cassandra from "cassandra-driver";
import { closeClients, connectClients } from "./clients.js";

const [keyspace = "", table = "", index = ""] = process.argv.slice(2);
if (keyspace === "" || table === "" || index === "") {
  process.stderr.write("usage: copy-to-elasticsearch <keyspace> <table> <index>\n");
  process.exit(2);
}

const clients = await connectClients();
try {
  // A Row serialises as its columns: the uuid as text, the timestamp as ISO-8601, the list as an array.
  // The driver's types say EventEmitter; the stream is its ResultStream, a Readable of rows.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const rows = clients.cassandra.stream(`SELECT * FROM ${keyspace}.${table}`, [], {
    prepare: true,
  }) as cassandra.types.ResultStream;
  const result = await clients.elasticsearch.helpers.bulk<cassandra.types.Row>({
    datasource: rows,
    onDocument: (row) => ({ index: { _index: index, _id: String(row.get("id")) } }),
  });
  if (result.failed > 0 || result.aborted) throw new Error(`${result.failed} documents failed`);
  process.stdout.write(`${JSON.stringify({ count: result.successful })}\n`);
} catch (error) {
  process.stderr.write(`copy-to-elasticsearch: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await closeClients(clients);
}
