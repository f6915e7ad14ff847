// A schema that changes under a running job: a column added to a table is mapped with synced's own
// field type and synced both ways from the next run (or the next cycle of `synced watch`); document
// fields that no column holds are counted per table, and with --create-columns become columns; a
// column whose type no longer fits its index field refuses that one table, and the others are synced.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { EXIT } from "../../src/cli/exit-codes.js";
import { deadLetters, Harness, tableStats, totalWritten } from "../support/harness.js";
import { sample } from "../support/metrics-listener.js";
import { watch } from "../support/watch.js";
import { until } from "../support/until.js";

const { Uuid } = cassandra.types;

describe("a schema that changes between runs", () => {
  let h: Harness;
  let begin: string;
  before(async () => {
    h = await Harness.create("schema");
    begin = String(Math.floor(Date.now() / 1000) - 60);
  });
  after(() => h.cleanup());

  /** The type the index of `table` maps `field` as. */
  async function mappedType(table: string, field: string): Promise<string | undefined> {
    const index = `${h.index}-${table}`;
    const mappings = await h.es.indices.getMapping({ index });
    return mappings[index]?.mappings.properties?.[field]?.type;
  }

  it("maps a column added since the last run with synced's field type, and syncs it both ways", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.hosts (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    const args = ["-b", begin, "--tables", "hosts", "--name", "hosts"];
    assert.equal((await h.run(args)).code, EXIT.success);
    // Dynamic mapping would make `text` of an address and `long` of a small integer.
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.hosts ADD (address inet, port int)`);
    const id = Uuid.random().toString();
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.hosts (id, tmstmp, name, address, port) VALUES (?, ?, 'db', '10.0.0.7', 5432)`,
      [id, new Date()],
      { prepare: true },
    );
    const result = await h.run(args);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.deepEqual(
      [await mappedType("hosts", "address"), await mappedType("hosts", "port")],
      ["ip", "integer"],
    );
    const added = result.summary["addedFields"] as { table: string; field: string }[];
    assert.deepEqual(
      added.map((a) => `${a.table}.${a.field}`),
      ["hosts.address", "hosts.port"],
    );
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-hosts`, id });
    assert.deepEqual([doc._source?.["address"], doc._source?.["port"]], ["10.0.0.7", 5432]);

    const other = Uuid.random().toString();
    await h.es.index({
      index: `${h.index}-hosts`,
      id: other,
      document: { id: other, tmstmp: new Date().toISOString(), name: "web", address: "::1", port: 443 },
      refresh: true,
    });
    assert.equal((await h.run(args)).code, EXIT.success);
    const row = await h.cassandra.execute(
      `SELECT address, port FROM ${h.keyspace}.hosts WHERE id = ?`,
      [other],
      { prepare: true },
    );
    assert.deepEqual([String(row.first().get("address")), row.first().get("port")], ["::1", 443]);
  });

  // Tried as a new user would against OpenSearch 2: its read-only-allow-delete block refuses a mapping
  // change too (Elasticsearch's refuses writes only), and the run said the cluster answered 429 and
  // to run again once it is healthy, with exit 5, where only disk space or lifting the block helps.
  it("names the read-only-allow-delete block where a column added since the last run meets it, in a run and verify --repair", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.flooded (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    const args = ["-b", begin, "--tables", "flooded", "--name", "flooded", "--retry-window", "1s"];
    assert.equal((await h.run(args)).code, EXIT.success);
    const index = `${h.index}-flooded`;
    await h.es.indices.putSettings({ index, settings: { "index.blocks.read_only_allow_delete": true } });
    try {
      await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.flooded ADD port int`);
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.flooded (id, tmstmp, name, port) VALUES (?, ?, 'db', 5432)`,
        [Uuid.random().toString(), new Date()],
        { prepare: true },
      );
      const result = await h.run(args);
      // Elasticsearch maps the field and refuses the writes, which stop the run once --retry-window is
      // out; OpenSearch refuses the field, and with it the table.
      const refused = (result.summary["refused"] ?? []) as { reason: string }[];
      const error = (result.summary["error"] as { message?: string } | undefined)?.message ?? "";
      const message = [error, ...refused.map((r) => r.reason)].join("\n");
      // Where nothing was refused, what the run did instead says why.
      assert.equal(result.code, EXIT.failure, message || JSON.stringify(result.summary));
      assert.match(message, /has the read-only-allow-delete block \(index\.blocks\.read_only_allow_delete\)/);
      assert.match(
        message,
        new RegExp(`PUT ${index}/_settings \\{"index\\.blocks\\.read_only_allow_delete": null\\}`),
      );
      assert.doesNotMatch(message, /once the cluster is healthy/);
      // verify --repair meets it as the run does, and says to repeat the repair, not a run.
      const repair = await h.cli(["verify", "--repair", "--copy-missing", ...h.baseArgs(), ...args]);
      const said = `${repair.stdout}\n${repair.stderr}`;
      assert.match(said, /read-only-allow-delete block/, said);
      assert.match(said, /then verify --repair again/, said);
      assert.doesNotMatch(said, /\brun again\b/, said);
    } finally {
      await h.es.indices.putSettings({ index, settings: { "index.blocks.read_only_allow_delete": null } });
    }
  });

  // Tried as a new user would: with the index at index.mapping.total_fields.limit, the run refused the
  // table whose new columns' fields it could not map, with exit 1, while a dry run and synced plan said
  // the table would be synced.
  it("a dry run and synced plan refuse a table whose new columns' fields would pass the index's field limit, as the run does", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.capped (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    const args = ["-b", begin, "--tables", "capped", "--name", "capped"];
    assert.equal((await h.run(args)).code, EXIT.success);
    const index = `${h.index}-capped`;
    // The index maps flat fields and their keyword sub-fields only: each counts one.
    const mapping = await h.es.indices.getMapping({ index });
    const properties = Object.values(mapping[index]?.mappings.properties ?? {});
    const mapped = properties.reduce(
      (n, p) => n + 1 + Object.keys(("fields" in p && p.fields) || {}).length,
      0,
    );
    // An int maps one field, a text two: its text and its keyword.
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.capped ADD (port int, note text)`);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.capped (id, tmstmp, name, port, note) VALUES (?, ?, 'db', 5432, 'n')`,
      [Uuid.random().toString(), new Date()],
      { prepare: true },
    );
    const limit = async (value: number): Promise<void> => {
      await h.es.indices.putSettings({ index, settings: { "index.mapping.total_fields.limit": value } });
    };
    const refusalOf = (summary: Record<string, unknown>): string =>
      ((summary["refused"] ?? []) as { reason: string }[]).map((r) => r.reason).join("\n");
    const said = [
      new RegExp(
        `index ${index} (refused|would refuse) the fields of the table's columns it lack(ed|s) \\(note, port\\)`,
      ),
      new RegExp(`Limit of total fields \\[${mapped + 2}\\]`),
      new RegExp(`Raise the index's index\\.mapping\\.total_fields\\.limit \\(PUT ${index}/_settings\\)`),
    ];
    await limit(mapped + 2);
    const dry = await h.run([...args, "--dry-run"]);
    assert.equal(dry.code, EXIT.failure, JSON.stringify(dry.summary));
    for (const words of said) assert.match(refusalOf(dry.summary), words);
    assert.match(
      refusalOf(dry.summary),
      /would refuse .* which maps \d+ fields, where the new columns add 3\./,
    );
    const plan = await h.cli(["plan", ...h.baseArgs(), ...args]);
    assert.equal(plan.code, EXIT.failure, plan.stderr);
    for (const words of said) assert.match(plan.stderr, words);
    // The run meets the cluster's own refusal, with the same words.
    const run = await h.run(args);
    assert.equal(run.code, EXIT.failure, JSON.stringify(run.summary));
    for (const words of said) assert.match(refusalOf(run.summary), words);
    assert.equal(await mappedType("capped", "port"), undefined);

    // With room for the three fields, each says the table would be synced.
    await limit(mapped + 3);
    const roomy = await h.run([...args, "--dry-run"]);
    assert.equal(roomy.code, EXIT.success, JSON.stringify(roomy.summary));
    const roomyPlan = await h.cli(["plan", ...h.baseArgs(), ...args]);
    assert.equal(roomyPlan.code, EXIT.success, roomyPlan.stderr);
    assert.equal((await h.run(args)).code, EXIT.success);
    assert.equal(await mappedType("capped", "port"), "integer");
  });

  it("maps the key and tombstone fields an index made beforehand with a strict mapping lacks", async () => {
    // An operator's index for the table, made from a template that refuses fields it does not map
    // ("dynamic": "strict"), with the table's content only: every document synced writes holds the key
    // columns and the tombstone too.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.strict (tenant text, no int, tmstmp timestamp, deleted boolean, ` +
        "name text, PRIMARY KEY ((tenant), no))",
    );
    await h.es.indices.create({
      index: `${h.index}-strict`,
      mappings: { dynamic: "strict", properties: { tmstmp: { type: "date_nanos" }, name: { type: "text" } } },
    });
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.strict (tenant, no, tmstmp, deleted, name) VALUES ('acme', 7, ?, false, 'ann')`,
      [new Date(Date.now() - 1000)],
      { prepare: true },
    );
    const args = ["-b", begin, "--tables", "strict", "--name", "strict"];
    const result = await h.run(args);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "strict", "to-es")["written"], 1, JSON.stringify(result.summary));
    assert.deepEqual(
      [
        await mappedType("strict", "tenant"),
        await mappedType("strict", "no"),
        await mappedType("strict", "deleted"),
      ],
      ["keyword", "integer", "boolean"],
    );
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-strict`, id: "acme|7" });
    assert.deepEqual(
      [doc._source?.["tenant"], doc._source?.["no"], doc._source?.["deleted"]],
      ["acme", 7, false],
    );
    const again = await h.run(args);
    assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
    assert.equal(totalWritten(again.summary), 0, JSON.stringify(again.summary));
  });

  it("maps a column added since the last run before verify --repair writes it", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.probes (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    const args = ["-b", begin, "--tables", "probes", "--name", "probes"];
    const id = Uuid.random().toString();
    const insert = `INSERT INTO ${h.keyspace}.probes (id, tmstmp, name) VALUES (?, ?, 'probe')`;
    await h.cassandra.execute(insert, [id, new Date(Date.now() - 30_000)], { prepare: true });
    assert.equal((await h.run(args)).code, EXIT.success);
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.probes ADD address inet`);
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.probes SET tmstmp = ?, address = '10.0.0.9' WHERE id = ?`,
      [new Date(), id],
      { prepare: true },
    );

    const repair = await h.cli(["verify", ...h.baseArgs(), "--json", "--repair", ...args]);
    assert.equal(repair.code, EXIT.success, repair.stdout + repair.stderr);
    assert.equal(await mappedType("probes", "address"), "ip");
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-probes`, id });
    assert.equal(doc._source?.["address"], "10.0.0.9");
  });

  it("maps a column added since a record was dead-lettered before its replay writes it", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.meters (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
    );
    const index = `${h.index}-meters`;
    // The name is a keyword here, which holds at most 32,766 bytes: the first run's document is
    // refused and dead-lettered.
    await h.es.indices.create({
      index,
      settings: { number_of_replicas: 0 },
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, name: { type: "keyword" } },
      },
    });
    const args = ["--tables", "meters", "--name", "meters"];
    const id = Uuid.random().toString();
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.meters (id, tmstmp, name) VALUES (?, ?, ?)`,
      [id, new Date(Date.now() - 30_000), "m".repeat(40_000)],
      { prepare: true },
    );
    const refused = await h.run(["-b", begin, "--direction", "to-es", ...args]);
    assert.equal(refused.code, EXIT.partial, JSON.stringify(refused.summary));
    // The record is fixed at its source, and the table has gained a column since.
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.meters ADD address inet`);
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.meters SET name = 'meter', address = '10.0.0.8' WHERE id = ?`,
      [id],
      { prepare: true },
    );

    const replayed = await h.cli(["dead-letters", "replay", ...h.baseArgs(), ...args]);
    assert.equal(replayed.code, EXIT.success, replayed.stdout + replayed.stderr);
    assert.equal(await mappedType("meters", "address"), "ip");
    const doc = await h.es.get<Record<string, unknown>>({ index, id });
    assert.equal(doc._source?.["address"], "10.0.0.8");
  });

  it("counts per table and field the document fields no column holds, and logs each once", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    assert.equal((await h.run(["--tables", "notes", "--name", "notes"])).code, EXIT.success);
    const at = new Date(Date.now() - 5_000).toISOString();
    const [a, b] = [Uuid.random().toString(), Uuid.random().toString()];
    await h.es.index({
      index: `${h.index}-notes`,
      id: a,
      document: { id: a, tmstmp: at, body: "x", colour: "red", size: 3 },
    });
    await h.es.index({ index: `${h.index}-notes`, id: b, document: { id: b, tmstmp: at, colour: "blue" } });
    await h.refresh();

    const args = ["-b", begin, "--tables", "notes", "--name", "notes", "--direction", "to-cassandra"];
    const result = await h.run(args);
    // Nothing is lost: each document waits in the dead letters until its fields have columns.
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const stats = tableStats(result.summary, "notes", "to-cassandra");
    assert.deepEqual(stats["unmappedFields"], { colour: 2, size: 1 });
    assert.equal(stats["deadLettered"], 2);
    const letters = await deadLetters(result.summary);
    assert.match(letters.find((l) => l.id === b)?.reason ?? "", /'colour' has no column in table .*notes/);

    const cli = await h.cli([...h.baseArgs(), ...args]);
    assert.equal(cli.code, EXIT.partial, cli.stderr);
    assert.match(cli.stdout, /notes to-cassandra: fields without a column: colour \(2\), size \(1\)/);
    assert.equal(cli.stderr.split("field 'colour'").length - 1, 1, cli.stderr);
    assert.equal(cli.stderr.split("field 'size'").length - 1, 1, cli.stderr);
  });

  it("with --create-columns adds a column for each such field, typed from the mapping, and syncs it in the same run", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.tags (id uuid PRIMARY KEY, tmstmp timestamp, label text)`,
    );
    const config = ["--tables", "tags", "--name", "tags"];
    assert.equal((await h.run(config)).code, EXIT.success);
    await h.es.indices.putMapping({
      index: `${h.index}-tags`,
      properties: { place: { type: "geo_point" } },
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    const [a, b] = [Uuid.random().toString(), Uuid.random().toString()];
    await h.es.index({
      index: `${h.index}-tags`,
      id: a,
      document: { id: a, tmstmp: at, label: "x", colour: "red", weight: 3, seen: true },
    });
    await h.es.index({
      index: `${h.index}-tags`,
      id: b,
      document: { id: b, tmstmp: at, label: "y", place: "41.12,-71.34" },
    });
    await h.refresh();
    const args = ["-b", begin, ...config, "--direction", "to-cassandra", "--create-columns"];

    const dry = await h.run([...args, "--dry-run"]);
    assert.equal(dry.code, EXIT.partial, JSON.stringify(dry.summary));
    assert.deepEqual(Object.keys(await h.columnTypes("tags")).sort(), ["id", "label", "tmstmp"]);
    const wouldCreate = dry.summary["columnsNotCreated"] as { field: string; reason: string }[];
    assert.match(
      wouldCreate.find((c) => c.field === "colour")?.reason ?? "",
      /would create it as text \(dry run\)/,
    );

    const result = await h.run(args);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    assert.deepEqual(await h.columnTypes("tags"), {
      id: "uuid",
      tmstmp: "timestamp",
      label: "text",
      colour: "text",
      weight: "bigint",
      seen: "boolean",
    });
    const created = result.summary["createdColumns"] as { table: string; column: string; type: string }[];
    assert.deepEqual(created.map((c) => `${c.table}.${c.column} ${c.type}`).sort(), [
      "tags.colour text",
      "tags.seen boolean",
      "tags.weight bigint",
    ]);
    const row = await h.cassandra.execute(
      `SELECT colour, weight, seen FROM ${h.keyspace}.tags WHERE id = ?`,
      [a],
      { prepare: true },
    );
    assert.deepEqual(
      [row.first().get("colour"), Number(row.first().get("weight")), row.first().get("seen")],
      ["red", 3, true],
    );
    // A geo_point has no CQL type: it is reported with the reason, and its document still waits.
    const notCreated = result.summary["columnsNotCreated"] as {
      table: string;
      field: string;
      reason: string;
    }[];
    assert.equal(notCreated.length, 1, JSON.stringify(notCreated));
    assert.deepEqual([notCreated[0]?.table, notCreated[0]?.field], ["tags", "place"]);
    assert.match(notCreated[0]?.reason ?? "", /geo_point has no CQL counterpart/);
    const stats = tableStats(result.summary, "tags", "to-cassandra");
    assert.deepEqual(stats["unmappedFields"], { place: 1 });
    assert.deepEqual([stats["written"], stats["deadLettered"]], [1, 1]);
  });

  it("a dry run and synced plan with --create-columns read the documents as the columns they would create hold them", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.inks (id uuid PRIMARY KEY, tmstmp timestamp, label text)`,
    );
    const config = ["--tables", "inks", "--name", "inks"];
    assert.equal((await h.run(config)).code, EXIT.success);
    const id = Uuid.random().toString();
    await h.es.index({
      index: `${h.index}-inks`,
      id,
      document: { id, tmstmp: new Date(Date.now() - 5_000).toISOString(), label: "x", colour: "red" },
      refresh: true,
    });
    const args = ["-b", begin, ...config, "--direction", "to-cassandra", "--create-columns"];

    // Tried as an operator would before letting it change the schema: the run after the column is
    // made writes the document, so the dry run says it would, and lets no letter be counted for it.
    const dry = await h.run([...args, "--dry-run"]);
    assert.equal(dry.code, EXIT.success, JSON.stringify(dry.summary));
    const stats = tableStats(dry.summary, "inks", "to-cassandra");
    assert.deepEqual([stats["written"], stats["deadLettered"]], [1, 0], JSON.stringify(stats));
    assert.deepEqual(stats["unmappedFields"], {}, JSON.stringify(stats));
    const plan = await h.cli(["plan", ...h.baseArgs(), ...args, "--json"]);
    assert.equal(plan.code, EXIT.success, plan.stdout + plan.stderr);
    const decisions = (JSON.parse(plan.stdout) as { decisions: { id: string; reason: string }[] }).decisions;
    assert.deepEqual(
      decisions.map((d) => [d.id, d.reason]),
      [[id, "absent"]],
    );
    assert.deepEqual(Object.keys(await h.columnTypes("inks")).sort(), ["id", "label", "tmstmp"]);

    const result = await h.run(args);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const written = tableStats(result.summary, "inks", "to-cassandra");
    assert.deepEqual([written["written"], written["deadLettered"]], [1, 0]);
  });

  it("advises for a field without a column what fits its mapping, and --create-columns only where it makes one", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.prefs (id uuid PRIMARY KEY, tmstmp timestamp, label text)`,
    );
    const config = ["--tables", "prefs", "--name", "prefs"];
    assert.equal((await h.run(config)).code, EXIT.success);
    // The map type as the product names it: OpenSearch has no flattened type.
    const mapType = h.es.product === "opensearch" ? "flat_object" : "flattened";
    await h.es.indices.putMapping({
      index: `${h.index}-prefs`,
      properties: { settings: { type: mapType }, place: { type: "geo_point" } } as never,
    });
    const at = new Date(Date.now() - 5_000).toISOString();
    const [a, b] = [Uuid.random().toString(), Uuid.random().toString()];
    await h.es.index({
      index: `${h.index}-prefs`,
      id: a,
      document: { id: a, tmstmp: at, label: "x", settings: { theme: "dark" } },
    });
    await h.es.index({
      index: `${h.index}-prefs`,
      id: b,
      document: { id: b, tmstmp: at, label: "y", place: { lat: 41.12, lon: -71.34 } },
    });
    await h.refresh();
    const args = ["-b", begin, ...config, "--direction", "to-cassandra"];

    const cli = await h.cli([...h.baseArgs(), ...args]);
    assert.equal(cli.code, EXIT.partial, cli.stdout + cli.stderr);
    const logOf = (field: string): string =>
      cli.stderr.split("\n").find((line) => line.includes(`field '${field}'`)) ?? "";
    // --create-columns makes neither column: the log does not send the user there.
    assert.match(logOf("settings"), new RegExp(`${mapType} field.*map<text, text>`), cli.stderr);
    assert.match(logOf("place"), /geo_point field.*include/, cli.stderr);
    for (const field of ["settings", "place"])
      assert.doesNotMatch(logOf(field), /run with --create-columns/, logOf(field));

    const result = await h.run([...args, "--create-columns"]);
    assert.equal(result.code, EXIT.partial, JSON.stringify(result.summary));
    const notCreated = result.summary["columnsNotCreated"] as { field: string; reason: string }[];
    assert.match(
      notCreated.find((c) => c.field === "settings")?.reason ?? "",
      new RegExp(`^field "settings": ${h.es.productName} field type ${mapType} holds arbitrary JSON`),
    );
    assert.match(
      notCreated.find((c) => c.field === "place")?.reason ?? "",
      new RegExp(`^field "place": ${h.es.productName} field type geo_point has no CQL counterpart`),
    );
    const letters = await deadLetters(result.summary);
    const reasonOf = (id: string): string => letters.find((l) => l.id === id)?.reason ?? "";
    assert.match(reasonOf(a), new RegExp(`a ${mapType} field.*map<text, text>`), reasonOf(a));
    assert.doesNotMatch(reasonOf(a), /user-defined type/, reasonOf(a));
    assert.match(reasonOf(b), /a geo_point field.*include/, reasonOf(b));
    assert.doesNotMatch(reasonOf(b), /--create-columns\)|user-defined type/, reasonOf(b));

    // Followed as an operator would: the map column the letter names syncs the document.
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.prefs ADD settings map<text, text>`);
    const replay = await h.cli(["dead-letters", "replay", ...h.baseArgs(), ...config]);
    assert.match(replay.stdout, /^replayed 1 /, replay.stdout + replay.stderr);
    const row = await h.cassandra.execute(`SELECT settings FROM ${h.keyspace}.prefs WHERE id = ?`, [a], {
      prepare: true,
    });
    assert.deepEqual(Object.fromEntries(row.first().get("settings") as Map<string, string>), {
      theme: "dark",
    });
  });

  it("replay --dry-run --create-columns says the column would be created and the letter replayed", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.paints (id uuid PRIMARY KEY, tmstmp timestamp, label text)`,
    );
    const config = ["--tables", "paints", "--name", "paints"];
    assert.equal((await h.run(config)).code, EXIT.success);
    const id = Uuid.random().toString();
    await h.es.index({
      index: `${h.index}-paints`,
      id,
      document: { id, tmstmp: new Date(Date.now() - 5_000).toISOString(), label: "x", colour: "red" },
      refresh: true,
    });
    assert.equal((await h.run(["-b", begin, ...config])).code, EXIT.partial);
    const replay = ["dead-letters", "replay", ...h.baseArgs(), ...config, "--create-columns"];

    const dry = await h.cli([...replay, "--dry-run"]);
    assert.equal(dry.code, EXIT.success, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /^would replay 1 .* 0 would fail again/, dry.stdout);
    assert.match(dry.stderr, /would add column colour text to table .*paints/, dry.stderr);
    assert.deepEqual(Object.keys(await h.columnTypes("paints")).sort(), ["id", "label", "tmstmp"]);

    const real = await h.cli(replay);
    assert.equal(real.code, EXIT.success, real.stdout + real.stderr);
    assert.match(real.stdout, /^replayed 1 .* 0 failed again/, real.stdout);
    const row = await h.cassandra.execute(`SELECT colour FROM ${h.keyspace}.paints WHERE id = ?`, [id], {
      prepare: true,
    });
    assert.equal(row.first().get("colour"), "red");
  });

  it("refuses a table whose column type no longer fits its index field, and syncs the other tables", async () => {
    for (const table of ["fine", "broken"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n bigint)`,
      );
    }
    const args = ["-b", begin, "--tables", "fine,broken", "--name", "two"];
    const first = await h.run(args);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    // The table is made again with `n` as text; its index still maps `n` as long.
    await h.cassandra.execute(`DROP TABLE ${h.keyspace}.broken`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.broken (id uuid PRIMARY KEY, tmstmp timestamp, n text)`,
    );
    for (const [table, n] of [
      ["fine", 7n],
      ["broken", "seven"],
    ] as const) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n) VALUES (?, ?, ?)`,
        [Uuid.random().toString(), new Date(), n],
        { prepare: true },
      );
    }
    const result = await h.run(args);
    assert.equal(result.code, EXIT.failure, JSON.stringify(result.summary));
    assert.equal(result.summary["outcome"], "failed");
    const refused = result.summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["broken"],
    );
    assert.match(
      refused[0]?.reason ?? "",
      /column n of \w+\.broken is text, but index \S+-broken maps its field n as long/,
    );
    assert.match(refused[0]?.reason ?? "", /reindex|new index/);
    assert.equal(tableStats(result.summary, "fine", "to-es")["written"], 1);
    assert.equal(
      (result.summary["tables"] as { table: string }[]).some((t) => t.table === "broken"),
      false,
    );
    const checkpoint = result.summary["checkpoint"] as { before: string; after: string };
    assert.equal(checkpoint.after, checkpoint.before);
    assert.match((result.summary["error"] as { message: string }).message, /broken/);
  });

  // Tried as an operator would, with an index made beforehand mapping a tuple's field as an object of
  // properties: the run started, and the cluster refused every document of the table ("tried to parse
  // field [null] as object, but found a concrete value"), dead-lettered run after run. An object kept
  // in _source (enabled: false), as synced maps a tuple, takes a user-defined type's objects as well.
  it("refuses a tuple column whose field an index made beforehand maps as an object of properties", async () => {
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.spot (x int, y int)`);
    for (const [table, column] of [
      ["pairs", "frozen<tuple<int, text>>"],
      ["spots", "frozen<spot>"],
    ] as const) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, m ${column})`,
      );
    }
    const made = { id: { type: "keyword" }, tmstmp: { type: "date_nanos" } } as const;
    await h.es.indices.create({
      index: `${h.index}-pairs`,
      mappings: {
        properties: {
          ...made,
          m: { properties: { first: { type: "integer" }, second: { type: "keyword" } } },
        },
      },
    });
    await h.es.indices.create({
      index: `${h.index}-spots`,
      mappings: { properties: { ...made, m: { type: "object", enabled: false } } },
    });
    for (const [table, m] of [
      ["pairs", new cassandra.types.Tuple(1, "one")],
      ["spots", { x: 1, y: 2 }],
    ] as const) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, m) VALUES (?, ?, ?)`,
        [Uuid.random(), new Date(Date.now() - 30_000), m],
        { prepare: true },
      );
    }
    const result = await h.run(["-b", begin, "--tables", "pairs,spots", "--name", "tuples"]);
    assert.equal(result.code, EXIT.failure, JSON.stringify(result.summary));
    const refused = result.summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["pairs"],
    );
    assert.match(
      refused[0]?.reason ?? "",
      /column m of \w+\.pairs is frozen<tuple<int, text>>, but index \S+-pairs maps its field m as object, and a tuple's values, arrays of values, fit only an object field with enabled: false/,
    );
    assert.match(refused[0]?.reason ?? "", /tables\.pairs\.index/);
    assert.equal((result.summary["deadLetters"] as { count: number }).count, 0);
    assert.equal(tableStats(result.summary, "spots", "to-es")["written"], 1);
  });

  // Tried as an operator would, with indices made beforehand: a user-defined type's int field zip
  // under a property mapped boolean, and a map's key zip over a property mapped integer. The cluster
  // refused each document (failed to parse field [m.zip]), dead-lettered run after run.
  it("refuses a column whose fields below its own an index made beforehand maps with types that refuse them", async () => {
    await h.cassandra.execute(`CREATE TYPE ${h.keyspace}.place (zip int, street text)`);
    for (const [table, column, zip] of [
      ["places", "frozen<place>", "boolean"],
      ["labels", "map<text, text>", "integer"],
    ] as const) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, m ${column})`,
      );
      await h.es.indices.create({
        index: `${h.index}-${table}`,
        mappings: {
          properties: {
            id: { type: "keyword" },
            tmstmp: { type: "date_nanos" },
            m: { properties: { zip: { type: zip } } },
          },
        },
      });
    }
    for (const [table, m] of [
      ["places", { zip: 1000, street: "Rue Haute" }],
      ["labels", { zip: "SW1A" }],
    ] as const) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, m) VALUES (?, ?, ?)`,
        [Uuid.random(), new Date(Date.now() - 30_000), m],
        { prepare: true },
      );
    }
    const result = await h.run(["-b", begin, "--tables", "places,labels", "--name", "below"]);
    assert.equal(result.code, EXIT.failure, JSON.stringify(result.summary));
    const refused = new Map(
      (result.summary["refused"] as { name: string; reason: string }[]).map((r) => [r.name, r.reason]),
    );
    assert.deepEqual([...refused.keys()].sort(), ["labels", "places"]);
    assert.match(
      refused.get("places") ?? "",
      /column m of \w+\.places is frozen<place>, whose field zip \(int\) is field 'm\.zip', but index \S+-places maps field 'm\.zip' as boolean/,
    );
    assert.match(
      refused.get("labels") ?? "",
      /column m of \w+\.labels is map<text, text>, but index \S+-labels maps field m\.zip as integer, a property of the object at field m/,
    );
    assert.match(refused.get("labels") ?? "", /tables\.labels\.index/);
    assert.equal((result.summary["deadLetters"] as { count: number }).count, 0);
  });
});

// Tried as an operator would: a column dropped from a synced table. Every document still held its
// field, which synced itself had written, so every record was dead-lettered in both directions ("field
// 'n' has no column"), and the advice (--create-columns) would have made the column again.
describe("a column dropped between runs", () => {
  let h: Harness;
  const [inCassandra, inIndex] = [Uuid.random().toString(), Uuid.random().toString()];
  before(async () => {
    h = await Harness.create("dropped");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, name text, n int)`,
    );
    const at = new Date(Date.now() - 60_000);
    for (const id of [inCassandra, inIndex]) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.things (id, tmstmp, name, n) VALUES (?, ?, 'first', 7)`,
        [id, at],
        { prepare: true },
      );
    }
    assert.equal((await h.run(["--name", "dropped"])).code, EXIT.success);
  });
  after(() => h.cleanup());

  it("leaves the dropped column's field in the documents and syncs the rest both ways", async () => {
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.things DROP n`);
    const at = new Date(Date.now() - 5_000);
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.things SET tmstmp = ?, name = 'second' WHERE id = ?`,
      [at, inCassandra],
      { prepare: true },
    );
    const index = `${h.index}-things`;
    await h.es.update({
      index,
      id: inIndex,
      doc: { tmstmp: at.toISOString(), name: "second" },
      refresh: true,
    });

    const result = await h.run(["--name", "dropped", "--create-columns"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "things", "to-es")["written"], 1);
    assert.equal(tableStats(result.summary, "things", "to-cassandra")["written"], 1);
    const copied = await h.es.get({ index, id: inCassandra });
    const source = copied._source as { name: string; n: number };
    assert.deepEqual([source.name, source.n], ["second", 7]);
    const row = await h.cassandra.execute(`SELECT * FROM ${h.keyspace}.things WHERE id = ?`, [inIndex], {
      prepare: true,
    });
    assert.equal(row.first().get("name"), "second");
    // Not made again by --create-columns.
    assert.deepEqual(row.columns.map((c) => c.name).sort(), ["id", "name", "tmstmp"]);
  });

  it("keeps the values a column dropped and added again held dropped, and takes them out of the documents", async () => {
    const table = `${h.keyspace}.readded`;
    await h.cassandra.execute(
      `CREATE TABLE ${table} (id uuid PRIMARY KEY, tmstmp timestamp, name text, n int)`,
    );
    // kept: no change but the drop; filled: n set again in place; edited: a later document, dated before the drop.
    const [kept, filled, edited] = [Uuid.random(), Uuid.random(), Uuid.random()].map(String) as [
      string,
      string,
      string,
    ];
    const at = new Date(Date.now() - 60_000);
    for (const id of [kept, filled, edited]) {
      await h.cassandra.execute(
        `INSERT INTO ${table} (id, tmstmp, name, n) VALUES (?, ?, 'first', 7)`,
        [id, at],
        {
          prepare: true,
        },
      );
    }
    const args = [
      "--name",
      "readded",
      "--tables",
      "readded",
      "-b",
      String(Math.floor(at.getTime() / 1000) - 1),
    ];
    assert.equal((await h.run(args)).code, EXIT.success);
    const index = `${h.index}-readded`;
    await h.es.update({
      index,
      id: edited,
      doc: { tmstmp: new Date(at.getTime() + 1000).toISOString(), name: "second" },
      refresh: true,
    });
    await h.cassandra.execute(`ALTER TABLE ${table} DROP n`);
    await h.cassandra.execute(`ALTER TABLE ${table} ADD n int`);
    await h.cassandra.execute(`UPDATE ${table} SET n = 9 WHERE id = ?`, [filled], { prepare: true });

    const first = await h.run(args);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const rows = async (): Promise<Record<string, [string, number | null]>> => {
      const result = await h.cassandra.execute(`SELECT id, name, n FROM ${table}`);
      return Object.fromEntries(result.rows.map((r) => [String(r.get("id")), [r.get("name"), r.get("n")]]));
    };
    const documents = async (): Promise<Record<string, [string, number | null]>> => {
      await h.refresh();
      const found = await h.es.search<{ id: string; name: string; n?: number | null }>({ index, size: 10 });
      return Object.fromEntries(
        found.hits.hits.map((hit) => [
          hit._source?.id ?? "",
          [hit._source?.name ?? "", hit._source?.n ?? null],
        ]),
      );
    };
    const expected = { [kept]: ["first", null], [filled]: ["first", 9], [edited]: ["second", null] };
    assert.deepEqual(await rows(), expected);
    const second = await h.run(args);
    assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));
    assert.deepEqual(await rows(), expected);
    assert.deepEqual(await documents(), expected);
    const third = await h.run(args);
    assert.equal(totalWritten(third.summary), 0, JSON.stringify(third.summary));
  });
});

describe("a column added while synced watch runs", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("schemawatch");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
  });
  after(() => h.cleanup());

  it("is mapped and synced in both directions from the next cycle", async () => {
    const child = h.spawnCli(["watch", ...h.baseArgs(), "--every", "1s", "--listen", "127.0.0.1:0"]);
    const run = watch(child);
    try {
      await run.saw("/metrics and /healthz on http://");
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stderr())?.[1] ?? "";
      await until("a first run", async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        const runs = sample(parsePrometheusTextFormat(text), "synced_runs_total", { outcome: "success" });
        return (runs ?? 0) >= 1 ? true : undefined;
      });
      await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.things ADD score int`);
      const id = Uuid.random().toString();
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.things (id, tmstmp, n, score) VALUES (?, ?, 1, 7)`,
        [id, new Date()],
        { prepare: true },
      );
      const index = `${h.index}-things`;
      await until("the document with the new field", async () => {
        const found = await h.es.exists({ index, id });
        if (!found) return undefined;
        const doc = await h.es.get<Record<string, unknown>>({ index, id });
        return doc._source?.["score"] === 7 ? true : undefined;
      });
      const mappings = await h.es.indices.getMapping({ index });
      assert.equal(mappings[index]?.mappings.properties?.["score"]?.type, "integer");

      const other = Uuid.random().toString();
      await h.es.index({
        index,
        id: other,
        document: { id: other, tmstmp: new Date().toISOString(), n: 2, score: 9 },
        refresh: true,
      });
      await until("the new field in Cassandra", async () => {
        const rows = await h.cassandra.execute(
          `SELECT score FROM ${h.keyspace}.things WHERE id = ?`,
          [other],
          {
            prepare: true,
          },
        );
        return rows.rows[0]?.["score"] === 9 ? true : undefined;
      });
    } finally {
      child.kill("SIGTERM");
    }
    const { code, stderr } = await run.exited;
    assert.equal(code, EXIT.interrupted, stderr);
  });
});
