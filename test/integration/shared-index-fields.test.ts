// In the type-field layout every table's documents share one index, whose mapping holds each field
// once. Tried as a team bringing its tables would, with `users` keyed by an `id uuid` and `orders`
// by an `id int`: the first run made the index with `orders` and mapped `id` as integer, and every
// `users` document was refused by the cluster and dead-lettered, on that run and every later one,
// since a table whose type had no document in the index was never judged against its mapping. Now
// the table is refused before anything of it is written, naming the table that holds the field and
// the fix, the same on every run, and a rename in the config file syncs it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { tableStats, type Harness } from "../support/harness.js";
import { tableWorld, type TableWorld } from "../support/table-world.js";

const PREPARED = { prepare: true } as const;

describe("tables whose columns of one name differ in type, in the type-field layout", () => {
  let world: TableWorld;
  let h: Harness;
  const userId = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);
  const typeField = ["--layout", "type-field", "-b", "0"];

  before(async () => {
    world = await tableWorld("sharedfields", [
      {
        name: "users",
        columns: "id uuid PRIMARY KEY, tmstmp timestamp, name text",
        rows: [{ id: userId, tmstmp: written, name: "ada" }],
      },
      {
        name: "orders",
        columns: "id int PRIMARY KEY, tmstmp timestamp, total int",
        rows: [{ id: 7, tmstmp: written, total: 12 }],
      },
    ]);
    h = world.h;
  });
  after(() => world.cleanup());

  const refusedUsers = (summary: Record<string, unknown>): string => {
    const refused = (summary["refused"] ?? []) as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["users"],
      JSON.stringify(summary),
    );
    return refused[0]?.reason ?? "";
  };

  it("refuses the table that does not fit the field, names the one that holds it, and dead-letters nothing", async () => {
    const first = await h.run(typeField);
    assert.equal(first.code, EXIT.failure, JSON.stringify(first.summary));
    assert.equal(tableStats(first.summary, "orders", "to-es")["written"], 1);
    const reason = refusedUsers(first.summary);
    assert.match(
      reason,
      /column id of \w+\.users is uuid, but table orders, synced into the same index \S+, maps field id as int/,
    );
    assert.match(reason, /tables\.users\.rename: \{<column>: <field>\} or tables\.orders\.rename/);
    assert.equal((first.summary["deadLetters"] as { count: number }).count, 0);

    // The index is made now, with `id` an integer: the next run judges users against it the same way.
    const second = await h.run(typeField);
    assert.equal(second.code, EXIT.failure, JSON.stringify(second.summary));
    assert.match(
      refusedUsers(second.summary),
      /column id of \w+\.users is uuid, but index \S+ maps field id as integer/,
    );
    assert.equal((second.summary["deadLetters"] as { count: number }).count, 0);
  });

  it("syncs the table both ways once the config file gives its column a field of another name", async () => {
    const settings = await world.config(["tables:", "  users:", "    rename: {id: user_id}"]);
    const first = await h.run(["--config", settings, ...typeField]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal(tableStats(first.summary, "users", "to-es")["written"], 1);
    const doc = await h.es.get<Record<string, unknown>>({ index: h.index, id: `users-${userId}` });
    assert.equal(doc._source?.["user_id"], userId);
    const again = await h.run(["--config", settings, ...typeField]);
    assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
    for (const table of ["users", "orders"])
      for (const direction of ["to-es", "to-cassandra"])
        assert.equal(tableStats(again.summary, table, direction)["written"], 0, `${table} ${direction}`);
  });
});

