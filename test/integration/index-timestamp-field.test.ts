// A table whose index exists but maps no date field for its timestamp: an index made ahead with its
// settings only (`PUT app-users` with shards or analyzers), or one mapping `tmstmp` as something other
// than a date. Tried as an operator would, such a table was skipped with exit 0 while the other
// tables were synced, so the checkpoint moved past its rows: once the mapping was mended, no
// incremental run covered them again. Now an empty index made ahead is mapped as synced maps an index
// it creates, keeping its settings; an index that holds documents, or maps the field as another
// type, is refused (exit 1, the checkpoint stays) with what to do.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness, tableStats } from "../support/harness.js";

describe("a table whose index maps no date field for its timestamp", () => {
  let h: Harness;
  let ahead: string;

  before(async () => {
    h = await Harness.create("indextime");
    ahead = await h.tableWithRow("ahead", "bio", "text", "likes rivers");
    for (const table of ["filled", "worded", "plain"]) await h.tableWithRow(table);
    // Made ahead: its own settings and one field of its own, nothing in it yet.
    await h.es.indices.create({
      index: `${h.index}-ahead`,
      settings: { number_of_replicas: 0, analysis: { analyzer: { folded: { type: "standard" } } } },
      mappings: { properties: { bio: { type: "text", analyzer: "folded" } } },
    });
    // Made ahead too, but an application already wrote to it.
    await h.es.index({ index: `${h.index}-filled`, document: { n: 1 }, refresh: true });
    await h.es.indices.create({
      index: `${h.index}-worded`,
      mappings: { properties: { tmstmp: { type: "keyword" } } },
    });
  });
  after(() => h.cleanup());

  it("maps an empty index made ahead, and refuses the others, saying what to do", async () => {
    const { code, summary } = await h.run(["--name", "timed"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(refused.map((r) => r.name).sort(), ["filled", "worded"]);
    const reason = (name: string): string => refused.find((r) => r.name === name)?.reason ?? "";
    assert.match(reason("filled"), new RegExp(`index ${h.index}-filled maps no field 'tmstmp'`));
    assert.match(
      reason("filled"),
      new RegExp(
        `PUT ${h.index}-filled/_mapping \\{"properties": \\{"tmstmp": \\{"type": "date_nanos"\\}\\}\\}`,
      ),
    );
    assert.match(reason("worded"), new RegExp(`index ${h.index}-worded maps field 'tmstmp' as keyword`));
    assert.match(reason("worded"), /tables\.worded\.index/);
    assert.equal(tableStats(summary, "plain", "to-es")["written"], 1);
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("timed"), undefined);

    // The index made ahead holds the row now, with synced's mapping beside its own field (whose analyzer is
    // the index's own setting: the index was mapped, not made anew).
    assert.equal(tableStats(summary, "ahead", "to-es")["written"], 1);
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-ahead`, id: ahead });
    assert.equal(doc._source?.["bio"], "likes rivers");
    const mapping = await h.es.indices.getMapping({ index: `${h.index}-ahead` });
    const properties = mapping[`${h.index}-ahead`]?.mappings.properties ?? {};
    assert.equal(properties["tmstmp"]?.type, "date_nanos");
    assert.deepEqual(properties["bio"], { type: "text", analyzer: "folded" });
  });
});
