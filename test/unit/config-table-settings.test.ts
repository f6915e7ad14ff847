// The config file's `tables:` key: a list selects tables as --tables does, a mapping holds per-table
// settings, and everything wrong that the file alone shows is refused before anything connects, naming
// the file and the key path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRunFlags } from "../support/flags.js";
import { fakeFiles } from "../support/fake-files.js";
import { ConfigError } from "../../src/core/errors.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { SyncOptions } from "../../src/config/options.js";

const BASE = ["-k", "app", "-i", "app", "--config", "/etc/s.yaml"];

async function load(yaml: string, argv: string[] = BASE, path = "/etc/s.yaml"): Promise<SyncOptions> {
  return loadConfig({ flags: await parseRunFlags(argv), env: {}, readFile: fakeFiles({ [path]: yaml }) });
}

async function refused(promise: Promise<unknown>, ...expected: (string | RegExp)[]): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.kind, "usage");
  for (const part of expected) {
    if (typeof part === "string")
      assert.ok(caught.message.includes(part), `${caught.message}\nlacks: ${part}`);
    else assert.match(caught.message, part);
  }
}

describe("the config file's tables key", () => {
  it("keeps a list as the selection, with no settings", async () => {
    const options = await load("tables: [users, orders]\n");
    assert.deepEqual(options.tables, ["users", "orders"]);
    assert.equal(options.tableSettings, undefined);
  });

  it("reads a mapping as per-table settings that select nothing by themselves", async () => {
    const options = await load(
      [
        "tables:",
        "  users:",
        "    index: people",
        "    exclude: [password_hash]",
        "    rename:",
        "      email: mail",
        "      id: user_id",
        "  orders:",
        "    include: amount, status",
        "    routing: tenant",
        "  audit:",
        "",
      ].join("\n"),
    );
    assert.deepEqual(options.tables, []);
    assert.deepEqual(options.tableSettings, [
      {
        table: "users",
        file: "/etc/s.yaml",
        index: "people",
        exclude: ["password_hash"],
        rename: [
          { column: "email", field: "mail" },
          { column: "id", field: "user_id" },
        ],
      },
      { table: "orders", file: "/etc/s.yaml", include: ["amount", "status"], routing: "tenant" },
      { table: "audit", file: "/etc/s.yaml" },
    ]);
  });

  it("takes columns whose quoted names hold other characters, as Cassandra lists them or in CQL's quotes", async () => {
    const options = await load(
      [
        "tables:",
        "  users:",
        "    exclude: [a b, 'x.y', '\"a,b\"']",
        "    timestamp: last-modified",
        "    rename:",
        "      e-mail: mail",
        '      \'"Full ""Name"""\': full_name',
        "  orders:",
        "    include: '\"Net €\", status'",
        "",
      ].join("\n"),
    );
    assert.deepEqual(options.tableSettings, [
      {
        table: "users",
        file: "/etc/s.yaml",
        exclude: ["a b", "x.y", "a,b"],
        timestamp: "last-modified",
        rename: [
          { column: "e-mail", field: "mail" },
          { column: 'Full "Name"', field: "full_name" },
        ],
      },
      { table: "orders", file: "/etc/s.yaml", include: ["Net €", "status"] },
    ]);
  });

  it("takes the same settings from a JSON file, beside a --tables selection", async () => {
    const options = await load(
      '{"tables": {"users": {"rename": {"email": "mail"}}}}',
      [...BASE.slice(0, -1), "/etc/s.json", "--tables", "users"],
      "/etc/s.json",
    );
    assert.deepEqual(options.tables, ["users"]);
    assert.deepEqual(options.tableSettings, [
      { table: "users", file: "/etc/s.json", rename: [{ column: "email", field: "mail" }] },
    ]);
  });

  it("refuses an unknown setting with the closest one and the key path", async () => {
    await refused(
      load("tables:\n  users:\n    renmae:\n      email: mail\n"),
      "config file /etc/s.yaml, key tables.users.renmae: not a table setting. Did you mean rename?",
      "index, id, timestamp, tombstone, include, exclude, rename, pipeline, routing, ttl",
    );
  });

  it("reads a table's time to live as whole seconds", async () => {
    const options = await load("tables:\n  sessions:\n    ttl: 1d12h\n  tokens:\n    ttl: 90s\n");
    assert.deepEqual(options.tableSettings, [
      { table: "sessions", file: "/etc/s.yaml", ttl: 129_600 },
      { table: "tokens", file: "/etc/s.yaml", ttl: 90 },
    ]);
  });

  it("refuses a time to live without a unit, under a second, in parts of one, or past Cassandra's longest", async () => {
    const cases: [string, string][] = [
      ["3600", 'key tables.sessions.ttl: "3600" has no unit; write for example 3600s or 3600ms'],
      ["0", 'key tables.sessions.ttl: "0" is not a time to live Cassandra takes'],
      ["500ms", 'key tables.sessions.ttl: "500ms" is not a time to live Cassandra takes'],
      ["1s500ms", 'key tables.sessions.ttl: "1s500ms" is not a time to live Cassandra takes'],
      ["7301d", 'key tables.sessions.ttl: "7301d" is not a time to live Cassandra takes'],
      ["soon", 'key tables.sessions.ttl: "soon" is not a duration. Use a whole number with a unit'],
    ];
    for (const [ttl, message] of cases) {
      // What is no duration says how to write one; a duration Cassandra cannot take, which ones it can.
      const advice = message.includes("time to live")
        ? "from 1s to Cassandra's longest, 7300d"
        : "Use a whole number";
      await refused(load(`tables:\n  sessions:\n    ttl: '${ttl}'\n`), message, advice);
    }
    await refused(
      load("tables:\n  sessions:\n    ttl: 3600\n"),
      "key tables.sessions.ttl: 3600 is not a duration",
    );
  });

  it("reads a table's own id, timestamp and tombstone columns", async () => {
    const options = await load(
      "tables:\n  events:\n    id: account, event_id\n    timestamp: updated_at\n    tombstone: removed\n",
    );
    assert.deepEqual(options.tableSettings, [
      {
        table: "events",
        file: "/etc/s.yaml",
        id: ["account", "event_id"],
        timestamp: "updated_at",
        tombstone: "removed",
      },
    ]);
  });

  it("refuses a timestamp that is also the tombstone or a key column", async () => {
    await refused(
      load("tables:\n  events:\n    timestamp: at\n    tombstone: at\n"),
      "key tables.events.tombstone: 'at' is the timestamp column too",
    );
    await refused(
      load("tables:\n  events:\n    id: [event_id, at]\n    timestamp: at\n"),
      "key tables.events.id: 'at' is the timestamp column: list the key columns without it",
    );
  });

  it("refuses include and exclude together", async () => {
    await refused(
      load("tables:\n  users:\n    include: [a]\n    exclude: [b]\n"),
      "key tables.users.exclude: include and exclude are both given",
    );
  });

  it("refuses an include that lists no column, which would sync no column but the key and version", async () => {
    for (const empty of ["[]", '""', "[' ', ',']"]) {
      await refused(
        load(`tables:\n  users:\n    include: ${empty}\n`),
        "key tables.users.include: lists no column",
      );
    }
  });

  it("refuses two columns renamed to one field", async () => {
    await refused(
      load("tables:\n  users:\n    rename:\n      email: mail\n      backup_email: mail\n"),
      "key tables.users.rename.backup_email: 'email' is renamed to 'mail' too",
    );
  });

  it("refuses values of the wrong shape, naming the key", async () => {
    const cases: [string, string][] = [
      ["tables:\n  users: people\n", "key tables.users: must be a mapping of settings"],
      [
        "tables:\n  users:\n    rename: [email]\n",
        "key tables.users.rename: must map columns to field names",
      ],
      ["tables:\n  users:\n    rename:\n      email: 3\n", "key tables.users.rename.email: must be the name"],
      [
        "tables:\n  users:\n    rename:\n      email: a.b\n",
        'key tables.users.rename.email: "a.b" cannot be',
      ],
      [
        "tables:\n  users:\n    rename:\n      email: _id\n",
        'key tables.users.rename.email: "_id" cannot be',
      ],
      [
        'tables:\n  users:\n    rename:\n      "": mail\n',
        'key tables.users.rename.: "" is not a column name',
      ],
      ["tables:\n  users:\n    include: [1]\n", "key tables.users.include: must be a list of column names"],
      [
        "tables:\n  users:\n    exclude: ['\"\"']\n",
        'key tables.users.exclude: "\\"\\"" is not a column name',
      ],
      [
        "tables:\n  users:\n    index: People\n",
        'key tables.users.index: "People" is not a valid index name',
      ],
      [
        "tables:\n  users:\n    index: .people\n",
        "key tables.users.index: \".people\" is not a valid index name: it starts with '.', which Elasticsearch",
      ],
      ["tables:\n  users:\n    index: [a]\n", "key tables.users.index: must be the name of an index"],
      ["tables:\n  users:\n    id: []\n", "key tables.users.id: must name the table's key columns"],
      ["tables:\n  users:\n    timestamp: [a]\n", 'key tables.users.timestamp: ["a"] is not a column name'],
      ["tables:\n  users:\n    tombstone: 3\n", "key tables.users.tombstone: 3 is not a column name"],
      [
        'tables:\n  users:\n    pipeline: ""\n',
        "key tables.users.pipeline: must be the id of an ingest pipeline",
      ],
      [
        "tables:\n  users:\n    pipeline: a b\n",
        "key tables.users.pipeline: must be the id of an ingest pipeline",
      ],
      [
        "tables:\n  users:\n    routing: [tenant]\n",
        "key tables.users.routing: must be the name of one of the table's key columns, such as tenant",
      ],
      [
        "tables:\n  users:\n    routing: 3\n",
        "key tables.users.routing: must be the name of one of the table's key columns",
      ],
      ["tables:\n  users:\n    routing: '  '\n", 'key tables.users.routing: "  " is not a column name'],
      ["tables:\n  us-ers:\n    index: a\n", "key tables.us-ers: 'us-ers' is not a table name"],
      ["tables:\n  users: {}\n  Users: {}\n", "key tables.Users: table users has settings already"],
    ];
    for (const [yaml, message] of cases) await refused(load(yaml), message);
  });

  it("refuses a table's index in the type-field layout, naming where the layout was set", async () => {
    await refused(
      load("tables:\n  users:\n    index: people\n", [...BASE, "--layout", "type-field"]),
      "key tables.users.index: the type-field layout (flag --layout) keeps every table in the one index",
      "--layout index-per-table",
    );
    const options = await load("tables:\n  users:\n    rename:\n      a: b\n", [
      ...BASE,
      "--layout",
      "type-field",
    ]);
    assert.equal(options.tableSettings?.length, 1);
  });

  it("refuses an index that is -i itself, synced's state, or another table's", async () => {
    await refused(
      load("tables:\n  users:\n    index: app\n"),
      "key tables.users.index: 'app' is -i app itself",
    );
    await refused(
      load("tables:\n  users:\n    index: synced-state\n", [...BASE, "--state", "es:synced-state"]),
      "'synced-state' is where synced keeps its state",
    );
    await refused(
      load("tables:\n  users:\n    index: people\n  staff:\n    index: people\n"),
      "key tables.staff.index: table users maps to index 'people' too",
    );
  });
});
