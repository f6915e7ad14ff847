// How the keyspace's tables and the index's types become plans: synced, created, skipped with a
// reason, or refused as unknown. Pure, so each rule is checked on its own.
import assert from "node:assert/strict";
import { singleKey } from "../../src/core/table-key.js";
import { describe, it } from "node:test";
import type { MappedField } from "../../src/reconcile/schema-drift.js";
import type { TimestampMapping } from "../../src/core/version.js";
import {
  planTables,
  type PlanEntry,
  type PlanInput,
  type TableInput,
  type TypeInput,
} from "../../src/reconcile/plan-tables.js";

const latest: TableInput["shape"] = {
  supported: true,
  shape: "latest",
  timestampType: "timestamp",
  hasTombstone: false,
};
const table = (
  name: string,
  shape: TableInput["shape"] = latest,
  columns: readonly string[] = ["id", "tmstmp", "v"],
): TableInput => ({
  name,
  shape,
  content: [],
  ...(shape.supported ? { key: singleKey("id") } : {}),
  columns: columns.map((c) => ({ name: c })),
});
const type = (name: string, timestamp: TypeInput["timestamp"] = { precision: "millisecond" }): TypeInput => ({
  name,
  index: `app-${name.toLowerCase()}`,
  timestamp,
});

const byDefault = { kind: "default" } as const;

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    keyspace: "app",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    columnSources: { id: byDefault, timestamp: byDefault, tombstone: byDefault },
    layout: "index-per-table",
    typeField: "type",
    typeQueryField: "type",
    indexFor: (t) => `app-${t}`,
    idPrefixFor: () => "",
    tables: [],
    types: [],
    include: [],
    exclude: [],
    createTables: false,
    direction: "both",
    ...overrides,
  };
}

