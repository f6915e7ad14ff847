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

  it("shows a space that is no plain space and each character of no width as its escape", () => {
    // Two ids that would look the same: one with a no-break space, one with a zero-width space.
    assert.equal(visibleInLine("a\u00a0b"), "a\\u00a0b");
    assert.equal(visibleInLine("ab\u200b"), "ab\\u200b");
    assert.equal(
      visibleText("\u00ad\u034f\u061c\u115f\u1160\u1680\u180e\u2000\u200a\u200c\u200d\u200e\u200f"),
      "\\u00ad\\u034f\\u061c\\u115f\\u1160\\u1680\\u180e\\u2000\\u200a\\u200c\\u200d\\u200e\\u200f",
    );
    assert.equal(
      visibleText("\u2028\u2029\u202f\u205f\u2060\u2064\u3000\u3164\ufeff\uffa0"),
      "\\u2028\\u2029\\u202f\\u205f\\u2060\\u2064\\u3000\\u3164\\ufeff\\uffa0",
    );
    assert.equal(visibleInLine("café naïve 東京"), "café naïve 東京");
  });
});
