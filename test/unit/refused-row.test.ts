// A row Cassandra refuses is dead-lettered with its reason. Tried as an operator with large documents
// would: a document over the node's mutation limit got a letter naming the setting by its name before
// Cassandra 4.1, max_mutation_size_in_kb, and nothing of what to do.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refusedRowReason } from "../../src/stores/cassandra/refused-row.js";

describe("the reason of a row Cassandra refused", () => {
  it("gives the mutation's size, the limit, its settings and what to do", () => {
    const message =
      "Rejected an oversized mutation (5000094/4194304) for keyspace: app. Top keys are: notes.6d1f1f0e";
    assert.equal(
      refusedRowReason("notes", message),
      "Cassandra refused the row for notes: the record is too large for one Cassandra mutation: its " +
        "mutation is 5000094 bytes, over the 4194304 a node takes in one (max_mutation_size, by default " +
        "half of commitlog_segment_size). Shorten it at its source, or raise commitlog_segment_size or " +
        `max_mutation_size on every node; then replay the letter (${message})`,
    );
  });

  it("gives the node's words alone for any other refusal", () => {
    assert.equal(
      refusedRowReason("notes", "Key length of 70000 is longer than maximum of 65535"),
      "Cassandra refused the row for notes: Key length of 70000 is longer than maximum of 65535",
    );
  });
});