describe("planTables", () => {
  it("syncs a table with its index, and creates the index of a table that has none", () => {
    const entries = planTables(input({ tables: [table("users"), table("orders")], types: [type("users")] }));
    assert.deepEqual(
      entries.map((e) => (e.kind === "sync" ? [e.plan.table, e.plan.es.index, e.createIndex] : e.kind)),
      [
        ["orders", "app-orders", true],
        ["users", "app-users", false],
      ],
    );
  });

  it("names a --tables entry that does not exist, with the closest names", () => {
    const entries = planTables(input({ tables: [table("users"), table("orders")], include: ["usres"] }));
    assert.deepEqual(entries, [{ kind: "unknown", option: "tables", name: "usres", closest: ["users"] }]);
  });

  it("names an --exclude-tables entry that does not exist, with the closest names", () => {
    const entries = planTables(
      input({
        tables: [table("users"), table("audit")],
        types: [type("events")],
        exclude: ["Audit", "evnts"],
      }),
    );
    assert.deepEqual(
      entries.map((e) => (e.kind === "unknown" ? e : e.kind === "sync" ? e.plan.table : e.name)),
      ["events", "users", { kind: "unknown", option: "exclude-tables", name: "evnts", closest: ["events"] }],
    );
  });

  it("skips a type with an unusable timestamp before planning to create its table", () => {
    const untimed = type("events", { problem: "field 'tmstmp' is not mapped", field: "tmstmp" });
    const entries = planTables(input({ types: [untimed], createTables: true }));
    assert.deepEqual(entries, [
      { kind: "skip", name: "events", reason: "index app-events: field 'tmstmp' is not mapped" },
    ]);
  });

  it("refuses a table whose index cannot give versions, with the mapping that mends it", () => {
    const entries = planTables(
      input({
        tables: [table("users"), table("events")],
        types: [
          type("users", { problem: "field 'tmstmp' is not mapped", field: "tmstmp" }),
          type("events", { problem: "not a date", field: "tmstmp", mappedAs: "keyword" }),
        ],
      }),
    );
    assert.deepEqual(
      entries.map((e) => e.kind),
      ["refuse", "refuse"],
    );
    const reasons = entries.map((e) => (e.kind === "refuse" ? e.reason : ""));
    assert.match(
      reasons[0] ?? "",
      /^index app-events maps field 'tmstmp' as keyword, not date or date_nanos/,
    );
    assert.match(reasons[0] ?? "", /tables\.events\.index/);
    assert.doesNotMatch(reasons[0] ?? "", /_mapping/);
    assert.match(reasons[1] ?? "", /^index app-users maps no field 'tmstmp'/);
    assert.match(
      reasons[1] ?? "",
      /PUT app-users\/_mapping \{"properties": \{"tmstmp": \{"type": "date_nanos"\}\}\}/,
    );
  });

  it("maps an empty index made ahead with its settings only as one it creates, and refuses one that holds documents", () => {
    const unmapped = { problem: "field 'tmstmp' is not mapped", field: "tmstmp" } as const;
    const entries = planTables(
      input({
        tables: [table("users"), table("orders")],
        types: [{ ...type("users", unmapped), empty: true }, type("orders", unmapped)],
      }),
    );
    assert.deepEqual(
      entries.map((e) =>
        e.kind === "sync"
          ? [e.plan.table, e.plan.es.index, e.createIndex, e.plan.es.timestampPrecision]
          : [e.kind, e.name],
      ),
      [
        ["refuse", "orders"],
        ["users", "app-users", true, "microsecond"],
      ],
    );
  });

  it("names -i, not a table's index setting, when the shared index of the type-field layout cannot give versions", () => {
    const worded = {
      ...type("events", { problem: "not a date", field: "tmstmp", mappedAs: "long" }),
      index: "app",
    };
    const entries = planTables(input({ layout: "type-field", tables: [table("events")], types: [worded] }));
    const reason = entries[0]?.kind === "refuse" ? entries[0].reason : "";
    assert.match(reason, /^index app maps field 'tmstmp' as long/);
    assert.match(reason, /give the tables a new index \(-i naming one that does not exist/);
    assert.doesNotMatch(reason, /tables\.events\.index/);
  });

  describe("in the type-field layout's one index, which maps a field once for every table", () => {
    const native = (name: "uuid" | "int" | "text" | "decimal") => ({ kind: "native", name }) as const;
    const keyed = (
      name: string,
      id: ReturnType<typeof native>,
      content: Readonly<Record<string, ReturnType<typeof native>>> = {},
    ): TableInput => ({
      ...table(name, latest, ["id", "tmstmp", ...Object.keys(content)]),
      key: singleKey("id", id),
      content: Object.entries(content).map(([c, type]) => ({ name: c, type })),
    });
    const shared = (overrides: Partial<PlanInput>): PlanInput =>
      input({
        layout: "type-field",
        indexFor: () => "app",
        idPrefixFor: (name) => `${name}-`,
        ...overrides,
      });
    const outcome = (entries: readonly PlanEntry[]) =>
      entries.map((e) =>
        e.kind === "refuse" ? ["refuse", e.name] : [e.kind, "plan" in e ? e.plan.table : ""],
      );
    const mapped = (type: string): MappedField => ({ type, column: { problem: "not asked" } });

    it("refuses a table whose column's field another table, planned before it, maps with a type of another family", () => {
      const entries = planTables(
        shared({
          tables: [keyed("users", native("uuid"), { n: native("text") }), keyed("orders", native("int"))],
        }),
      );
      assert.deepEqual(outcome(entries), [
        ["sync", "orders"],
        ["refuse", "users"],
      ]);
      const reason = entries[1]?.kind === "refuse" ? entries[1].reason : "";
      assert.match(
        reason,
        /column id of app\.users is uuid, but table orders, synced into the same index app, maps field id as int/,
      );
      assert.match(reason, /tables\.users\.rename: \{<column>: <field>\} or tables\.orders\.rename/);
      assert.doesNotMatch(reason, /column n/);
    });

    it("judges a table whose type has no document yet against the fields the index maps", () => {
      const entries = planTables(
        shared({
          tables: [keyed("users", native("uuid")), keyed("orders", native("int"), { note: native("text") })],
          sharedFields: new Map([
            ["id", mapped("keyword")],
            ["note", mapped("long")],
          ]),
        }),
      );
      assert.deepEqual(outcome(entries), [
        ["refuse", "orders"],
        ["sync", "users"],
      ]);
      const reason = entries[0]?.kind === "refuse" ? entries[0].reason : "";
      assert.match(reason, /column id of app\.orders is int, but index app maps field id as keyword/);
      assert.match(reason, /column note of app\.orders is text, but index app maps field note as long/);
    });

    it("takes the types one field holds alike where they fit each other, and a renamed field apart", () => {
      const entries = planTables(
        shared({
          tables: [
            keyed("a", native("text"), { n: native("text") }),
            keyed("b", native("uuid"), { n: native("decimal") }),
            keyed("c", native("int"), { n: native("text") }),
          ],
          tableSettings: [{ table: "c", file: "synced.yaml", rename: [{ column: "id", field: "c_id" }] }],
        }),
      );
      assert.deepEqual(
        outcome(entries).map(([kind]) => kind),
        ["sync", "sync", "sync"],
      );
    });

    // An index made before the tables were judged against each other holds documents of both: the
    // refusal came from the check of a column whose type changed, and told to give the columns their
    // former types, though none had changed.
    describe("where both tables already have documents in the index", () => {
      const typed = (name: string): TypeInput => ({
        name,
        index: "app",
        timestamp: { precision: "microsecond" },
        fields: new Map([
          ["id", mapped("keyword")],
          ["tmstmp", mapped("date_nanos")],
          ["v", mapped("text")],
        ]),
      });
      const refusal = (entries: readonly PlanEntry[], name: string): string => {
        const entry = entries.find((e) => e.kind === "refuse" && e.name === name);
        return entry?.kind === "refuse" ? entry.reason : "";
      };

      it("names the table whose column the field fits, and the renames and layout that fix it", () => {
        const entries = planTables(
          shared({
            tables: [
              keyed("kinds", native("uuid"), { v: native("text") }),
              keyed("paths", native("uuid"), { v: native("int") }),
            ],
            types: [typed("kinds"), typed("paths")],
          }),
        );
        assert.deepEqual(outcome(entries), [
          ["sync", "kinds"],
          ["refuse", "paths"],
        ]);
        const reason = refusal(entries, "paths");
        assert.match(
          reason,
          /^column v of app\.paths is int, but index app maps its field v as text, as column v of table kinds \(text\) holds it, and /,
        );
        // The field keeps its mapping: only a field of another name for paths's column fits it.
        assert.match(reason, /\(tables\.paths\.rename: \{v: <field>\}\)/);
        assert.doesNotMatch(reason, /tables\.kinds/);
        assert.match(reason, /--layout index-per-table/);
        assert.doesNotMatch(reason, /former types/);
      });

      it("still says to give a column its former type where no other table's column fits the field", () => {
        const entries = planTables(
          shared({
            tables: [
              keyed("kinds", native("uuid"), { w: native("text") }),
              keyed("paths", native("uuid"), { v: native("int") }),
            ],
            types: [typed("kinds"), typed("paths")],
          }),
        );
        const reason = refusal(entries, "paths");
        assert.match(reason, /column v of app\.paths is int, but index app maps its field v as text/);
        assert.match(
          reason,
          /give the columns types that fit the fields \(their former types, where a column's type changed\)/,
        );
        assert.doesNotMatch(reason, /rename/);
      });
    });

    // A user-defined type's column is an object in the mapping, its fields the object's properties
    // (`addr.zip`): the fields one level down are the index's fields as much as the columns' own.
    describe("below a column's own field, in the shape the mapping gives it", () => {
      const address = (zip: "int" | "text") =>
        ({
          kind: "udt",
          keyspace: "app",
          name: "address",
          fields: [
            { name: "zip", type: native(zip) },
            { name: "street", type: native("text") },
          ],
          frozen: true,
        }) as const;
      const withColumns = (name: string, content: TableInput["content"]): TableInput => ({
        ...table(name, latest, ["id", "tmstmp", ...content.map((c) => c.name)]),
        key: singleKey("id", native("uuid")),
        content,
      });
      const refusal = (entries: readonly PlanEntry[], name: string): string => {
        const entry = entries.find((e) => e.kind === "refuse" && e.name === name);
        return entry?.kind === "refuse" ? entry.reason : "";
      };

      it("refuses a column named like a field of another table's user-defined type, of another family", () => {
        const entries = planTables(
          shared({
            tables: [
              withColumns("people", [{ name: "addr", type: address("int") }]),
              withColumns("shops", [{ name: "addr.zip", type: native("text") }]),
            ],
          }),
        );
        assert.deepEqual(outcome(entries), [
          ["sync", "people"],
          ["refuse", "shops"],
        ]);
        assert.match(
          refusal(entries, "shops"),
          /column addr\.zip of app\.shops is text, but table people, synced into the same index app, maps field addr\.zip as int \(field zip of its column addr\), and a column of that type needs a text or keyword field/,
        );
        assert.match(
          refusal(entries, "shops"),
          /tables\.shops\.rename: \{<column>: <field>\} or tables\.people\.rename/,
        );
      });

      it("refuses a user-defined type whose field another table's type, or its column, maps otherwise", () => {
        const entries = planTables(
          shared({
            tables: [
              withColumns("clients", [{ name: "addr", type: address("text") }]),
              withColumns("people", [{ name: "addr", type: address("int") }]),
            ],
          }),
        );
        assert.deepEqual(outcome(entries), [
          ["sync", "clients"],
          ["refuse", "people"],
        ]);
        assert.match(
          refusal(entries, "people"),
          /column addr of app\.people is frozen<address>, whose field zip \(int\) is field 'addr\.zip', but table clients, synced into the same index app, maps field 'addr\.zip' as text \(field zip of its column addr\)/,
        );
        const dotted = planTables(
          shared({
            tables: [
              withColumns("alpha", [{ name: "addr.zip", type: native("text") }]),
              withColumns("people", [{ name: "addr", type: address("int") }]),
            ],
          }),
        );
        assert.deepEqual(outcome(dotted), [
          ["sync", "alpha"],
          ["refuse", "people"],
        ]);
        assert.match(
          refusal(dotted, "people"),
          /column addr of app\.people is frozen<address>, whose field zip \(int\) is field 'addr\.zip', but table alpha, synced into the same index app, maps field 'addr\.zip' as text \(column addr\.zip\)/,
        );
        // One sentence for the column, however many of its fields clash.
        const both = planTables(
          shared({
            tables: [
              withColumns("alpha", [
                { name: "addr.zip", type: native("text") },
                { name: "addr.street", type: native("int") },
              ]),
              withColumns("people", [{ name: "addr", type: address("int") }]),
            ],
          }),
        );
        assert.equal(refusal(both, "people").split("column addr of").length, 2);
      });

      it("judges the fields of a user-defined type against the properties the index maps", () => {
        const entries = planTables(
          shared({
            tables: [withColumns("people", [{ name: "addr", type: address("int") }])],
            sharedFields: new Map([
              ["addr", mapped("object")],
              ["addr.zip", { ...mapped("keyword"), nested: true }],
            ]),
          }),
        );
        assert.match(
          refusal(entries, "people"),
          /column addr of app\.people is frozen<address>, whose field zip \(int\) is field 'addr\.zip', but index app maps field 'addr\.zip' as keyword/,
        );
      });

      it("syncs tables whose types map the same fields alike, and a type's fields the index maps already", () => {
        const entries = planTables(
          shared({
            tables: [
              withColumns("clients", [{ name: "addr", type: address("int") }]),
              withColumns("people", [{ name: "addr", type: address("int") }]),
              withColumns("shops", [{ name: "addr.street", type: native("text") }]),
            ],
            sharedFields: new Map([
              ["addr", mapped("object")],
              ["addr.zip", { ...mapped("integer"), nested: true }],
            ]),
          }),
        );
        assert.deepEqual(
          outcome(entries).map(([kind]) => kind),
          ["sync", "sync", "sync"],
        );
      });

      // A tuple's value is an array of values, which only an object kept in _source (enabled: false)
      // takes: a map's flattened field and an object whose contents are mapped refuse it.
      const pair = { kind: "tuple", elements: [native("int"), native("text")] } as const;
      const labels = { kind: "map", key: native("text"), value: native("text"), frozen: false } as const;

      it("refuses a tuple column whose field another table maps as a map or a user-defined type", () => {
        const afterType = planTables(
          shared({
            tables: [
              withColumns("clients", [{ name: "addr", type: address("int") }]),
              withColumns("pairs", [{ name: "addr", type: pair }]),
            ],
          }),
        );
        assert.deepEqual(outcome(afterType), [
          ["sync", "clients"],
          ["refuse", "pairs"],
        ]);
        assert.match(
          refusal(afterType, "pairs"),
          /column addr of app\.pairs is frozen<tuple<int, text>>, but table clients, synced into the same index app, maps field addr as frozen<address> \(column addr\), and a tuple's values, arrays of values, fit only an object field with enabled: false/,
        );
        assert.match(
          refusal(afterType, "pairs"),
          /tables\.pairs\.rename: \{<column>: <field>\} or tables\.clients\.rename/,
        );
        const afterMap = planTables(
          shared({
            tables: [
              withColumns("labels", [{ name: "addr", type: labels }]),
              withColumns("pairs", [{ name: "addr", type: pair }]),
            ],
          }),
        );
        assert.match(
          refusal(afterMap, "pairs"),
          /but table labels, synced into the same index app, maps field addr as map<text, text> \(column addr\), and a tuple's values/,
        );
        // A column named addr.zip makes addr an object with properties as well.
        const afterDotted = planTables(
          shared({
            tables: [
              withColumns("alpha", [{ name: "addr.zip", type: native("text") }]),
              withColumns("pairs", [{ name: "addr", type: pair }]),
            ],
          }),
        );
        assert.match(
          refusal(afterDotted, "pairs"),
          /column addr of app\.pairs is frozen<tuple<int, text>>, but table alpha, synced into the same index app, maps field addr\.zip, an object path into its field addr/,
        );
      });

      it("refuses a tuple column whose field the index maps as flattened or as an object with properties", () => {
        for (const [type, properties] of [
          ["flattened", false],
          ["object", true],
          ["nested", true],
        ] as const) {
          const entries = planTables(
            shared({
              tables: [withColumns("pairs", [{ name: "addr", type: pair }])],
              sharedFields: new Map([
                ["addr", mapped(type)],
                ...(properties
                  ? [["addr.zip", { ...mapped("integer"), nested: true as const }] as const]
                  : []),
              ]),
            }),
          );
          assert.match(
            refusal(entries, "pairs"),
            new RegExp(
              `column addr of app\\.pairs is frozen<tuple<int, text>>, but index app maps field addr as ${type}, and a tuple's values`,
            ),
          );
        }
      });

      it("syncs a map, a user-defined type and a tuple on one field wherever the cluster takes their values", () => {
        // A flattened field takes a type's objects; an object kept in _source takes anything; an object
        // with properties takes a map's keys as new properties, where each fits the map's values (the
        // fields of address("text") are text). The tables are planned by name: t1 maps the field first.
        const columns = { map: labels, type: address("text"), tuple: pair, intType: address("int") } as const;
        for (const order of [
          ["map", "type"],
          ["type", "map"],
          ["tuple", "map", "type"],
          ["tuple", "type"],
          // The first map made the field flattened: the type's properties are never mapped.
          ["map", "intType", "map"],
        ] as const) {
          const entries = planTables(
            shared({
              tables: order.map((kind, i) =>
                withColumns(`t${i + 1}`, [{ name: "addr", type: columns[kind] }]),
              ),
            }),
          );
          assert.deepEqual(
            outcome(entries).map(([kind]) => kind),
            order.map(() => "sync"),
            order.join(", "),
          );
        }
        const kept = planTables(
          shared({
            tables: [withColumns("pairs", [{ name: "addr", type: pair }])],
            sharedFields: new Map([["addr", { ...mapped("object"), disabled: true }]]),
          }),
        );
        assert.deepEqual(outcome(kept), [["sync", "pairs"]]);
      });

      // A map's keys become properties of an object with properties, so a key named as a type's field
      // puts one of the map's values in that field: where its type refuses them, each such document
      // was refused by the cluster and dead-lettered, run after run.
      it("refuses a map column on the field another table or the index maps as an object whose properties refuse its values", () => {
        const afterType = planTables(
          shared({
            tables: [
              withColumns("clients", [{ name: "addr", type: address("int") }]),
              withColumns("labels", [{ name: "addr", type: labels }]),
            ],
          }),
        );
        assert.deepEqual(outcome(afterType), [
          ["sync", "clients"],
          ["refuse", "labels"],
        ]);
        assert.match(
          refusal(afterType, "labels"),
          /column addr of app\.labels is map<text, text>, but table clients, synced into the same index app, maps field addr\.zip as int \(field zip of its column addr\), a property of the object at field addr: the cluster adds each key of a map there as a property, and refuses a document whose key zip holds a text value/,
        );
        assert.match(
          refusal(afterType, "labels"),
          /tables\.labels\.rename: \{<column>: <field>\} or tables\.clients\.rename/,
        );
        const againstIndex = (property: string) =>
          planTables(
            shared({
              tables: [withColumns("labels", [{ name: "addr", type: labels }])],
              sharedFields: new Map([
                ["addr", mapped("object")],
                ["addr.street", { ...mapped("text"), nested: true as const }],
                ["addr.zip", { ...mapped(property), nested: true as const }],
              ]),
            }),
          );
        assert.match(
          refusal(againstIndex("integer"), "labels"),
          /column addr of app\.labels is map<text, text>, but index app maps field addr\.zip as integer, a property of the object at field addr/,
        );
        // An object whose properties all take the map's values (as dynamic mapping made them from
        // the map's own keys, in an index migrated from Elasticsearch 5/6) is left to sync.
        assert.deepEqual(outcome(againstIndex("keyword")), [["sync", "labels"]]);
        // Deeper down, a map of maps puts its inner keys into the properties of a type's field.
        const nested = planTables(
          shared({
            tables: [
              withColumns("clients", [
                {
                  name: "info",
                  type: { ...address("int"), name: "info", fields: [{ name: "home", type: address("int") }] },
                },
              ]),
              withColumns("labels", [
                { name: "info", type: { kind: "map", key: native("text"), value: labels, frozen: false } },
              ]),
            ],
          }),
        );
        assert.match(
          refusal(nested, "labels"),
          /maps field info\.home\.zip as int \(field home\.zip of its column info\), a property of the object at field info\.home/,
        );
      });
    });

    it("syncs a table whose type has no document yet at the precision the index maps its version field with", () => {
      const at = (tmstmp: TimestampMapping) =>
        planTables(
          shared({
            tables: [keyed("users", native("uuid"))],
            sharedFields: new Map([["tmstmp", mapped("date")]]),
            sharedTimestamps: new Map([["tmstmp", tmstmp]]),
          }),
        )[0];
      const millis = at({ precision: "millisecond" });
      assert.equal(millis?.kind === "sync" ? millis.plan.es.timestampPrecision : millis?.kind, "millisecond");
      const unmapped = at({ problem: "field 'tmstmp' is not mapped", field: "tmstmp" });
      assert.equal(
        unmapped?.kind === "sync" ? unmapped.plan.es.timestampPrecision : unmapped?.kind,
        "microsecond",
      );
      const long = at({ problem: "not a date", field: "tmstmp", mappedAs: "long" });
      assert.equal(long?.kind, "refuse");
      assert.match(long.reason, /^index app maps field 'tmstmp' as long, not date or date_nanos/);
    });

    it("leaves the index-per-table layout alone, where each table has an index of its own", () => {
      const entries = planTables(
        input({ tables: [keyed("users", native("uuid")), keyed("orders", native("int"))] }),
      );
      assert.deepEqual(
        outcome(entries).map(([kind]) => kind),
        ["sync", "sync"],
      );
    });
  });

  it("creates a table for a type only with --create-tables", () => {
    assert.equal(planTables(input({ types: [type("events")] }))[0]?.kind, "skip");
    assert.deepEqual(planTables(input({ types: [type("events")], createTables: true })), [
      { kind: "create-table", name: "events", index: "app-events" },
    ]);
  });

  it("skips an unsupported table with its reason, and a table without an index when only copying to Cassandra", () => {
    const odd = table("odd", { supported: false, reason: "counter table" });
    const entries = planTables(input({ tables: [odd, table("lonely")], direction: "to-cassandra" }));
    assert.deepEqual(
      entries.map((e) => (e.kind === "skip" ? e.reason : e.kind)),
      ["no index for lonely, so nothing to copy to Cassandra", "counter table"],
    );
  });

  it("keeps a type's own spelling in the type-field layout, matched on its keyword field", () => {
    const entries = planTables(
      input({
        layout: "type-field",
        typeQueryField: "type.keyword",
        indexFor: () => "app",
        idPrefixFor: (name) => `${name}-`,
        tables: [table("users"), table("orders")],
        types: [{ ...type("Users"), index: "app" }],
      }),
    );
    const plans = entries.flatMap((e) => (e.kind === "sync" ? [e.plan.es] : []));
    assert.deepEqual(
      plans.map((es) => [es.idPrefix, es.typeFilter]),
      [
        ["orders-", { field: "type", queryField: "type.keyword", value: "orders" }],
        ["Users-", { field: "type", queryField: "type.keyword", value: "Users" }],
      ],
    );
  });

  it("leaves out excluded names", () => {
    const entries = planTables(input({ tables: [table("users"), table("audit")], exclude: ["AUDIT"] }));
    assert.deepEqual(
      entries.map((e) => (e.kind === "sync" ? e.plan.table : e.kind)),
      ["users"],
    );
  });

  it("refuses tables whose names differ only in case, even with an index or settings of that name", () => {
    const twins = [table("Users"), table("users"), table("orders")];
    const entries = planTables(
      input({
        tables: twins,
        types: [type("users")],
        tableSettings: [{ file: "/etc/synced.yaml", table: "users", index: "app-people" }],
      }),
    );
    assert.deepEqual(
      entries.map((e) => (e.kind === "sync" ? e.plan.table : `${e.kind} ${e.name}`)),
      ["orders", "refuse Users", "refuse users"],
    );
    const reason = entries.find((e) => e.kind === "refuse")?.reason ?? "";
    assert.match(reason, /tables Users and users differ only in case/);
    assert.match(reason, /--exclude-tables users to let it move/);
    const excluded = planTables(input({ tables: twins, exclude: ["users"] }));
    assert.deepEqual(
      excluded.map((e) => (e.kind === "sync" ? e.plan.table : e.kind)),
      ["orders"],
    );
  });

  it("refuses a column option that no selected table has, with the closest columns", () => {
    const flag = { kind: "flag", flag: "--timestamp-column" } as const;
    const entries = planTables(
      input({
        names: { id: "id", timestamp: "tmstamp", tombstone: "deleted" },
        columnSources: { id: byDefault, timestamp: flag, tombstone: byDefault },
        tables: [table("users", latest, ["id", "tmstmp", "name"]), table("audit", latest, ["id", "at"])],
      }),
    );
    assert.deepEqual(entries[0], {
      kind: "unknown-column",
      column: "timestamp",
      name: "tmstamp",
      source: flag,
      closest: ["tmstmp"],
    });
  });

  it("looks for the column in the selected tables only", () => {
    const tables = [table("users", latest, ["id", "ts"]), table("audit", latest, ["id", "tmstmp"])];
    const kinds = (exclude: string[]): string[] =>
      planTables(input({ tables, exclude })).map((e) => (e.kind === "unknown-column" ? e.name : e.kind));
    assert.deepEqual(kinds([]), ["sync", "sync"]);
    assert.deepEqual(kinds(["audit"]), ["tmstmp", "sync"]);
  });

  it("requires a tombstone column only when the user named one", () => {
    const named = { kind: "env", variable: "SYNCED_TOMBSTONE_COLUMN" } as const;
    const tables = [table("users")];
    assert.deepEqual(
      planTables(input({ tables })).map((e) => e.kind),
      ["sync"],
    );
    const entries = planTables(
      input({ tables, columnSources: { id: byDefault, timestamp: byDefault, tombstone: named } }),
    );
    assert.deepEqual(
      entries.map((e) => (e.kind === "unknown-column" ? [e.column, e.source] : e.kind)),
      [["tombstone", named], "sync"],
    );
  });

  it("checks no column when no table is selected (an index alone, copied into new tables)", () => {
    const entries = planTables(input({ types: [type("events")], createTables: true }));
    assert.deepEqual(
      entries.map((e) => e.kind),
      ["create-table"],
    );
  });

  it("refuses a table whose columns' fields no document can hold, naming each, and plans the others", () => {
    const text = { kind: "native", name: "text" } as const;
    const named = (name: string, content: readonly string[]): TableInput => ({
      ...table(name, latest, ["id", "tmstmp", ...content]),
      content: content.map((c) => ({ name: c, type: text })),
    });
    const entries = planTables(
      input({
        tables: [
          named("odd", ["_source", "a", "a.b", "b..c", "plain"]),
          // A dotted field alone is an object path Elasticsearch maps; so are two under one object.
          named("fine", ["a.b", "a.c"]),
        ],
      }),
    );
    const odd = entries.find((e) => e.kind === "refuse");
    assert.ok(odd?.kind === "refuse");
    assert.equal(odd.name, "odd");
    assert.match(odd.reason, /column _source: its field '_source' starts with _/);
    assert.match(odd.reason, /column a\.b: its field 'a\.b' is an object path into field 'a' of column a/);
    assert.match(odd.reason, /column b\.\.c: its field 'b\.\.c' has an empty or blank part/);
    assert.doesNotMatch(odd.reason, /column plain/);
    assert.match(odd.reason, /tables\.odd\.rename: \{<column>: <field>\}/);
    const fine = entries.find((e) => e.kind === "sync");
    assert.equal(fine?.kind === "sync" ? fine.plan.table : undefined, "fine");
  });

  it("refuses a table whose index cannot take it, for the reason the index gave", () => {
    const rollover = { ...type("events"), refusal: "app-events is an alias over 2 indices" };
    const entries = planTables(input({ tables: [table("events")], types: [rollover] }));
    assert.deepEqual(entries, [
      { kind: "refuse", name: "events", reason: "app-events is an alias over 2 indices" },
    ]);
  });

  it("takes an alias named as a table's index for that table, and the index behind it for no type", () => {
    const alias = { ...type("users"), aliasOf: ["app-users-v2"] };
    const behind = { ...type("users-v2"), index: "app-users-v2" };
    const entries = planTables(input({ tables: [table("users")], types: [alias, behind] }));
    assert.deepEqual(
      entries.map((e) => (e.kind === "sync" ? [e.plan.table, e.plan.es.index, e.createIndex] : e.kind)),
      [["users", "app-users", false]],
    );
  });

  it("refuses a table whose alias is another table's index, and keeps that index for its own table", () => {
    const alias = { ...type("current"), aliasOf: ["app-people"] };
    const entries = planTables(
      input({ tables: [table("current"), table("people")], types: [alias, type("people")] }),
    );
    assert.deepEqual(
      entries.map((e) =>
        e.kind === "sync" ? [e.plan.table, e.plan.es.index, e.createIndex] : [e.kind, e.name],
      ),
      [
        ["refuse", "current"],
        ["people", "app-people", false],
      ],
    );
    const refusal = entries[0]?.kind === "refuse" ? entries[0].reason : "";
    assert.match(refusal, /^app-current is an alias of app-people, the index of table people/);
    assert.match(refusal, /tables\.current\.index/);
  });

  it("leaves out an alias no table is named by, and what only refuses a missing table", () => {
    const grouping = { ...type("all"), aliasOf: ["app-orders", "app-users"], refusal: "an alias over 2" };
    const closed = { ...type("old"), refusal: "index app-old is closed" };
    const entries = planTables(
      input({
        tables: [table("users"), table("orders")],
        types: [grouping, closed, type("users"), type("orders")],
      }),
    );
    assert.deepEqual(
      entries.map((e) => (e.kind === "sync" ? [e.plan.table, e.plan.es.index] : [e.kind])),
      [
        ["orders", "app-orders"],
        ["users", "app-users"],
      ],
    );
  });
});
