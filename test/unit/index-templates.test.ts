// Which index templates shape an index synced creates, as the cluster picks them: the composable one
// of highest priority that matches the name, else every legacy one that does. A refusal names them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  composableTemplates,
  legacyTemplates,
  templateRefusal,
  templatesFor,
  templateShape,
  type IndexTemplates,
} from "../../src/stores/search/index-templates.js";

const templates = (answer: { composable?: unknown; legacy?: unknown }): IndexTemplates => ({
  composable: composableTemplates(answer.composable),
  legacy: legacyTemplates(answer.legacy),
});

const composable = (...entries: [string, string[], number][]) => ({
  index_templates: entries.map(([name, index_patterns, priority]) => ({
    name,
    index_template: { index_patterns, priority },
  })),
});

describe("the templates that apply to a new index", () => {
  it("names the composable template of highest priority whose patterns match", () => {
    const found = templatesFor(
      "app-users",
      templates({
        composable: composable(["low", ["app-*"], 1], ["high", ["app-u*s"], 200], ["other", ["logs-*"], 900]),
        legacy: { old: { index_patterns: ["app-*"], order: 0 } },
      }),
    );
    assert.deepEqual(found, [{ name: "high", legacy: false }]);
  });

  it("names every matching legacy template, in the order they merge, where no composable one matches", () => {
    const found = templatesFor(
      "app-users",
      templates({
        composable: composable(["logs", ["logs-*-*"], 100]),
        legacy: {
          late: { index_patterns: ["app-*"], order: 5 },
          early: { index_patterns: "*users", order: 1 },
          exact: { index_patterns: ["app-user"], order: 0 },
        },
      }),
    );
    assert.deepEqual(found, [
      { name: "early", legacy: true },
      { name: "late", legacy: true },
    ]);
  });

  it("matches a wildcard in the middle only where the parts fit in order, without overlapping", () => {
    const count = (pattern: string): number =>
      templatesFor("abab", templates({ composable: composable(["t", [pattern], 1]) })).length;
    assert.deepEqual(
      ["a*b", "ab*ab", "aba*bab", "*b*a*", "a*c", "abab", "*"].map(count),
      [1, 1, 0, 1, 0, 1, 1],
    );
  });

  it("finds none in answers it cannot read", () => {
    assert.deepEqual(templatesFor("app-users", templates({ composable: "?", legacy: null })), []);
  });
});

