// What a dry run says of an index whose field limit the new columns' fields would pass: the cluster's
// words where the count is sure, nothing where it is not.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldLimitRefusal } from "../../src/stores/search/field-limit.js";

/** A cluster whose indices map `counts` fields under `limits` (absent: the default). */
function cluster(counts: Record<string, number | undefined>, limits: Record<string, string> = {}) {
  return {
    productName: "Elasticsearch" as const,
    fieldCounts: () => Promise.resolve(counts),
    readSettings: () =>
      Promise.resolve(
        Object.fromEntries(
          Object.keys(counts).map((index) => [
            index,
            limits[index] === undefined ? {} : { "index.mapping.total_fields.limit": limits[index] },
          ]),
        ),
      ),
  };
}

const text = { type: "text", fields: { keyword: { type: "keyword" } } };

describe("the field limit a dry run checks", () => {
  it("gives the cluster's words where the new fields pass the limit, a text counting two", async () => {
    const refusal = await fieldLimitRefusal(cluster({ app: 5 }, { app: "6" }), "app", { note: text });
    assert.equal(
      refusal,
      'Elasticsearch would answer "Limit of total fields [6] has been exceeded" for index app, which ' +
        "maps 5 fields, where the new columns add 2",
    );
  });

  it("says nothing where they fit, the default limit being 1,000", async () => {
    assert.equal(
      await fieldLimitRefusal(cluster({ app: 5 }, { app: "7" }), "app", { note: text }),
      undefined,
    );
    assert.equal(await fieldLimitRefusal(cluster({ app: 998 }), "app", { note: text }), undefined);
    assert.match((await fieldLimitRefusal(cluster({ app: 999 }), "app", { note: text })) ?? "", /\[1000\]/);
  });

  it("checks each index an alias names against its own limit", async () => {
    const refusal = await fieldLimitRefusal(cluster({ a: 1, b: 4 }, { a: "9", b: "4" }), "both", {
      port: { type: "integer" },
    });
    assert.match(refusal ?? "", /for index b, which maps 4 fields/);
  });

  it("says nothing where the count cannot be trusted", async () => {
    const full = cluster({ app: undefined }, { app: "1" });
    assert.equal(await fieldLimitRefusal(full, "app", { port: { type: "integer" } }), undefined);
    // A dotted name may fall into an object the index maps already.
    const dotted = cluster({ app: 5 }, { app: "5" });
    assert.equal(await fieldLimitRefusal(dotted, "app", { "a.b": { type: "integer" } }), undefined);
  });
});
