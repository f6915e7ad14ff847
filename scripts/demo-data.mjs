#!/usr/bin/env node
// Demo data: a keyspace `demo` with a versioned and a latest table, and the matching indices, written
// the way applications write them. Timestamps are minutes in the past, so the default range (up to
// now minus the lag) covers them.
//   node scripts/demo-data.mjs setup   create both sides afresh with diverging data
//   node scripts/demo-data.mjs show    print the records that diverged, from both sides
import { Client as Elasticsearch } from "@elastic/elasticsearch";
import cassandra from "cassandra-driver";

const { TimeUuid } = cassandra.types;
const cql = new cassandra.Client({
  contactPoints: ["127.0.0.1"],
  protocolOptions: { port: Number(process.env.SYNCED_CASSANDRA_PORT ?? 9042) },
  localDataCenter: "datacenter1",
  authProvider: new cassandra.auth.PlainTextAuthProvider(
    process.env.SYNCED_CASSANDRA_USERNAME ?? "cassandra",
    process.env.SYNCED_CASSANDRA_PASSWORD ?? "cassandra",
  ),
});
const es = new Elasticsearch({
  node: process.env.SYNCED_ES_NODES ?? "http://127.0.0.1:9200",
  auth: {
    username: process.env.SYNCED_ES_USERNAME ?? "synced",
    password: process.env.SYNCED_ES_PASSWORD ?? "synced-secret",
  },
});
const minutesAgo = (m) => new Date(Date.now() - m * 60_000);
const ids = {
  alice: "0a11ce00-0000-4000-8000-000000000001",
  bob: "0b0b0000-0000-4000-8000-000000000002",
  carol: "0ca201e0-0000-4000-8000-000000000003",
  lamp: "1a3b0000-0000-4000-8000-000000000004",
  chair: "c4a12000-0000-4000-8000-000000000005",
  desk: "de5c0000-0000-4000-8000-000000000006",
};

async function setup() {
  await cql.execute("DROP KEYSPACE IF EXISTS demo");
  await es.indices.delete({ index: "demo-*", ignore_unavailable: true, allow_no_indices: true });
  await cql.execute(
    "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  // The seed's shape: every write is a new version row.
  await cql.execute(
    "CREATE TABLE demo.users (id uuid, tmstmp timeuuid, name text, email text, deleted boolean, PRIMARY KEY ((id), tmstmp))",
  );
  // One row per record, the timestamp a regular column.
  await cql.execute(
    "CREATE TABLE demo.products (id uuid PRIMARY KEY, tmstmp timestamp, name text, price decimal, tags set<text>, deleted boolean)",
  );
  const user = "INSERT INTO demo.users (id, tmstmp, name, email) VALUES (?, ?, ?, ?)";
  const product =
    "INSERT INTO demo.products (id, tmstmp, name, price, tags, deleted) VALUES (?, ?, ?, ?, ?, false)";
  const p = { prepare: true };
  await cql.execute(user, [ids.alice, TimeUuid.fromDate(minutesAgo(10)), "Alice", "alice@example.com"], p);
  await cql.execute(user, [ids.bob, TimeUuid.fromDate(minutesAgo(9)), "Bob", "bob@old.example.com"], p);
  await cql.execute(product, [ids.lamp, minutesAgo(3), "Lamp", "12.50", ["light"]], p);
  await cql.execute(product, [ids.desk, minutesAgo(9), "Desk", "120.00", ["wood"]], p);

  // The indices as an application made them, with microsecond timestamps.
  const mapping = (extra) => ({
    properties: {
      id: { type: "keyword" },
      tmstmp: { type: "date_nanos" },
      deleted: { type: "boolean" },
      ...extra,
    },
  });
  await es.indices.create({
    index: "demo-users",
    mappings: mapping({ name: { type: "keyword" }, email: { type: "keyword" } }),
    aliases: { demo: {} },
  });
  await es.indices.create({
    index: "demo-products",
    mappings: mapping({ name: { type: "keyword" }, price: { type: "double" }, tags: { type: "keyword" } }),
    aliases: { demo: {} },
  });
  const doc = (index, id, at, fields) =>
    es.index({ index, id, document: { id, tmstmp: at.toISOString(), ...fields } });
  // Bob changed his email in the application that writes to Elasticsearch, after the Cassandra version.
  await doc("demo-users", ids.bob, minutesAgo(5), { name: "Bob", email: "bob@new.example.com" });
  await doc("demo-users", ids.carol, minutesAgo(8), { name: "Carol", email: "carol@example.com" });
  // The lamp's price changed on both sides: Cassandra's change (3 minutes ago) is the newer one.
  await doc("demo-products", ids.lamp, minutesAgo(6), { name: "Lamp", price: "11.00", tags: ["light"] });
  await doc("demo-products", ids.chair, minutesAgo(4), { name: "Chair", price: "45.00", tags: ["wood"] });
  // The desk was deleted in Elasticsearch two minutes ago: a tombstone, newer than Cassandra's row.
  await doc("demo-products", ids.desk, minutesAgo(2), {
    name: "Desk",
    price: "120.00",
    tags: ["wood"],
    deleted: true,
  });
  await es.indices.refresh({ index: "demo-*" });
}

async function show() {
  const line = (side, name, fields) =>
    console.log(`  ${side.padEnd(13)} ${name.padEnd(6)} ${JSON.stringify(fields)}`);
  for (const [name, table, index] of [
    ["bob", "users", "demo-users"],
    ["lamp", "products", "demo-products"],
    ["desk", "products", "demo-products"],
  ]) {
    const order = table === "users" ? " ORDER BY tmstmp DESC LIMIT 1" : "";
    const row = (
      await cql.execute(`SELECT * FROM demo.${table} WHERE id = ?${order}`, [ids[name]], { prepare: true })
    ).first();
    const fields =
      table === "users"
        ? { email: row.get("email"), deleted: row.get("deleted") }
        : { price: String(row.get("price")), deleted: row.get("deleted") };
    line("Cassandra", name, fields);
    const source = (await es.get({ index, id: ids[name] }))._source;
    line(
      "Elasticsearch",
      name,
      table === "users"
        ? { email: source.email, deleted: source.deleted }
        : { price: source.price, deleted: source.deleted },
    );
  }
  const versions = await cql.execute("SELECT tmstmp FROM demo.users WHERE id = ?", [ids.bob], {
    prepare: true,
  });
  const rows = versions.rowLength === 1 ? "1 version row" : `${versions.rowLength} version rows`;
  console.log(`  Cassandra keeps ${rows} of bob (versioned table)`);
}

try {
  if (process.argv[2] === "setup") await setup();
  else if (process.argv[2] === "show") await show();
  else throw new Error("usage: node scripts/demo-data.mjs setup|show");
} finally {
  await cql.shutdown();
  await es.close();
}
