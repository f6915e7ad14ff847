// Right-to-left text is shown as it is, but a directional override or isolate in an id or a value
// reorders the rest of the line it is printed on in a terminal that lays out both directions, so a
// letter's reason or a summary row read backwards, or rearranged to say something else.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { visibleInLine, visibleText } from "../../src/cli/visible-text.js";

describe("text shown on a terminal", () => {
  it("keeps right-to-left letters as they are", () => {
    assert.equal(visibleInLine("שלום עולם"), "שלום עולם");
    assert.equal(visibleText("مرحبا"), "مرحبا");
  });

  it("shows each directional embedding, override and isolate as its escape", () => {
    assert.equal(visibleInLine("id\u202eevil"), "id\\u202eevil");
    assert.equal(visibleText("a\u202ab\u202bc\u202cd\u202de"), "a\\u202ab\\u202bc\\u202cd\\u202de");
    assert.equal(visibleInLine("\u2066x\u2067y\u2068z\u2069"), "\\u2066x\\u2067y\\u2068z\\u2069");
  });
});
