// A table's index that the cluster refuses to create for one of its mapping limits: the error says
// which setting it met and what to do, where it gave the cluster's words alone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mappingLimitAdvice } from "../../src/stores/search/mapping-limits.js";

describe("advice for an index refused for a mapping limit", () => {
  it("names the total fields limit, an index template to raise it, and columns or the table to leave out", () => {
    const advice = mappingLimitAdvice(
      "illegal_argument_exception: Limit of total fields [1000] has been exceeded",
      "app-wide",
      "wide",
    );
    assert.equal(
      advice,
      "The table has more columns than the index may map fields (each text column maps two, the text and " +
        "its keyword). Raise index.mapping.total_fields.limit for it before the next run, in an index " +
        'template (PUT _index_template/<name> with index_patterns ["app-wide"] and the setting), or by ' +
        "creating the index app-wide beforehand with it; or leave columns out with the table's " +
        "exclude or include setting in the config file, or the table with --exclude-tables wide.",
    );
  });

  it("names the depth limit for nested user-defined types", () => {
    const advice = mappingLimitAdvice(
      "illegal_argument_exception: Limit of mapping depth [20] has been exceeded due to object field [a.b]",
      "app-deep",
      "deep",
    );
    assert.match(advice ?? "", /nest objects deeper than .*index\.mapping\.depth\.limit/);
    assert.match(advice ?? "", /--exclude-tables deep\.$/);
  });

  it("gives none for any other refusal", () => {
    assert.equal(mappingLimitAdvice("resource_already_exists_exception: x", "app-t", "t"), undefined);
  });
});
