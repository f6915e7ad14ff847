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
    });
    assert.deepEqual(templateShape("nothing", {}, legacy), { mappings: {}, pipelines: [] });
  });
});
