// A -k that names no keyspace: the message names the keyspace meant, where one differs only in case
// (unquoted CQL folds names to lower case) or is a close spelling, and never one of Cassandra's own.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { missingKeyspaceMessage } from "../../src/stores/cassandra/missing-keyspace.js";

const EXISTING = ["system", "system_schema", "system_auth", "ha_k", "orders"];

describe("a keyspace that does not exist", () => {
  it("names the keyspace that differs only in case, and why -k must be spelt as stored", () => {
    assert.equal(
      missingKeyspaceMessage("HA_K", EXISTING),
      "keyspace 'HA_K' does not exist in Cassandra, but 'ha_k' does: Cassandra folds names written " +
        "without double quotes to lower case, and -k takes the name as Cassandra stores it; give -k ha_k",
    );
  });

  it("names a close spelling, and only says to check -k where none is close", () => {
    assert.equal(
      missingKeyspaceMessage("ordres", EXISTING),
      "keyspace 'ordres' does not exist in Cassandra; did you mean -k orders?",
    );
    assert.equal(
      missingKeyspaceMessage("inventory", EXISTING),
      "keyspace 'inventory' does not exist in Cassandra; check -k",
    );
    assert.equal(
      missingKeyspaceMessage("SYSTEM", EXISTING),
      "keyspace 'SYSTEM' does not exist in Cassandra; check -k",
    );
  });
});