describe("the refusal of a table whose new index a template shaped", () => {
  it("says the index keeps no _source, and in the type-field layout names -i as what to change", () => {
    const gap = { index: "app", disabled: true, includes: [], excludes: [] };
    const reason = templateRefusal(
      "users",
      "app",
      { source: gap },
      [{ name: "lean", legacy: false }],
      "deleted",
      true,
    );
    assert.match(reason, /got from the index template lean a mapping that keeps no _source/);
    assert.match(reason, /name with -i an index no such template matches/);
    assert.doesNotMatch(reason, /tables\.users\.index/);
  });

  it("says so of a template it could not list, and asks for the index to be deleted where it could not be", () => {
    const reason = templateRefusal("users", "app-users", { routingRequired: true }, undefined, "left");
    assert.match(reason, /an index template that matches app-users \(list them with GET _index_template/);
    assert.match(reason, /requires a routing value/);
    assert.match(reason, /delete it \(DELETE app-users\)/);
    assert.match(reason, /the config file's tables\.users\.index/);
  });
});

describe("the refusal of a table whose new index a template gave a block", () => {
  const block = { block: "index.blocks.read_only" };

  it("names the template and the setting, and both ways out: the template, or an index made another way", () => {
    const reason = templateRefusal("users", "app-users", block, [{ name: "cold", legacy: false }], "planned");
    assert.match(
      reason,
      /would get from the index template cold the setting index\.blocks\.read_only: true, which refuses every write/,
    );
    assert.match(reason, /a run would refuse the table before writing to it/);
    assert.match(
      reason,
      /Drop that setting from the template \(or change its index_patterns to leave app-users out\)/,
    );
    assert.match(
      reason,
      /PUT app-users \{"settings": \{"index\.blocks\.read_only": false\}\}\), which a run then maps/,
    );
    assert.match(reason, /the config file's tables\.users\.index/);
  });

  it("asks for the block to be lifted before the index is deleted, where synced could not delete it", () => {
    const reason = templateRefusal("users", "app-users", block, undefined, "left");
    assert.match(reason, /got from an index template that matches app-users/);
    assert.match(
      reason,
      /lift the block and delete it \(PUT app-users\/_settings \{"index\.blocks\.read_only": null\}, then DELETE app-users\)/,
    );
  });

  it("tells a replay's letter to wait for the change, and the type-field layout to name another -i", () => {
    const reason = templateRefusal("users", "app", block, [], "deleted", true, true);
    assert.match(reason, /synced deleted the index again before writing to it/);
    assert.match(reason, /which a replay then maps and writes to, or name with -i an index/);
    assert.match(reason, /; then replay this letter\.$/);
  });
});

describe("what the templates would give a new index, for a dry run", () => {
  it("takes the simulated composable template where one matches, its pipelines too", () => {
    const simulated = {
      template: {
        mappings: { _source: { excludes: ["bio"] } },
        settings: { index: { default_pipeline: "stamp", final_pipeline: "_none" } },
      },
    };
    assert.deepEqual(templateShape("app-users", simulated, {}), {
      mappings: { _source: { excludes: ["bio"] } },
      pipelines: ["stamp"],
      blocks: [],
    });
  });

  it("merges the legacy templates that match, the higher order last, where no composable one does", () => {
    const legacy = {
      low: {
        order: 1,
        index_patterns: ["app-*"],
        mappings: { _routing: { required: true } },
        settings: { "index.default_pipeline": "first" },
      },
      high: { order: 5, index_patterns: ["app-u*"], settings: { index: { default_pipeline: "second" } } },
      other: { order: 9, index_patterns: ["logs-*"], mappings: { _source: { enabled: false } } },
    };
    assert.deepEqual(templateShape("app-users", {}, legacy), {
      mappings: { _routing: { required: true } },
      pipelines: ["second"],
      blocks: [],
    });
    assert.deepEqual(templateShape("nothing", {}, legacy), { mappings: {}, pipelines: [], blocks: [] });
  });

  // Each block refuses every write to the index the templates give it, as a run would meet at once.
  it("reads the blocks the settings set true, nested as the simulation answers them or flat", () => {
    const simulated = (settings: object): unknown => ({ template: { settings } });
    const blocks = (settings: object): readonly string[] =>
      templateShape("app-users", simulated(settings), {}).blocks;
    assert.deepEqual(blocks({ index: { blocks: { write: "true" } } }), ["index.blocks.write"]);
    assert.deepEqual(blocks({ index: { blocks: { read_only: "true", read_only_allow_delete: "true" } } }), [
      "index.blocks.read_only",
      "index.blocks.read_only_allow_delete",
    ]);
    assert.deepEqual(blocks({ "index.blocks.read_only_allow_delete": true }), [
      "index.blocks.read_only_allow_delete",
    ]);
    assert.deepEqual(blocks({ index: { "blocks.write": true } }), ["index.blocks.write"]);
    assert.deepEqual(blocks({ index: { blocks: { write: "false", read: "true" } } }), []);
  });

  it("takes a later legacy template's value of a block over an earlier one's", () => {
    const legacy = {
      blocking: { order: 1, index_patterns: ["app-*"], settings: { index: { blocks: { write: "true" } } } },
      lifting: { order: 2, index_patterns: ["app-u*"], settings: { "index.blocks.write": false } },
      frozen: { order: 0, index_patterns: ["app-*"], settings: { index: { blocks: { read_only: "true" } } } },
    };
    assert.deepEqual(templateShape("app-users", {}, legacy).blocks, ["index.blocks.read_only"]);
    assert.deepEqual(templateShape("app-orders", {}, legacy).blocks, [
      "index.blocks.write",
      "index.blocks.read_only",
    ]);
  });
});
