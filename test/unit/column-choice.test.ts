// The digest of how a table's settings choose and name its columns, which the checkpoint's coverage
// records: any change of what the documents hold changes it, and nothing else does.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { columnChoice } from "../../src/reconcile/column-choice.js";
import type { TableSettings } from "../../src/core/table-settings.js";

const names = { timestamp: "tmstmp", tombstone: "deleted" };
const settings = (more: Partial<TableSettings>): TableSettings => ({
  table: "users",
  file: "a.yaml",
  ...more,
});

describe("column choice", () => {
  it("changes with the columns included, excluded or renamed, and the version columns", () => {
    const none = columnChoice(undefined, names);
    const choices = [
      none,
      columnChoice(settings({ exclude: ["secret"] }), names),
      columnChoice(settings({ include: ["secret"] }), names),
      columnChoice(settings({ include: ["secret", "email"] }), names),
      columnChoice(settings({ rename: [{ column: "email", field: "mail" }] }), names),
      columnChoice(settings({ rename: [{ column: "email", field: "email_addr" }] }), names),
      columnChoice(undefined, { ...names, timestamp: "updated_at" }),
      columnChoice(undefined, { ...names, tombstone: "removed" }),
    ];
    assert.equal(new Set(choices).size, choices.length);
    for (const choice of choices) assert.match(choice, /^[0-9a-f]{16}$/);
  });

  it("stays for settings that choose the same columns under the same fields", () => {
    const none = columnChoice(undefined, names);
    // Settings that name no column, and a column renamed to its own name, choose what none do.
    assert.equal(columnChoice(settings({ index: "people", pipeline: "p", ttl: 60 }), names), none);
    assert.equal(columnChoice(settings({ rename: [{ column: "email", field: "email" }] }), names), none);
    // The order a list is written in is no choice.
    assert.equal(
      columnChoice(settings({ include: ["b", "a"] }), names),
      columnChoice(settings({ include: ["a", "b"] }), names),
    );
    assert.equal(
      columnChoice(
        settings({
          rename: [
            { column: "b", field: "y" },
            { column: "a", field: "x" },
          ],
        }),
        names,
      ),
      columnChoice(
        settings({
          rename: [
            { column: "a", field: "x" },
            { column: "b", field: "y" },
          ],
        }),
        names,
      ),
    );
  });
});
