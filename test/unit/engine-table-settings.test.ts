// The config file's per-table settings in the plan: the index, the content columns and the field
// names they give a table, and each setting the schema contradicts refused with the key to fix.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/core/errors.js";
import type { TableSettings } from "../../src/core/table-settings.js";
import { planTables, type PlanInput, type TableInput } from "../../src/reconcile/plan-tables.js";
import { planSchema } from "../../src/reconcile/schema-plan.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";

const text = { kind: "native", name: "text" } as const;
const FILE = "/etc/synced.yaml";

/** users: key (id), timestamp tmstmp, tombstone deleted, content email, name, password_hash. */
const users: TableInput = {
  name: "users",
  shape: { supported: true, shape: "latest", timestampType: "timestamp", hasTombstone: true },
  key: { partition: [{ name: "id", type: { kind: "native", name: "uuid" } }], clustering: [] },
  content: ["email", "name", "password_hash"].map((name) => ({ name, type: text })),
  columns: ["id", "tmstmp", "deleted", "email", "name", "password_hash"].map((name) => ({ name })),
};
const orders: TableInput = { ...users, name: "orders" };
/** accounts: key ((tenant), user_id), timestamp tmstmp, tombstone deleted, content name. */
const accounts: TableInput = {
  name: "accounts",
  shape: users.shape,
  key: {
    partition: [{ name: "tenant", type: text }],
    clustering: [{ name: "user_id", type: { kind: "native", name: "int" } }],
  },
  content: [{ name: "name", type: text }],
  columns: ["tenant", "user_id", "tmstmp", "deleted", "name"].map((name) => ({ name })),
};

function input(
  tableSettings: readonly Omit<TableSettings, "file">[],
  overrides: Partial<PlanInput> = {},
): PlanInput {
  const byDefault = { kind: "default" } as const;
  return {
    keyspace: "app",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    columnSources: { id: byDefault, timestamp: byDefault, tombstone: byDefault },
    layout: "index-per-table",
    typeField: "type",
    typeQueryField: "type",
    indexFor: (t) => `app-${t}`,
    idPrefixFor: () => "",
    tables: [users, orders],
    types: [],
    include: [],
    exclude: [],
    createTables: false,
    direction: "both",
    tableSettings: tableSettings.map((s) => ({ file: FILE, ...s })),
    ...overrides,
  };
}

function planOf(entries: ReturnType<typeof planTables>, table: string): TablePlan {
  const entry = entries.find((e) => e.kind === "sync" && e.plan.table === table);
  if (entry?.kind !== "sync") throw new Error(`${table} is not synced: ${JSON.stringify(entries)}`);
  return entry.plan;
}

function problems(entries: ReturnType<typeof planTables>): { key: string; problem: string }[] {
  return entries.flatMap((e) =>
    e.kind === "bad-setting" && e.source.kind === "file" ? [{ key: e.source.key, problem: e.problem }] : [],
  );
}

