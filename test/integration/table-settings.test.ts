// The config file's per-table settings on the real servers: a table mapped to an index of another
// name, its columns renamed to other fields, a column left out of the sync that each store keeps as
// its own, in both directions; and every setting that cannot hold refused with exit 2, naming the
// config file and the key to fix.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { assertConfigRefused } from "../support/config-refusal.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";

const PREPARED = { prepare: true } as const;

describe("per-table settings of the config file", () => {
  let h: Harness;
  let dir: string;
  /** The index users live in: not `<index>-users`, and outside the alias synced keeps. */
  let people: string;
  /** The index orders go to, missing until synced creates it. */
  let ledger: string;
  const id = cassandra.types.Uuid.random().toString();
  const at = (secondsAgo: number): Date => new Date(Date.now() - secondsAgo * 1000);

  /** Writes a config file of `lines` and gives its path. */
  const config = async (name: string, lines: readonly string[]): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, `${lines.join("\n")}\n`);
    return path;
  };
  let settings: string;

  before(async () => {
    h = await Harness.create("tablesettings");
    dir = await mkdtemp(join(tmpdir(), "table-settings-"));
    people = `${h.index}_people`;
    ledger = `${h.index}_ledger`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.users (id uuid PRIMARY KEY, tmstmp timestamp, deleted boolean, ` +
        "email text, name text, password_hash text)",
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.orders (tenant text, order_no int, tmstmp timestamp, amount int, ` +
        "internal_note text, PRIMARY KEY ((tenant), order_no))",
    );
    // An index another application made, under its own names.
    await h.es.indices.create({
      index: people,
      mappings: {
        properties: {
          user_id: { type: "keyword" },
          updated_at: { type: "date_nanos" },
          deleted: { type: "boolean" },
          mail: { type: "keyword" },
          name: { type: "keyword" },
          password_hash: { type: "keyword" },
        },
      },
    });
    settings = await config("synced.yaml", [
      "tables:",
      "  users:",
      `    index: ${people}`,
      "    exclude: [password_hash]",
      "    rename:",
      "      id: user_id",
      "      email: mail",
      "      tmstmp: updated_at",
      "  orders:",
      `    index: ${ledger}`,
      "    include: [amount]",
      "    rename:",
      "      order_no: number",
    ]);
  });
  after(async () => {
    // Both indices start with the harness's index name, which its cleanup deletes.
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => h.run(["--config", settings, "-b", "0", ...args]);
  const readUser = async (): Promise<Record<string, unknown>> => {
    const doc = await h.es.get<Record<string, unknown>>({ index: people, id });
    return doc._source ?? {};
  };

  it("writes a table into the index it names, under the renamed fields, leaving the excluded column out", async () => {
    const written = at(120);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.users (id, tmstmp, email, name, password_hash) VALUES (?, ?, ?, ?, ?)`,
      [id, written, "ada@example.com", "Ada", "secret-hash"],
      PREPARED,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.orders (tenant, order_no, tmstmp, amount, internal_note) VALUES (?, ?, ?, ?, ?)`,
      ["acme", 7, written, 1250, "call first"],
      PREPARED,
    );
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "users", "to-es")["written"], 1);
    assert.equal(tableStats(result.summary, "orders", "to-es")["written"], 1);

    const user = await readUser();
    assert.deepEqual(Object.keys(user).sort(), ["deleted", "mail", "name", "updated_at", "user_id"]);
    assert.equal(user["user_id"], id);
    assert.equal(user["mail"], "ada@example.com");
    assert.equal(Date.parse(String(user["updated_at"])), written.getTime());
    // The default index of the table is not made beside the one it names.
    assert.equal(await h.es.indices.exists({ index: `${h.index}-users` }), false);
    // An existing index is used as it is: synced puts no alias on an index it did not make.
    assert.equal(Object.keys(await h.search.readMappings({ index: h.index })).includes(people), false);

    // A missing index is created under the name given, from the renamed and included columns, and
    // joins the alias as every index synced creates.
    assert.ok(Object.keys(await h.search.readMappings({ index: h.index })).includes(ledger));
    const mapping = Object.values(await h.search.readMappings({ index: ledger }))[0] ?? {};
    assert.deepEqual(Object.keys(mapping).sort(), ["amount", "deleted", "number", "tenant", "tmstmp"]);
    const order = await h.es.get<Record<string, unknown>>({ index: ledger, id: "acme|7" });
    assert.deepEqual(order._source, {
      tenant: "acme",
      number: 7,
      tmstmp: order._source?.["tmstmp"],
      amount: 1250,
    });
  });

  it("reads a changed document back by its renamed fields, and leaves the excluded column untouched", async () => {
    const before = await h.cassandra.execute(
      `SELECT password_hash, writetime(password_hash) AS wt FROM ${h.keyspace}.users WHERE id = ?`,
      [id],
      PREPARED,
    );
    const hashWritten = before.first().get("wt") as unknown;
    // The other application changes the document, with a field of its own named like the column
    // synced leaves alone.
    await h.es.index({
      index: people,
      id,
      document: {
        user_id: id,
        updated_at: at(60).toISOString(),
        deleted: false,
        mail: "ada@lovelace.org",
        name: "Ada",
        password_hash: "kept-by-the-search-side",
      },
      refresh: true,
    });
    await h.es.index({
      index: ledger,
      id: "acme|7",
      document: {
        tenant: "acme",
        number: 7,
        tmstmp: at(60).toISOString(),
        amount: 1300,
        note: "its own field",
      },
      refresh: true,
    });

    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "users", "to-cassandra")["written"], 1);
    assert.equal(tableStats(result.summary, "orders", "to-cassandra")["written"], 1);
    const row = (
      await h.cassandra.execute(
        `SELECT email, name, password_hash, writetime(password_hash) AS wt FROM ${h.keyspace}.users WHERE id = ?`,
        [id],
        PREPARED,
      )
    ).first();
    assert.equal(row.get("email"), "ada@lovelace.org");
    assert.equal(row.get("password_hash"), "secret-hash");
    assert.equal(String(row.get("wt")), String(hashWritten));
    const orderRow = (
      await h.cassandra.execute(
        `SELECT amount, internal_note FROM ${h.keyspace}.orders WHERE tenant = 'acme' AND order_no = 7`,
      )
    ).first();
    assert.equal(orderRow.get("amount"), 1300);
    assert.equal(orderRow.get("internal_note"), "call first");
  });

  it("keeps the search side's own fields when a newer row is written over the document", async () => {
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.users SET name = ?, tmstmp = ? WHERE id = ?`,
      ["Ada King", at(30), id],
      PREPARED,
    );
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.orders SET amount = ?, tmstmp = ? WHERE tenant = 'acme' AND order_no = 7`,
      [1400, at(30)],
      PREPARED,
    );
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(tableStats(result.summary, "users", "to-es")["written"], 1);
    const user = await readUser();
    assert.equal(user["name"], "Ada King");
    assert.equal(user["mail"], "ada@lovelace.org");
    assert.equal(user["password_hash"], "kept-by-the-search-side");
    const order = (await h.es.get<Record<string, unknown>>({ index: ledger, id: "acme|7" }))._source ?? {};
    assert.equal(order["amount"], 1400);
    assert.equal(order["note"], "its own field");
    assert.equal(order["internal_note"], undefined);

    await h.refresh();
    const again = await run();
    assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
    assert.equal(totalWritten(again.summary), 0, JSON.stringify(again.summary));
  });

  it("verifies both sides equal through the settings", async () => {
    const out = await h.cli(["verify", ...h.baseArgs(), "--config", settings, "-b", "0", "--json"]);
    assert.equal(out.code, EXIT.success, out.stderr + out.stdout);
    assert.equal((JSON.parse(out.stdout) as { outcome: string }).outcome, "equal", out.stdout);
  });

  // Tried as an operator would: a column added to `include` was in no document yet, so each row and
  // its document had the same tmstmp and differed in that column alone, a tie; where the document's
  // digest won, the run wrote its missing field over the row as null, exit 0, and the value was gone.
  it("copies a column newly included into the documents, and never nulls it in the rows", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id int PRIMARY KEY, tmstmp timestamp, deleted boolean, a int, note text)`,
    );
    const written = at(60);
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const i of ids)
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.notes (id, tmstmp, deleted, a, note) VALUES (?, ?, false, ?, ?)`,
        [i, written, i, `note ${i}`],
        PREPARED,
      );
    const narrow = await config("narrow.yaml", ["tables:", "  notes:", "    include: [a]"]);
    const wide = await config("wide.yaml", ["tables:", "  notes:", "    include: [a, note]"]);
    const first = await h.run(["--config", narrow, "--tables", "notes"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal(totalWritten(first.summary), ids.length);
    await h.refresh();

    const second = await h.run(["--config", wide, "--tables", "notes", "-b", "0"]);
    assert.equal(second.code, EXIT.success, JSON.stringify(second.summary));
    const rows = await h.cassandra.execute(`SELECT id, note FROM ${h.keyspace}.notes`);
    const nulled = rows.rows.filter((r) => r.get("note") === null).map((r) => r.get("id") as number);
    assert.deepEqual(nulled, [], "rows whose note the run nulled");
    await h.refresh();
    const { hits } = await h.es.search<{ note?: string }>({ index: `${h.index}-notes`, size: 100 });
    const lacking = hits.hits.filter((hit) => hit._source?.note === undefined).map((hit) => hit._id);
    assert.deepEqual(lacking, [], "documents without the note");
  });

  // Tried as an operator would: a table moved to another index by its setting left the old index in
  // the alias over the tables' indices, without a word; searches through the alias found every
  // record twice, the old copy going stale.
  it("says when the alias names an index no table lives in any more", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.moved (id int PRIMARY KEY, tmstmp timestamp, deleted boolean, n int)`,
    );
    const [before, after] = [`${h.index}_moved_a`, `${h.index}_moved_b`];
    const at = (index: string) => config(`${index}.yaml`, ["tables:", "  moved:", `    index: ${index}`]);
    const args = (file: string) => [...h.baseArgs(), "--config", file, "--tables", "moved"];
    // The indices the notice names (this file's other tables' indices are no table of these files').
    const named = (stderr: string): string[] =>
      /the alias over the tables' indices also names (.*?), where no table .*POST _aliases/
        .exec(stderr)?.[1]
        ?.split(", ") ?? [];
    const first = await h.cli(args(await at(before)));
    assert.equal(first.code, EXIT.success, first.stderr);
    assert.equal(named(first.stderr).includes(before), false, first.stderr);
    const moved = await h.cli(args(await at(after)));
    assert.equal(moved.code, EXIT.success, moved.stderr);
    assert.equal(named(moved.stderr).includes(before), true, moved.stderr);
    assert.equal(named(moved.stderr).includes(after), false, moved.stderr);
  });

  describe("refusals", () => {
    const refusals: [string, readonly string[], RegExp][] = [
      [
        "an unknown setting, before anything connects",
        ["tables:", "  users:", "    renmae:", "      email: mail"],
        /key tables\.users\.renmae: not a table setting\. Did you mean rename\?/,
      ],
      [
        "include and exclude together",
        ["tables:", "  users:", "    include: [name]", "    exclude: [email]"],
        /key tables\.users\.exclude: include and exclude are both given/,
      ],
      [
        "two columns renamed to one field",
        ["tables:", "  users:", "    rename:", "      email: contact", "      name: contact"],
        /key tables\.users\.rename\.name: 'email' is renamed to 'contact' too/,
      ],
      [
        "a table the keyspace lacks",
        ["tables:", "  usres:", "    exclude: [email]"],
        /key tables\.usres: keyspace \w+ has no table 'usres' \(closest: users\)/,
      ],
      [
        "a column the table lacks",
        ["tables:", "  users:", "    rename:", "      emial: mail"],
        /key tables\.users\.rename\.emial: table \w+\.users has no column 'emial' \(closest: email\)/,
      ],
      [
        "a rename onto another column's name",
        ["tables:", "  users:", "    rename:", "      email: name"],
        /key tables\.users\.rename\.email: 'name' is the name of another column of users/,
      ],
      [
        "an excluded key column",
        ["tables:", "  users:", "    exclude: [id]"],
        /key tables\.users\.exclude: 'id' is a key column of users/,
      ],
      [
        "an excluded timestamp",
        ["tables:", "  users:", "    exclude: [tmstmp]"],
        /key tables\.users\.exclude: 'tmstmp' is the timestamp column of users/,
      ],
    ];
    for (const [what, lines, message] of refusals) {
      it(`refuses ${what} with exit 2 and no checkpoint`, async () => {
        const file = await config(`${what.replaceAll(/\W+/g, "-")}.yaml`, lines);
        await assertConfigRefused(h, file, message);
      });
    }

    it("refuses a setting the file alone shows wrong without connecting to either store", async () => {
      const file = await config("offline.yaml", ["tables:", "  users:", "    exclud: [email]"]);
      const args = [
        ...h.argsWith({ "--es-nodes": "http://127.0.0.1:1", "--cassandra-port": "1" }),
        "--config",
        file,
      ];
      const result = await h.cli(args);
      assert.equal(result.code, EXIT.usage, result.stderr);
      assert.match(result.stderr, /key tables\.users\.exclud: not a table setting\. Did you mean exclude\?/);
    });

    it("refuses a table's index in the type-field layout", async () => {
      const file = await config("type-field.yaml", ["tables:", "  users:", "    index: elsewhere"]);
      const result = await h.cli([...h.baseArgs(), "--config", file, "--layout", "type-field"]);
      assert.equal(result.code, EXIT.usage, result.stderr);
      assert.match(
        result.stderr,
        /key tables\.users\.index: the type-field layout \(flag --layout\) keeps every/,
      );
    });
  });
});
