// synced as a Cassandra role that holds the grants README's "Privileges" lists and no more, and as
// one that may not write the table it syncs to, on a node that checks permissions: the 4.1 node of
// scripts/cassandra.sh runs CassandraAuthorizer (SYNCED_TEST_CASSANDRA_AUTHORIZER=1 in its
// compatibility run). Against a node that lets every login do everything, these tests are skipped.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, withoutSelection } from "../support/harness.js";

const { Uuid } = cassandra.types;
const noAuthorizer =
  process.env["SYNCED_TEST_CASSANDRA_AUTHORIZER"] === "1"
    ? false
    : "only a Cassandra that checks permissions (the 4.1 node of scripts/cassandra.sh) can refuse a role";

describe("least privileges on Cassandra", { skip: noAuthorizer }, () => {
  let h: Harness;
  let ops: string;
  let state: string;
  const suffix = randomBytes(4).toString("hex");
  const least = `synced_least_${suffix}`;
  const reader = `synced_reader_${suffix}`;
  const password = `cql-${randomBytes(12).toString("hex")}`;

  /** The run's flags as `role`, with the state in the keyspace of its own that README's grants name. */
  const as = (role: string): string[] => [
    ...h.argsWith({ "--cassandra-username": role, "--state": state }),
    ...["--tables", "things"],
  ];
  const cli = (args: string[]): ReturnType<Harness["cli"]> =>
    h.cli(args, { SYNCED_CASSANDRA_PASSWORD: password });
  const sql = (statement: string): Promise<unknown> => h.cassandra.execute(statement);
  /** The configuration's checkpoint as status shows it to the superuser. */
  const checkpoint = async (): Promise<string | null> => {
    const status = await h.cli(["status", ...withoutSelection(h.argsWith({ "--state": state })), "--json"]);
    assert.equal(status.code, EXIT.success, status.stderr);
    const { configurations } = JSON.parse(status.stdout) as {
      configurations: { checkpoint: { position: string } | null }[];
    };
    return configurations[0]?.checkpoint?.position ?? null;
  };
  const document = async (n: number): Promise<void> => {
    const id = Uuid.random().toString();
    const tmstmp = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({ index: `${h.index}-things`, id, document: { id, tmstmp, n } });
    await h.refresh();
  };

  before(async () => {
    h = await Harness.create("cqlperm");
    ops = `${h.keyspace}_ops`;
    state = `cassandra:${ops}.synced_state`;
    await sql(
      `CREATE KEYSPACE ${ops} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await sql(`CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`);
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, 1)`,
      [Uuid.random(), new Date(Date.now() - 5_000)],
      { prepare: true },
    );
    // The first run, as the superuser: it creates the index, the state table and its letters.
    const first = await h.cli([...h.argsWith({ "--state": state }), "--tables", "things"]);
    assert.equal(first.code, EXIT.success, first.stderr);
    for (const role of [least, reader])
      await sql(`CREATE ROLE ${role} WITH PASSWORD = '${password}' AND LOGIN = true`);
    // README's grants, word for word but for the names.
    for (const grant of [
      `GRANT SELECT ON KEYSPACE ${h.keyspace} TO ${least}`,
      `GRANT MODIFY ON KEYSPACE ${h.keyspace} TO ${least}`,
      `GRANT SELECT ON ${ops}.synced_state TO ${least}`,
      `GRANT MODIFY ON ${ops}.synced_state TO ${least}`,
      `GRANT SELECT ON ${ops}.synced_state_dead_letters TO ${least}`,
      `GRANT MODIFY ON ${ops}.synced_state_dead_letters TO ${least}`,
      // The reader may keep the state, but only read the table it syncs.
      `GRANT SELECT ON KEYSPACE ${h.keyspace} TO ${reader}`,
      `GRANT SELECT ON ${ops}.synced_state TO ${reader}`,
      `GRANT MODIFY ON ${ops}.synced_state TO ${reader}`,
      `GRANT SELECT ON ${ops}.synced_state_dead_letters TO ${reader}`,
      `GRANT MODIFY ON ${ops}.synced_state_dead_letters TO ${reader}`,
    ])
      await sql(grant);
  });
  after(async () => {
    for (const role of [least, reader]) await sql(`DROP ROLE IF EXISTS ${role}`);
    await sql(`DROP KEYSPACE IF EXISTS ${ops}`);
    await h.cleanup();
  });

  it("runs, plans, verifies, shows status and lists letters with only the grants README lists", async () => {
    await document(2);
    const run = await cli([...as(least), "--json"]);
    assert.equal(run.code, EXIT.success, run.stderr);
    const written = (JSON.parse(run.stdout) as { totals: { written: number } }).totals.written;
    assert.equal(written, 1);
    for (const command of [["plan"], ["verify"], ["dead-letters", "list"], ["status"]]) {
      const args = command[0] === "status" ? withoutSelection(as(least)) : as(least);
      const result = await cli([...command, ...args]);
      assert.equal(result.code, EXIT.success, `${command.join(" ")}: ${result.stderr}`);
    }
  });

  it("stops a run whose role may not write the table, naming the permission, and keeps the checkpoint", async () => {
    const before = await checkpoint();
    assert.notEqual(before, null);
    await document(3);
    const run = await cli([...as(reader), "--json"]);
    assert.equal(run.code, EXIT.unreachable, run.stderr);
    assert.match(run.stderr, /has no MODIFY permission/);
    assert.match(run.stderr, /grant the role the permission named/);
    assert.equal((JSON.parse(run.stdout) as { deadLetters: { count: number } }).deadLetters.count, 0);
    assert.equal(await checkpoint(), before);
  });
});
