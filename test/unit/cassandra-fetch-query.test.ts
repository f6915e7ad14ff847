import { singleKey } from "../../src/core/table-key.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCqlType } from "../../src/core/cql-type.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { capabilitiesOf } from "../../src/stores/cassandra/capabilities.js";
import { fetchQuery, writetimeColumns } from "../../src/stores/cassandra/fetch-current.js";

const v5 = capabilitiesOf(["5.0.9"]);
const v41 = capabilitiesOf(["4.1.10"]);
const address = {
  keyspace: "app",
  name: "address",
  fieldNames: ["street"],
  fieldTypes: ["text"],
};

function latest(columns: Record<string, string>, shape: TablePlan["shape"] = "latest"): TablePlan {
  return {
    keyspace: "app",
    table: "things",
    shape,
    timestampType: "timestamp",
    names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
    key: singleKey("id"),
    contentColumns: Object.entries(columns).map(([name, type]) => ({
      name,
      type: parseCqlType(type, (n) => (n === "address" ? address : undefined), name),
    })),
    hasTombstone: true,
    es: { index: "app-things", idPrefix: "", timestampPrecision: "millisecond" },
  };
}

const every = latest({
  body: "text",
  tags: "set<text>",
  scores: "list<int>",
  attrs: "map<text, int>",
  home: "address",
  frozen_tags: "frozen<set<text>>",
  frozen_home: "frozen<address>",
  pair: "tuple<int, text>",
});

describe("the query that reads a latest row's newest cell write time", () => {
  it("asks maxwritetime() of every regular column where the server has it (Cassandra 5)", () => {
    assert.equal(
      fetchQuery(latest({ body: "text", tags: "set<text>" }), v5),
      "SELECT id, tmstmp, deleted, body, tags, maxwritetime(tmstmp) AS wt0, " +
        "maxwritetime(deleted) AS wt1, maxwritetime(body) AS wt2, maxwritetime(tags) AS wt3 " +
        "FROM app.things WHERE id IN ?",
    );
  });

  it("asks writetime() of each single-cell column where it does not (Cassandra 4.1)", () => {
    assert.equal(
      fetchQuery(latest({ body: "text", tags: "set<text>" }), v41),
      "SELECT id, tmstmp, deleted, body, tags, writetime(tmstmp) AS wt0, " +
        "writetime(deleted) AS wt1, writetime(body) AS wt2 FROM app.things WHERE id IN ?",
    );
  });

  it("leaves out non-frozen collections and user-defined types, whose write time 4.1 refuses", () => {
    assert.deepEqual(writetimeColumns(every, v41), {
      timed: ["tmstmp", "deleted", "body", "frozen_tags", "frozen_home", "pair"],
      untimed: ["tags", "scores", "attrs", "home"],
    });
    assert.deepEqual(writetimeColumns(every, v5).untimed, []);
    assert.equal(writetimeColumns(every, v5).timed.length, 10);
    assert.deepEqual(writetimeColumns(latest({ body: "text" }), v41).untimed, []);
  });

  it("reads a versioned table's newest row without write times, whatever the server", () => {
    const versioned = latest({ tags: "set<text>" }, "versioned");
    for (const capabilities of [v5, v41]) {
      assert.equal(
        fetchQuery(versioned, capabilities),
        "SELECT id, tmstmp, deleted, tags FROM app.things WHERE id = ? ORDER BY tmstmp DESC LIMIT 1",
      );
    }
  });

  // A new version row lands over the partition's static cells, which the application may have written
  // after the version's time: their write time is read with the newest row.
  it("reads the write times of a versioned table's static columns with its newest row", () => {
    const versioned: TablePlan = {
      ...latest({ body: "text", room: "text", members: "set<text>" }, "versioned"),
      staticColumns: ["room", "members"],
    };
    assert.equal(
      fetchQuery(versioned, v5),
      "SELECT id, tmstmp, deleted, body, room, members, maxwritetime(room) AS wt0, " +
        "maxwritetime(members) AS wt1 FROM app.things WHERE id = ? ORDER BY tmstmp DESC LIMIT 1",
    );
    assert.equal(
      fetchQuery(versioned, v41),
      "SELECT id, tmstmp, deleted, body, room, members, writetime(room) AS wt0 " +
        "FROM app.things WHERE id = ? ORDER BY tmstmp DESC LIMIT 1",
    );
    assert.deepEqual(writetimeColumns(versioned, v41), { timed: ["room"], untimed: ["members"] });
  });
});
