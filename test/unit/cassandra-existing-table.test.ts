// Opening a Cassandra state or dead-letter table that exists issues no CREATE: Cassandra authorizes
// `CREATE TABLE IF NOT EXISTS` with CREATE on the keyspace even where the table exists, so a role given
// only SELECT and MODIFY on tables made beforehand would be refused on every run. A missing table is
// still created, once, with IF NOT EXISTS for another run creating it at the same moment.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { CassandraDeadLetterStore } from "../../src/state/cassandra/cassandra-dead-letters.js";
import { COLUMNS } from "../../src/state/cassandra/cassandra-schema.js";
import { CassandraStateStore } from "../../src/state/cassandra/cassandra-state-store.js";

const LETTER_COLUMNS = [
  "key",
  "letter_id",
  "at",
  "run_id",
  "tbl",
  "direction",
  "source",
  "record_id",
  "reason",
  "record",
  "record_bytes",
  "record_omitted",
  "format",
];

const row = (column: string): { get: (name: string) => unknown } => ({
  get: (name) => (name === "column_name" || name === "keyspace_name" ? column : undefined),
});

/**
 * A node whose keyspace `ks` exists, holding a table of `columns` once created (none before, where
 * `exists` is false), which refuses CREATE as a role with only SELECT and MODIFY would see it.
 */
function fakeNode(columns: readonly string[], exists: boolean, mayCreate: boolean) {
  const statements: string[] = [];
  let created = exists;
  const client = {
    execute: (query: string) => {
      statements.push(query);
      const result = (names: readonly string[]) => ({ rows: names.map(row), rowLength: names.length });
      if (query.includes("system_schema.keyspaces")) return Promise.resolve(result(["ks"]));
      if (query.includes("system_schema.columns")) return Promise.resolve(result(created ? columns : []));
      if (query.startsWith("CREATE TABLE IF NOT EXISTS")) {
        if (!mayCreate) {
          return Promise.reject(
            new cassandra.errors.ResponseError(
              cassandra.types.responseErrorCodes.unauthorized,
              "User app has no CREATE permission on <all tables in ks> or any of its parents",
            ),
          );
        }
        created = true;
        return Promise.resolve(result([]));
      }
      return Promise.reject(new Error(`unexpected statement: ${query}`));
    },
  } as unknown as cassandra.Client;
  const creates = (): string[] => statements.filter((s) => s.startsWith("CREATE"));
  return { client, creates };
}

const openState = (client: cassandra.Client) =>
  CassandraStateStore.open(client, { keyspace: "ks", table: "synced_state", timeoutMs: 5_000 });
const openLetters = (client: cassandra.Client) =>
  CassandraDeadLetterStore.open(client, "ks", "synced_state_dead_letters", 5_000);

describe("opening a Cassandra state or dead-letter table", () => {
  it("issues no CREATE where the state table exists, so SELECT and MODIFY on it are enough", async () => {
    const node = fakeNode(Object.keys(COLUMNS), true, false);
    await openState(node.client);
    assert.deepEqual(node.creates(), []);
  });

  it("issues no CREATE where the dead-letter table exists", async () => {
    const node = fakeNode(LETTER_COLUMNS, true, false);
    await openLetters(node.client);
    assert.deepEqual(node.creates(), []);
  });

  it("creates a missing state table once, with IF NOT EXISTS, then checks its columns", async () => {
    const node = fakeNode(Object.keys(COLUMNS), false, true);
    await openState(node.client);
    assert.equal(node.creates().length, 1);
    assert.match(node.creates()[0] ?? "", /^CREATE TABLE IF NOT EXISTS ks\.synced_state /);
  });

  it("creates a missing dead-letter table once, with IF NOT EXISTS", async () => {
    const node = fakeNode(LETTER_COLUMNS, false, true);
    await openLetters(node.client);
    assert.equal(node.creates().length, 1);
    assert.match(node.creates()[0] ?? "", /^CREATE TABLE IF NOT EXISTS ks\.synced_state_dead_letters /);
  });

  it("still names the CREATE permission where a missing table may not be created", async () => {
    const node = fakeNode(Object.keys(COLUMNS), false, false);
    await assert.rejects(openState(node.client), /no CREATE permission on <all tables in ks>/);
  });
});
