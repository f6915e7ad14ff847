// What a dead-letters command says of letters waiting under keys other than the one its options name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lettersElsewhereText } from "../../src/cli/letter-keys.js";

describe("lettersElsewhereText", () => {
  it("names the --shard that reaches a key of the same configuration", () => {
    const text = lettersElsewhereText(["app.x.shard-1-of-4", "app.x", "other.y"], "app.x.shard-0-of-3");
    assert.match(text, /app\.x\.shard-1-of-4 \(--shard 1\/4\)/);
    assert.match(text, /app\.x \(no --shard\)/);
    assert.match(text, /other\.y[.,]/);
    assert.doesNotMatch(text, /other\.y \(/);
    assert.match(text, /--name, --tables/);
  });

  it("says nothing where no other key holds letters", () => {
    assert.equal(lettersElsewhereText([], "app.x"), "");
  });
});
