// A table and its index that drifted apart: the plan tells new columns, fields no column holds, and
// columns whose field type no longer fits; the run maps the new fields, creates columns on request,
// and refuses a table that no longer fits while it syncs the others.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { native, type CqlType } from "../../src/core/cql-type.js";
import { SyncedError } from "../../src/core/errors.js";
import { singleKey } from "../../src/core/table-key.js";
import {
  planTables,
  type PlanEntry,
  type TableInput,
  type TypeInput,
} from "../../src/reconcile/plan-tables.js";
import { runSync } from "../../src/reconcile/run-sync.js";
import type { MappedField } from "../../src/reconcile/schema-drift.js";
import type { TableSettings } from "../../src/core/table-settings.js";
import { mappedFields } from "../../src/stores/search/mapped-fields.js";
import {
  MemoryDeadLetters,
  MemoryRecordStore,
  MemorySchema,
  MemoryStateStore,
  planSettings,
  record,
} from "../support/memory-stores.js";

const ID = "aaaaaaaa-0000-4000-8000-000000000000";

function table(name: string, content: Record<string, CqlType>): TableInput {
  const columns = Object.entries(content).map(([column, type]) => ({ name: column, type }));
  return {
    name,
    shape: { supported: true, shape: "latest", timestampType: "timestamp", hasTombstone: false },
    content: columns,
    key: singleKey("id"),
    columns: [{ name: "id" }, { name: "tmstmp" }, ...columns.map((c) => ({ name: c.name }))],
  };
}

const field = (type: string, column: CqlType | string = native("text")): MappedField => ({
  type,
  column: typeof column === "string" ? { problem: column } : { type: column },
});

function type(name: string, fields: Record<string, MappedField>): TypeInput {
  const always = { id: field("keyword"), tmstmp: field("date_nanos", native("timestamp")) };
  return {
    name,
    index: `app-${name}`,
    timestamp: { precision: "microsecond" },
    fields: new Map(Object.entries({ ...always, ...fields })),
  };
}

function plan(tables: TableInput[], types: TypeInput[], tableSettings?: TableSettings[]): PlanEntry[] {
  return planTables({
    ...planSettings(tableSettings === undefined ? {} : { tableSettings }),
    typeQueryField: "type",
    tables,
    types,
  });
}

const sync = (entries: PlanEntry[], name: string): Extract<PlanEntry, { kind: "sync" }> => {
  const found = entries.find((e) => e.kind === "sync" && e.plan.table === name);
  assert.ok(found?.kind === "sync", JSON.stringify(entries));
  return found;
};

