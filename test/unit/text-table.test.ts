import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { textTable } from "../../src/cli/text-table.js";

describe("text tables", () => {
  it("sizes each column to its widest cell, aligns as told and leaves no blanks at line ends", () => {
    const rows = [
      ["table", "scanned", "why"],
      ["users", "12345", "3 unchanged"],
      ["orders_long", "7", ""],
    ];
    assert.equal(
      textTable(rows, ["left", "right", "left"]),
      ["table        scanned  why", "users          12345  3 unchanged", "orders_long        7"].join("\n"),
    );
  });

  it("aligns left where it is told nothing, and prints nothing for no rows", () => {
    assert.equal(
      textTable([
        ["id", "n"],
        ["a", "10"],
      ]),
      "id  n\na   10",
    );
    assert.equal(textTable([]), "");
  });
});