describe("per-table settings in the plan", () => {
  it("give a table the time to live its setting names, in place of its default_time_to_live", () => {
    const expiring = { ...orders, defaultTtlSeconds: 600 };
    const entries = planTables(
      input(
        [
          { table: "users", ttl: 3600 },
          { table: "orders", ttl: 60 },
        ],
        { tables: [users, expiring] },
      ),
    );
    assert.equal(planOf(entries, "users").defaultTtlSeconds, 3600);
    assert.equal(planOf(entries, "orders").defaultTtlSeconds, 60);
    const own = planTables(input([], { tables: [users, expiring] }));
    assert.equal(planOf(own, "orders").defaultTtlSeconds, 600);
    assert.equal(planOf(own, "users").defaultTtlSeconds, undefined);
  });

  it("give the table its index, its synced columns and its field names", () => {
    const entries = planTables(
      input([
        {
          table: "users",
          index: "people",
          exclude: ["password_hash"],
          rename: [
            { column: "email", field: "mail" },
            { column: "id", field: "user_id" },
          ],
        },
      ]),
    );
    const plan = planOf(entries, "users");
    assert.equal(plan.es.index, "people");
    assert.deepEqual(
      plan.contentColumns.map((c) => c.name),
      ["email", "name"],
    );
    assert.deepEqual(
      plan.fields,
      new Map([
        ["email", "mail"],
        ["id", "user_id"],
      ]),
    );
    assert.deepEqual(plan.foreignFields, ["password_hash"]);
    assert.deepEqual(problems(entries), []);
  });

  it("leave every field synced does not own alone when the columns are listed", () => {
    const plan = planOf(planTables(input([{ table: "Users", include: ["id", "name"] }])), "users");
    assert.deepEqual(
      plan.contentColumns.map((c) => c.name),
      ["name"],
    );
    assert.equal(plan.foreignFields, "unlisted");
    assert.equal(plan.fields, undefined);
  });

  it("send the documents of a table with a pipeline through it, and leave the fields it adds alone", () => {
    const plan = planOf(planTables(input([{ table: "users", pipeline: "add-geo" }])), "users");
    assert.equal(plan.es.pipeline, "add-geo");
    assert.equal(plan.foreignFields, "unlisted");
    assert.equal(plan.contentColumns, users.content);
  });

  it("route a table's documents by a key column, a partition or a clustering one, renamed or not", () => {
    const tables = [users, accounts];
    const renamed = planTables(
      input([{ table: "accounts", routing: "tenant", rename: [{ column: "tenant", field: "org" }] }], {
        tables,
      }),
    );
    assert.deepEqual(problems(renamed), []);
    assert.equal(planOf(renamed, "accounts").es.routing, "tenant");
    assert.equal(planOf(renamed, "users").es.routing, undefined);
    const clustering = planTables(input([{ table: "accounts", routing: "user_id" }], { tables }));
    assert.equal(planOf(clustering, "accounts").es.routing, "user_id");
  });

  it("refuse a routing column outside the key, one the table lacks, or a renamed column's field", () => {
    const found = (settings: Omit<TableSettings, "file">) =>
      problems(planTables(input([settings], { tables: [users, accounts] })));
    const outside = (column: string) => [
      {
        key: "tables.accounts.routing",
        problem:
          `'${column}' is not a key column of accounts, whose key is (tenant, user_id): a value that can ` +
          "change between writes would move the document to another shard and leave its old copy " +
          "behind. Route by one of the key columns.",
      },
    ];
    assert.deepEqual(found({ table: "accounts", routing: "name" }), outside("name"));
    assert.deepEqual(found({ table: "accounts", routing: "tmstmp" }), outside("tmstmp"));
    assert.deepEqual(found({ table: "accounts", routing: "tennant" }), [
      {
        key: "tables.accounts.routing",
        problem:
          "table app.accounts has no column 'tennant' (closest: tenant). Correct the name, or remove it.",
      },
    ]);
    assert.deepEqual(
      found({ table: "users", routing: "user_id", rename: [{ column: "id", field: "user_id" }] }),
      [
        {
          key: "tables.users.routing",
          problem:
            "'user_id' is the field column 'id' is renamed to, and routing names the column. Write routing: id.",
        },
      ],
    );
  });

  it("leave a table without settings exactly as it was planned before", () => {
    const without = planOf(planTables(input([])), "orders");
    const beside = planOf(planTables(input([{ table: "users", index: "people" }])), "orders");
    assert.deepEqual(beside, without);
    assert.deepEqual(Object.keys(without).includes("fields"), false);
    assert.deepEqual(Object.keys(without).includes("foreignFields"), false);
    assert.equal(without.contentColumns, users.content);
  });

  it("refuse settings of a table the keyspace lacks, with the closest names", () => {
    assert.deepEqual(problems(planTables(input([{ table: "usres", index: "people" }]))), [
      {
        key: "tables.usres",
        problem:
          "keyspace app has no table 'usres' (closest: users). Correct the name, or remove its settings.",
      },
    ]);
  });

  it("refuse columns the table lacks, with the closest columns and the key path", () => {
    const found = problems(
      planTables(
        input([
          { table: "users", rename: [{ column: "emial", field: "mail" }] },
          { table: "orders", exclude: ["nmae"] },
        ]),
      ),
    );
    assert.deepEqual(found, [
      {
        key: "tables.users.rename.emial",
        problem: "table app.users has no column 'emial' (closest: email). Correct the name, or remove it.",
      },
      {
        key: "tables.orders.exclude",
        problem: "table app.orders has no column 'nmae' (closest: name). Correct the name, or remove it.",
      },
    ]);
  });

  it("refuse excluding a key column, the timestamp or the tombstone", () => {
    const found = problems(planTables(input([{ table: "users", exclude: ["id", "tmstmp", "deleted"] }])));
    assert.deepEqual(
      found.map((p) => [
        p.key,
        /^'(\w+)' is (a key column|the timestamp column|the tombstone column)/.exec(p.problem)?.[1],
      ]),
      [
        ["tables.users.exclude", "id"],
        ["tables.users.exclude", "tmstmp"],
        ["tables.users.exclude", "deleted"],
      ],
    );
  });

  it("refuse renames that conflict with the table or the other settings", () => {
    const found = problems(
      planTables(
        input(
          [
            {
              table: "users",
              exclude: ["password_hash"],
              rename: [
                { column: "email", field: "name" },
                { column: "password_hash", field: "secret" },
                { column: "name", field: "kind" },
              ],
            },
            { table: "orders", include: ["name"], rename: [{ column: "email", field: "mail" }] },
          ],
          { layout: "type-field", typeField: "kind", indexFor: () => "app", idPrefixFor: (t) => `${t}-` },
        ),
      ),
    );
    assert.deepEqual(found, [
      {
        key: "tables.users.rename.email",
        problem:
          "'name' is the name of another column of users (renamed to 'kind' here), and a document field " +
          "stands for one column. Choose another field name.",
      },
      {
        key: "tables.users.rename.password_hash",
        problem:
          "'password_hash' is in exclude, so synced writes no field for it to rename. Remove the rename.",
      },
      {
        key: "tables.users.rename.name",
        problem: "'kind' is the type field of every document. Choose another field name.",
      },
      {
        key: "tables.orders.rename.email",
        problem: "'email' is not in include, so synced writes no field for it to rename. Remove the rename.",
      },
    ]);
  });

  it("check only the columns of a table synced skips, which says why it is skipped", () => {
    const blob: TableInput = {
      name: "blobs",
      shape: { supported: false, reason: "a blob key" },
      content: users.content,
      columns: users.columns,
    };
    const entries = planTables(
      input(
        [
          { table: "blobs", exclude: ["id"], rename: [{ column: "id", field: "blob_id" }] },
          { table: "users", rename: [{ column: "nope", field: "n" }] },
        ],
        { tables: [blob, users] },
      ),
    );
    assert.deepEqual(
      problems(entries).map((p) => p.key),
      ["tables.users.rename.nope"],
    );
    assert.deepEqual(
      entries.filter((e) => e.kind === "skip"),
      [{ kind: "skip", name: "blobs", reason: "a blob key" }],
    );
  });

  it("give a table its own timestamp and tombstone columns, and check its own id against its key", () => {
    const events: TableInput = {
      name: "events",
      shape: { supported: true, shape: "latest", timestampType: "timestamp", hasTombstone: true },
      key: {
        partition: [{ name: "account", type: text }],
        clustering: [{ name: "event_id", type: { kind: "native", name: "bigint" } }],
      },
      content: [{ name: "body", type: text }],
      columns: ["account", "event_id", "updated_at", "removed", "body"].map((name) => ({ name })),
    };
    const own = { table: "events", timestamp: "updated_at", tombstone: "removed" };
    const entries = planTables(input([{ ...own, id: ["account", "event_id"] }], { tables: [events, users] }));
    assert.deepEqual(problems(entries), []);
    assert.deepEqual(planOf(entries, "events").names, {
      id: "id",
      timestamp: "updated_at",
      tombstone: "removed",
    });
    // The other tables keep the flags' names.
    assert.equal(planOf(entries, "users").names.timestamp, "tmstmp");

    const wrongId = planTables(input([{ ...own, id: ["event_id"] }], { tables: [events] }));
    assert.deepEqual(problems(wrongId), [
      {
        key: "tables.events.id",
        problem:
          "the key of app.events is (account, event_id), not (event_id): id lists the primary key's " +
          "columns in order, without the timestamp. Correct it, or remove it.",
      },
    ]);
    const missing = planTables(input([{ ...own, timestamp: "updated" }], { tables: [events] }));
    assert.deepEqual(
      problems(missing).map((p) => p.key),
      ["tables.events.timestamp"],
    );
    assert.match(problems(missing)[0]?.problem ?? "", /no column 'updated' \(closest: updated_at\)/);
  });

  it("refuse a table its own columns leave unsupported, instead of skipping it", () => {
    const broken: TableInput = {
      name: "events",
      shape: { supported: false, reason: "'body' is text, not timeuuid or timestamp" },
      content: [],
      columns: ["id", "body"].map((name) => ({ name })),
    };
    assert.deepEqual(
      problems(planTables(input([{ table: "events", timestamp: "body" }], { tables: [broken] }))),
      [
        {
          key: "tables.events.timestamp",
          problem:
            "'body' is text, not timeuuid or timestamp, so app.events cannot be synced as its settings say. " +
            "Correct the setting, or remove the table's settings to leave it out.",
        },
      ],
    );
  });

  it("do not ask a table with its own timestamp for the flag's column", () => {
    const events: TableInput = {
      ...users,
      name: "events",
      columns: ["id", "updated_at", "deleted", "email", "name", "password_hash"].map((name) => ({ name })),
    };
    const given = { kind: "flag", flag: "--timestamp-column" } as const;
    const only = input([{ table: "events", timestamp: "updated_at" }], {
      tables: [events],
      columnSources: { id: { kind: "default" }, timestamp: given, tombstone: { kind: "default" } },
    });
    assert.deepEqual(
      planTables(only).filter((e) => e.kind === "unknown-column"),
      [],
    );
    // Beside a table that uses the flag and lacks its column, the flag is still a typo.
    const both = planTables({ ...only, tables: [events, { ...users, columns: [{ name: "id" }] }] });
    assert.deepEqual(
      both.flatMap((e) => (e.kind === "unknown-column" ? [e.column] : [])),
      ["timestamp"],
    );
  });

  it("refuse an index another synced table has", () => {
    const found = problems(planTables(input([{ table: "users", index: "app-orders" }])));
    assert.deepEqual(found, [
      {
        key: "tables.users.index",
        problem:
          "'app-orders' is the index of table orders too, and an index holds one table in the " +
          "index-per-table layout. Name another index.",
      },
    ]);
  });

  it("are refused by the plan with exit 2, naming the file and the key", async () => {
    const { tableSettings, ...settings } = input([
      { table: "users", rename: [{ column: "emial", field: "m" }] },
    ]);
    const schema = { read: () => Promise.resolve({ typeQueryField: "type", tables: [users], types: [] }) };
    let caught: unknown;
    try {
      await planSchema(schema, { ...settings, ...(tableSettings === undefined ? {} : { tableSettings }) });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ConfigError, String(caught));
    assert.equal(caught.kind, "usage");
    assert.match(
      caught.message,
      /^config file \/etc\/synced.yaml, key tables.users.rename.emial: table app.users has no column 'emial' \(closest: email\)/,
    );
  });
});