describe("the plan of a table whose index drifted", () => {
  it("lists the columns whose field the index does not map yet", () => {
    const entries = plan(
      [table("hosts", { name: native("text"), port: native("int") })],
      [type("hosts", { name: field("text") })],
    );
    assert.deepEqual(
      sync(entries, "hosts").drift?.newFields.map((c) => c.name),
      ["port"],
    );
  });

  it("lists the fields no column holds, but neither an excluded column's nor a renamed column's own name", () => {
    const hosts = table("hosts", { name: native("text"), secret: native("text"), email: native("text") });
    const fields = {
      name: field("text"),
      secret: field("keyword"),
      email: field("keyword"),
      mail: field("keyword"),
      colour: field("keyword"),
      place: field("geo_point", "no CQL counterpart"),
    };
    const settings: TableSettings = {
      table: "hosts",
      exclude: ["secret"],
      rename: [{ column: "email", field: "mail" }],
      file: "synced.yaml",
    };
    const unmapped = sync(plan([hosts], [type("hosts", fields)], [settings]), "hosts").drift?.unmapped ?? [];
    assert.deepEqual(
      unmapped.map((u) => u.field),
      ["colour", "place"],
    );
    assert.deepEqual(unmapped[1]?.column, { problem: "no CQL counterpart" });
  });

  it("lists no field that only copy_to fills, which no document's _source holds", () => {
    // The index searches `all_text`, filled from `name` at indexing: an exists query finds it in every
    // document, but no document holds it, so a column for it would stay empty.
    const fields = mappedFields(
      {
        id: { type: "keyword" },
        tmstmp: { type: "date_nanos" },
        name: { type: "text", copy_to: "all_text" },
        tags: { type: "keyword", copy_to: ["all_text", "all_keywords"] },
        all_text: { type: "text" },
        all_keywords: { type: "keyword" },
        colour: { type: "keyword" },
      },
      "Elasticsearch",
    );
    const hosts = table("hosts", { name: native("text"), tags: native("text") });
    const entries = plan([hosts], [{ ...type("hosts", {}), fields }]);
    assert.deepEqual(
      sync(entries, "hosts").drift?.unmapped.map((u) => u.field),
      ["colour"],
    );
  });

  it("leaves every other field alone for a table with include or a pipeline", () => {
    const hosts = table("hosts", { name: native("text") });
    const file = "synced.yaml";
    for (const settings of [
      { table: "hosts", include: ["name"], file },
      { table: "hosts", pipeline: "add-region", file },
    ]) {
      const entries = plan(
        [hosts],
        [type("hosts", { name: field("text"), region: field("keyword") })],
        [settings],
      );
      assert.equal(sync(entries, "hosts").drift, undefined, JSON.stringify(settings));
    }
  });

  it("refuses a table whose column's field is mapped with a type of another family, naming both and what to do", () => {
    const entries = plan(
      [table("broken", { n: native("text") }), table("fine", { n: native("int") })],
      [
        type("broken", { n: field("long", native("bigint")) }),
        type("fine", { n: field("long", native("bigint")) }),
      ],
    );
    const refused = entries.find((e) => e.kind === "refuse");
    assert.ok(refused?.kind === "refuse", JSON.stringify(entries));
    assert.equal(refused.name, "broken");
    assert.match(
      refused.reason,
      /^column n of app\.broken is text, but index app-broken maps its field n as long/,
    );
    assert.match(refused.reason, /tables\.broken\.index/);
    assert.match(refused.reason, /reindex app-broken/);
    assert.equal(sync(entries, "fine").drift, undefined);
  });

  it("refuses a timestamp column whose date field has a format synced cannot read, and no other column", () => {
    const unreadable = new Map([["", { type: "date", format: "epoch_second" }]]);
    const seconds = { ...field("date", native("timestamp")), unreadableFormats: unreadable };
    const entries = plan(
      [table("visits", { seen: native("timestamp") }), table("days", { day: native("date") })],
      [type("visits", { seen: seconds }), type("days", { day: { ...seconds, type: "date" } })],
    );
    assert.deepEqual(
      entries.map((e) =>
        e.kind === "sync" ? `sync ${e.plan.table}` : `${e.kind} ${"name" in e ? e.name : ""}`,
      ),
      ["sync days", "refuse visits"],
    );
    assert.match(
      JSON.stringify(entries),
      /column seen of app\.visits is timestamp, but index app-visits maps its field seen as date with format 'epoch_second'/,
    );
    const formats = mappedFields(
      {
        a: { type: "date", format: "epoch_second" },
        b: { type: "date_nanos", format: "strict_date_optional_time_nanos||epoch_millis" },
        c: { type: "keyword", format: "anything" },
        d: { properties: { at: { type: "date", format: "yyyyMMdd" }, on: { type: "date" } } },
      },
      "Elasticsearch",
    );
    assert.deepEqual(
      [...formats].map(([name, f]) => [name, f.unreadableFormats && Object.fromEntries(f.unreadableFormats)]),
      [
        ["a", { "": { type: "date", format: "epoch_second" } }],
        ["b", undefined],
        ["c", undefined],
        ["d", { at: { type: "date", format: "yyyyMMdd" } }],
        // An object's properties by their dotted names too, as a column named `d.at` is mapped.
        ["d.at", { "": { type: "date", format: "yyyyMMdd" } }],
        ["d.on", undefined],
      ],
    );
  });

  it("refuses timestamps in a list or a user-defined type's field whose date format synced cannot read", () => {
    const stay: CqlType = {
      kind: "udt",
      keyspace: "app",
      name: "stay",
      frozen: true,
      fields: [
        { name: "place", type: native("text") },
        { name: "arrived", type: native("timestamp") },
      ],
    };
    const seconds = { type: "date", format: "epoch_second" };
    const entries = plan(
      [
        table("trips", {
          seen: { kind: "list", element: native("timestamp"), frozen: false },
          stays: { kind: "list", element: stay, frozen: false },
        }),
      ],
      [
        type("trips", {
          seen: { ...field("date"), unreadableFormats: new Map([["", seconds]]) },
          stays: { ...field("object"), unreadableFormats: new Map([["arrived", seconds]]) },
        }),
      ],
    );
    const reason = JSON.stringify(entries);
    assert.match(
      reason,
      /column seen of app\.trips is list<timestamp>, but index app-trips maps its field seen as date/,
    );
    assert.match(reason, /maps its field stays\.arrived as date with format 'epoch_second'/);
    // The same formats under a text list or a UDT field of another type are none of synced's concern.
    const fine = plan(
      [table("trips", { seen: { kind: "list", element: native("text"), frozen: false } })],
      [type("trips", { seen: { ...field("keyword"), unreadableFormats: new Map([["", seconds]]) } })],
    );
    assert.equal(fine[0]?.kind, "sync");
  });

  // A tuple's value is an array of values, which only an object kept in _source (enabled: false)
  // takes: an index made beforehand with the field as another object refused every document.
  it("refuses a tuple column whose field is mapped as an object the cluster reads, and not as one kept in _source", () => {
    const pair: CqlType = { kind: "tuple", elements: [native("int"), native("text")] };
    for (const mappedAs of ["object", "nested", "flattened"]) {
      const entries = plan([table("t", { m: pair })], [type("t", { m: field(mappedAs, "not asked") })]);
      const refused = entries.find((e) => e.kind === "refuse");
      assert.ok(refused?.kind === "refuse", `${mappedAs}: ${JSON.stringify(entries)}`);
      assert.match(
        refused.reason,
        new RegExp(
          `^column m of app\\.t is frozen<tuple<int, text>>, but index app-t maps its field m as ${mappedAs}, ` +
            "and a tuple's values, arrays of values, fit only an object field with enabled: false",
        ),
      );
      assert.match(refused.reason, /tables\.t\.index/);
    }
    // An object kept in _source takes a tuple's arrays and a user-defined type's objects alike.
    const address: CqlType = {
      kind: "udt",
      keyspace: "app",
      name: "address",
      frozen: true,
      fields: [{ name: "zip", type: native("int") }],
    };
    const kept = { ...field("object", "not asked"), disabled: true as const };
    for (const column of [pair, address]) {
      const entries = plan([table("t", { m: column })], [type("t", { m: kept })]);
      assert.equal(entries[0]?.kind, "sync", JSON.stringify(entries));
    }
  });

  // Tried as an operator would, with an index made beforehand: a user-defined type's int field zip
  // under a property mapped boolean had every document dead-lettered, and a map whose key zip lands on
  // a property mapped integer each document holding that key, run after run. The fields below a column
  // are judged as the type-field layout judges them in its one index.
  it("refuses a column whose fields below its own do not fit the properties the index maps there", () => {
    const address: CqlType = {
      kind: "udt",
      keyspace: "app",
      name: "address",
      frozen: true,
      fields: [
        { name: "zip", type: native("int") },
        { name: "street", type: native("text") },
      ],
    };
    const labels: CqlType = { kind: "map", key: native("text"), value: native("text"), frozen: false };
    const mapped = (zip: string): ReadonlyMap<string, MappedField> =>
      mappedFields(
        {
          id: { type: "keyword" },
          tmstmp: { type: "date_nanos" },
          m: { properties: { zip: { type: zip } } },
        },
        "Elasticsearch",
      );
    const refusalOf = (column: CqlType, zip: string): string => {
      const entries = plan([table("t", { m: column })], [{ ...type("t", {}), fields: mapped(zip) }]);
      const refused = entries.find((e) => e.kind === "refuse");
      assert.ok(refused?.kind === "refuse", `${zip}: ${JSON.stringify(entries)}`);
      assert.match(refused.reason, /A mapping cannot change a field's type or format: move the table/);
      assert.match(refused.reason, /tables\.t\.index/);
      // No column's type changed: the advice says so only where one did.
      assert.match(refused.reason, /give the columns types that fit the fields \(their former types, where/);
      return refused.reason;
    };
    assert.match(
      refusalOf(address, "boolean"),
      /^column m of app\.t is frozen<address>, whose field zip \(int\) is field 'm\.zip', but index app-t maps field 'm\.zip' as boolean, and a column of that type needs a numeric field/,
    );
    assert.match(
      refusalOf(labels, "integer"),
      /^column m of app\.t is map<text, text>, but index app-t maps field m\.zip as integer, a property of the object at field m: the cluster adds each key of a map there as a property, and refuses a document whose key zip holds a text value/,
    );
    // Properties that take the values below them are synced as before.
    for (const [column, zip] of [
      [address, "long"],
      [labels, "keyword"],
    ] as const) {
      const entries = plan([table("t", { m: column })], [{ ...type("t", {}), fields: mapped(zip) }]);
      assert.equal(entries[0]?.kind, "sync", JSON.stringify(entries));
    }
  });

  it("refuses the other way too: a numeric column over a text field", () => {
    const entries = plan([table("t", { n: native("bigint") })], [type("t", { n: field("text") })]);
    assert.match(
      JSON.stringify(entries),
      /column n of app\.t is bigint, but index app-t maps its field n as text/,
    );
  });
});

describe("a run over a drifted schema", () => {
  function world(tables: TableInput[], types: TypeInput[]) {
    const cassandra = new MemoryRecordStore("cassandra");
    const elasticsearch = new MemoryRecordStore("elasticsearch");
    const schema = new MemorySchema(tables, types);
    const state = new MemoryStateStore();
    const logged: string[] = [];
    return {
      cassandra,
      schema,
      state,
      logged,
      settings: {
        runId: "run-1",
        key: "app.app",
        plan: planSettings(),
        holder: "here:1",
        allowFutureEnd: false,
        lagMs: 1000,
        direction: "both" as const,
        dryRun: false,
        maxErrors: 10,
        leaseTtlMs: 60_000,
        maxFutureMs: 3_600_000,
      },
      deps: {
        cassandra,
        elasticsearch,
        schema,
        state,
        deadLetters: new MemoryDeadLetters(),
        signal: new AbortController().signal,
        now: () => 10_000_000n,
        log: (message: string) => {
          logged.push(message);
        },
        warn: () => undefined,
      },
    };
  }

  it("syncs the other tables, reports the refused one, fails, and keeps the checkpoint", async () => {
    const w = world(
      [table("broken", { n: native("text") }), table("fine", { n: native("int") })],
      [type("broken", { n: field("long") }), type("fine", { n: field("integer") })],
    );
    w.cassandra.put(record(ID, 5_000));
    await w.state.setCheckpoint("app.app", 1_000n, "earlier");
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "failed");
    assert.deepEqual(
      report.refused.map((r) => r.name),
      ["broken"],
    );
    assert.deepEqual([...new Set(report.tables.map((t) => t.table))], ["fine"]);
    assert.equal(report.checkpointAfter, 1_000n);
    assert.ok(report.error instanceof SyncedError && report.error.kind === "failed");
    assert.match(report.error.message, /table broken refused/);
    assert.match(report.error.message, /Every other table was synced/);
    assert.equal((await w.state.getCheckpoint("app.app"))?.position, 1_000n);

    // Tried as an operator would: with the refused table alone selected, it said the others were synced.
    const alone = world([table("broken", { n: native("text") })], [type("broken", { n: field("long") })]);
    const refusedAlone = await runSync(alone.settings, alone.deps);
    assert.match(refusedAlone.error?.message ?? "", /No other table was synced/);
  });

  it("maps the new columns' fields before syncing, but not in a dry run", async () => {
    const tables = [table("hosts", { port: native("int") })];
    const types = [type("hosts", {})];
    const dry = world(tables, types);
    await runSync({ ...dry.settings, dryRun: true }, dry.deps);
    assert.deepEqual(dry.schema.addedFields, []);
    const w = world(tables, types);
    const report = await runSync(w.settings, w.deps);
    assert.deepEqual(w.schema.addedFields, ["hosts.port"]);
    assert.deepEqual(report.addedFields, [
      { table: "hosts", index: "app-hosts", field: "port", type: "keyword" },
    ]);
    assert.equal(report.outcome, "success");
  });

  it("refuses the table whose index refuses the new fields", async () => {
    const w = world([table("hosts", { port: native("int") })], [type("hosts", {})]);
    w.schema.addFieldsError = new SyncedError("mapper_parsing_exception");
    const report = await runSync(w.settings, w.deps);
    assert.equal(report.outcome, "failed");
    assert.match(
      report.refused[0]?.reason ?? "",
      /refused the fields of the table's columns it lacked \(port\)/,
    );
  });

  // Tried as an operator would: an index at its field limit refused the new column's field, and the
  // message gave the cluster's words only.
  it("says which setting to raise when the index is at its limit of fields", async () => {
    const w = world([table("hosts", { port: native("int") })], [type("hosts", {})]);
    w.schema.addFieldsError = new SyncedError(
      "illegal_argument_exception: Limit of total fields [3] has been exceeded",
    );
    const report = await runSync(w.settings, w.deps);
    assert.match(
      report.refused[0]?.reason ?? "",
      /Limit of total fields \[3\] has been exceeded\. Raise the index's index\.mapping\.total_fields\.limit \(PUT app-hosts\/_settings\)/,
    );
  });

  // Tried as an operator would on OpenSearch: the index computed a field named like a column (a derived
  // field, OpenSearch's runtime field), which no document may hold, and the message gave the
  // cluster's words only.
  it("says what to do when a column's field is the index's derived field, which documents cannot hold", async () => {
    const w = world([table("hosts", { port: native("int") })], [type("hosts", {})]);
    w.schema.addFieldsError = new SyncedError(
      "OpenSearch refused to map new fields in index app-hosts (400, illegal_argument_exception: mapper " +
        "[port] cannot be changed from type [derived] to [integer])",
    );
    const report = await runSync(w.settings, w.deps);
    const reason = report.refused[0]?.reason ?? "";
    assert.match(reason, /'port' is a derived field of index app-hosts/);
    assert.match(reason, /tables\.hosts\.rename/);
    assert.match(reason, /tables\.hosts\.exclude/);
  });

  it("with --create-columns adds a column for each field documents hold, and reports those it cannot make", async () => {
    const fields = {
      colour: field("keyword"),
      weight: field("long", native("bigint")),
      stale: field("keyword"),
      place: field("geo_point", 'field "place": Elasticsearch field type geo_point has no CQL counterpart'),
    };
    const w = world([table("tags", {})], [type("tags", fields)]);
    for (const f of ["colour", "weight", "place"]) w.schema.documentsWith.set(`tags.${f}`, 2);
    const dry = world([table("tags", {})], [type("tags", fields)]);
    for (const f of ["colour", "weight"]) dry.schema.documentsWith.set(`tags.${f}`, 2);
    const dryReport = await runSync({ ...dry.settings, dryRun: true, createColumns: true }, dry.deps);
    assert.deepEqual(dry.schema.addedColumns, []);
    assert.deepEqual(
      dryReport.columnsNotCreated.map((c) => c.reason),
      ["would create it as text (dry run)", "would create it as bigint (dry run)"],
    );

    const report = await runSync({ ...w.settings, createColumns: true }, w.deps);
    // A field only the mapping remembers gets no column.
    assert.deepEqual(w.schema.addedColumns, ["tags.colour", "tags.weight"]);
    assert.deepEqual(report.createdColumns, [
      { table: "tags", column: "colour", type: "text" },
      { table: "tags", column: "weight", type: "bigint" },
    ]);
    assert.deepEqual(report.columnsNotCreated, [
      {
        table: "tags",
        field: "place",
        reason: 'field "place": Elasticsearch field type geo_point has no CQL counterpart',
      },
    ]);
    assert.equal(report.outcome, "success");
  });

  it("counts each unmapped field per table and direction, and logs it once", async () => {
    const w = world([table("notes", {})], [type("notes", {})]);
    const bad = (id: string) => ({
      kind: "bad" as const,
      id,
      reason: "field 'colour' has no column",
      raw: {},
      unmappedFields: ["colour"],
    });
    const elasticsearch = new MemoryRecordStore("elasticsearch");
    elasticsearch.bad = [bad("a"), bad("b")];
    const report = await runSync({ ...w.settings, direction: "to-cassandra" }, { ...w.deps, elasticsearch });
    assert.deepEqual({ ...report.tables[0]?.unmappedFields }, { colour: 2 });
    assert.equal(w.logged.filter((l) => l.includes("field 'colour'")).length, 1, w.logged.join("\n"));
  });
});

describe("mappedFields", () => {
  it("derives each field's column type from its mapping, or says why there is none", () => {
    const fields = mappedFields(
      {
        a: { type: "keyword" },
        b: { type: "text" },
        c: { type: "long" },
        d: { type: "integer" },
        e: { type: "double" },
        f: { type: "boolean" },
        g: { type: "date" },
        h: { type: "geo_point" },
        i: { properties: { x: { type: "long" } } },
      },
      "Elasticsearch",
    );
    const columns: Record<string, CqlType | string> = Object.fromEntries(
      [...fields].map(([name, f]) => [name, "type" in f.column ? f.column.type : f.column.problem]),
    );
    assert.deepEqual(Object.fromEntries(Object.entries(columns).slice(0, 7)), {
      a: native("text"),
      b: native("text"),
      c: native("bigint"),
      d: native("int"),
      e: native("double"),
      f: native("boolean"),
      g: native("timestamp"),
    });
    assert.match(JSON.stringify(columns["h"]), /geo_point has no CQL counterpart/);
    assert.match(JSON.stringify(columns["i"]), /user-defined type/);
    assert.equal(fields.get("i")?.type, "object");
  });

  it("names the map type and the product as the user's cluster does", () => {
    // The OpenSearch adapter reads flat_object as the map type (flattened), at any depth.
    const mapping = { m: { type: "flattened" }, o: { properties: { n: { type: "flattened" } } } };
    const problem = (field: { column: { type: CqlType } | { problem: string } } | undefined): string =>
      field !== undefined && "problem" in field.column ? field.column.problem : "";
    const open = mappedFields(mapping, "OpenSearch");
    assert.equal(open.get("m")?.type, "flat_object");
    assert.equal(open.get("o.n")?.type, "flat_object");
    assert.match(
      problem(open.get("m")),
      /^field "m": OpenSearch field type flat_object holds arbitrary JSON/,
    );
    const elastic = mappedFields(mapping, "Elasticsearch");
    assert.equal(elastic.get("m")?.type, "flattened");
    assert.match(problem(elastic.get("m")), /^field "m": Elasticsearch field type flattened holds/);
  });
});