// An index made before the tables were judged against each other holds documents of both: `kinds`
// made the field `v` text, and an earlier version wrote `paths` documents with their int `v` into it.
// The refusal came from the check of a column whose type changed, and told to give the columns their
// former types, though none had changed. Now it names the table the field fits and the rename that
// fixes it, and the rename, with the documents' field moved, syncs the table.
describe("a shared index that already holds documents of two tables whose columns of one name differ in type", () => {
  let world: TableWorld;
  let h: Harness;
  const pathId = cassandra.types.Uuid.random().toString();
  const written = new Date(Date.now() - 60_000);
  const typeField = ["--layout", "type-field", "-b", "0"];
  const pathDocument = (fields: Record<string, unknown>) =>
    h.es.index({
      index: h.index,
      id: `paths-${pathId}`,
      document: { type: "paths", id: pathId, tmstmp: written.toISOString(), ...fields },
      refresh: true,
    });

  before(async () => {
    world = await tableWorld("sharedheld", [
      {
        name: "kinds",
        columns: "id uuid PRIMARY KEY, tmstmp timestamp, v text",
        rows: [{ id: cassandra.types.Uuid.random(), tmstmp: written, v: "red" }],
      },
      {
        name: "paths",
        columns: "id uuid PRIMARY KEY, tmstmp timestamp, v int",
        rows: [{ id: pathId, tmstmp: written, v: 5 }],
      },
    ]);
    h = world.h;
    const made = await h.run(["--tables", "kinds", ...typeField]);
    assert.equal(made.code, EXIT.success, JSON.stringify(made.summary));
    await pathDocument({ v: 5 });
  });
  after(() => world.cleanup());

  it("names the table whose column the field fits and the rename, not a former type", async () => {
    const refused = await h.run(typeField);
    assert.equal(refused.code, EXIT.failure, JSON.stringify(refused.summary));
    const reasons = (refused.summary["refused"] ?? []) as { name: string; reason: string }[];
    assert.deepEqual(
      reasons.map((r) => r.name),
      ["paths"],
    );
    const reason = reasons[0]?.reason ?? "";
    assert.match(
      reason,
      /column v of \w+\.paths is int, but index \S+ maps its field v as text, as column v of table kinds \(text\) holds it/,
    );
    assert.match(reason, /tables\.paths\.rename: \{v: <field>\}/);
    assert.doesNotMatch(reason, /former types/);
  });

  it("syncs the table once its column has a field of another name, and its documents hold that field", async () => {
    const settings = await world.config(["tables:", "  paths:", "    rename: {v: path_v}"]);
    // As _update_by_query would, which the test cluster lacks: the document's field moved.
    await pathDocument({ path_v: 5 });
    const run = await h.run(["--config", settings, ...typeField]);
    assert.equal(run.code, EXIT.success, JSON.stringify(run.summary));
    assert.equal((run.summary["deadLetters"] as { count: number }).count, 0);
    const row = await h.cassandra.execute(
      `SELECT v FROM ${h.keyspace}.paths WHERE id = ?`,
      [pathId],
      PREPARED,
    );
    assert.equal(row.rows[0]?.get("v"), 5);
    const doc = await h.es.get<Record<string, unknown>>({ index: h.index, id: `paths-${pathId}` });
    assert.equal(doc._source?.["path_v"], 5);
  });
});

// A column of a user-defined type is an object in the mapping, and its type's fields the object's
// properties. Tried as an operator would, with `people` holding an `addr` of a type whose `zip` is an
// int, and `shops` a column named "addr.zip" holding text: only the columns' own fields were judged
// against each other, so the index mapped `addr.zip` as an integer from people, and every shops
// document was refused by the cluster and dead-lettered, run after run. Now shops is refused before
// anything of it is written, naming people, the field and the fix.
describe("a column named like a field of another table's user-defined type, in the type-field layout", () => {
  let world: TableWorld;
  let h: Harness;
  const written = new Date(Date.now() - 60_000);
  const typeField = ["--layout", "type-field", "-b", "0"];

  before(async () => {
    const id = (): cassandra.types.Uuid => cassandra.types.Uuid.random();
    world = await tableWorld(
      "sharedbelow",
      [
        {
          name: "people",
          columns: "id uuid PRIMARY KEY, tmstmp timestamp, addr frozen<address>",
          rows: [{ id: id(), tmstmp: written, addr: { zip: 75001, street: "rue" } }],
        },
        {
          name: "shops",
          columns: 'id uuid PRIMARY KEY, tmstmp timestamp, "addr.zip" text',
          rows: [{ id: id(), tmstmp: written, '"addr.zip"': "SW1A" }],
        },
      ],
      ["address (zip int, street text)"],
    );
    h = world.h;
  });
  after(() => world.cleanup());

  it("refuses the table whose column does not fit the property, naming both tables and the field, on every run", async () => {
    for (const expected of [
      /column addr\.zip of \w+\.shops is text, but table people, synced into the same index \S+, maps field addr\.zip as int \(field zip of its column addr\)/,
      // The index is made now, with people's mapping: the next run judges shops against it.
      /column addr\.zip of \w+\.shops is text, but index \S+ maps field addr\.zip as integer/,
    ]) {
      const run = await h.run(typeField);
      assert.equal(run.code, EXIT.failure, JSON.stringify(run.summary));
      const refused = (run.summary["refused"] ?? []) as { name: string; reason: string }[];
      assert.deepEqual(
        refused.map((r) => r.name),
        ["shops"],
      );
      assert.match(refused[0]?.reason ?? "", expected);
      assert.match(refused[0]?.reason ?? "", /tables\.shops\.rename: \{<column>: <field>\}/);
      assert.equal((run.summary["deadLetters"] as { count: number }).count, 0);
    }
    assert.equal(tableStats((await h.run(typeField)).summary, "people", "to-es")["written"], 0);
  });
});

// A tuple's value is an array of values, which a map's flattened field and an object whose contents
// are mapped both refuse, and only an object kept in _source (enabled: false) takes. Tried as an
// operator would, with `addresses` holding `m` of a user-defined type and `pairs` a tuple `m`: the
// index mapped `m` as the type's object, and every pairs document was refused by the cluster ("tried
// to parse field [null] as object, but found a concrete value") and dead-lettered, run after run. Now
// pairs is refused before anything of it is written. A map's keys become new properties of the
// type's object: `labels`, a map of texts whose key `zip` fell on the type's integer field, had that
// document refused by the cluster and dead-lettered, run after run; it is refused before it is read too.
describe("a tuple or a map column on the field another table maps as a user-defined type, in the type-field layout", () => {
  let world: TableWorld;
  let h: Harness;
  const written = new Date(Date.now() - 60_000);
  const typeField = ["--layout", "type-field", "-b", "0"];

  before(async () => {
    const id = (): cassandra.types.Uuid => cassandra.types.Uuid.random();
    world = await tableWorld(
      "sharedtuple",
      [
        {
          name: "addresses",
          columns: "id uuid PRIMARY KEY, tmstmp timestamp, m frozen<address>",
          rows: [{ id: id(), tmstmp: written, m: { zip: 75001, street: "rue" } }],
        },
        {
          name: "labels",
          columns: "id uuid PRIMARY KEY, tmstmp timestamp, m map<text, text>",
          rows: [{ id: id(), tmstmp: written, m: { zip: "SW1A" } }],
        },
        {
          name: "pairs",
          columns: "id uuid PRIMARY KEY, tmstmp timestamp, m frozen<tuple<int, text>>",
          rows: [{ id: id(), tmstmp: written, m: new cassandra.types.Tuple(1, "one") }],
        },
      ],
      ["address (zip int, street text)"],
    );
    h = world.h;
  });
  after(() => world.cleanup());

  it("refuses the tuple's and the map's tables on every run, names the table or index holding the field, and dead-letters nothing", async () => {
    for (const [labels, pairs] of [
      [
        /column m of \w+\.labels is map<text, text>, but table addresses, synced into the same index \S+, maps field m\.zip as int \(field zip of its column m\), a property of the object at field m: the cluster adds each key of a map there as a property, and refuses a document whose key zip holds a text value/,
        /column m of \w+\.pairs is frozen<tuple<int, text>>, but table addresses, synced into the same index \S+, maps field m as frozen<address> \(column m\), and a tuple's values, arrays of values, fit only an object field with enabled: false/,
      ],
      // The index is made now, with addresses' object: the next run judges the tables against it.
      [
        /column m of \w+\.labels is map<text, text>, but index \S+ maps field m\.zip as integer, a property of the object at field m/,
        /column m of \w+\.pairs is frozen<tuple<int, text>>, but index \S+ maps field m as object, and a tuple's values/,
      ],
    ] as const) {
      const run = await h.run(typeField);
      assert.equal(run.code, EXIT.failure, JSON.stringify(run.summary));
      const refused = (run.summary["refused"] ?? []) as { name: string; reason: string }[];
      assert.deepEqual(
        refused.map((r) => r.name),
        ["labels", "pairs"],
      );
      assert.match(refused[0]?.reason ?? "", labels);
      assert.match(refused[0]?.reason ?? "", /tables\.labels\.rename: \{<column>: <field>\}/);
      assert.match(refused[1]?.reason ?? "", pairs);
      assert.match(refused[1]?.reason ?? "", /tables\.pairs\.rename: \{<column>: <field>\}/);
      assert.equal((run.summary["deadLetters"] as { count: number }).count, 0);
      assert.equal(tableStats(run.summary, "addresses", "to-es")["scanned"], 1);
    }
  });
});

// Where the cluster takes every value, the tables are left to share the field: a tuple's object kept
// in _source takes a map's and a type's, and a map's flattened field takes a type's objects.
describe("maps, user-defined types and tuples on one field where the cluster takes their values", () => {
  let world: TableWorld;
  let h: Harness;
  const written = new Date(Date.now() - 60_000);
  const typeField = ["--layout", "type-field", "-b", "0"];

  before(async () => {
    const id = (): cassandra.types.Uuid => cassandra.types.Uuid.random();
    world = await tableWorld(
      "sharedkept",
      [
        {
          name: "alpha",
          columns: "id uuid PRIMARY KEY, tmstmp timestamp, m frozen<tuple<int, text>>, n map<text, text>",
          rows: [{ id: id(), tmstmp: written, m: new cassandra.types.Tuple(1, "one"), n: { zip: "SW1A" } }],
        },
        {
          name: "beta",
          columns: "id uuid PRIMARY KEY, tmstmp timestamp, m map<text, text>, n frozen<address>",
          rows: [{ id: id(), tmstmp: written, m: { zip: "SW1A" }, n: { zip: 75001, street: "rue" } }],
        },
        {
          name: "gamma",
          columns: "id uuid PRIMARY KEY, tmstmp timestamp, m frozen<address>",
          rows: [{ id: id(), tmstmp: written, m: { zip: 75001, street: "rue" } }],
        },
      ],
      ["address (zip int, street text)"],
    );
    h = world.h;
  });
  after(() => world.cleanup());

  it("syncs every table, with nothing refused or dead-lettered, and the next run has nothing to write", async () => {
    const first = await h.run(typeField);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal((first.summary["deadLetters"] as { count: number }).count, 0);
    for (const table of ["alpha", "beta", "gamma"])
      assert.equal(tableStats(first.summary, table, "to-es")["written"], 1, table);
    const again = await h.run(typeField);
    assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
    for (const table of ["alpha", "beta", "gamma"])
      assert.equal(tableStats(again.summary, table, "to-es")["written"], 0, table);
  });
});
