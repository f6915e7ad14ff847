// synced under Elasticsearch roles that hold what README's "Privileges" lists and no more, and under
// two that each lack one of them. The users are file-realm users that scripts/elasticsearch.sh makes
// (synced-least, synced-least-reader, synced-least-no-letters), for indices named least_* and a state
// named leaststate_*; against a node the scripts did not start, these tests are skipped.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, withoutSelection } from "../support/harness.js";

const { Uuid } = cassandra.types;
const noLeastUsers =
  process.env["SYNCED_TEST_ES_LEAST_USERS"] === "1"
    ? false
    : "the least-privileged users exist only on an Elasticsearch node that scripts/elasticsearch.sh starts";

interface Summary {
  readonly outcome: string;
  readonly deadLetters: { readonly count: number };
  readonly tables: readonly {
    readonly table: string;
    readonly direction: string;
    readonly written: number;
  }[];
}

describe("least privileges on Elasticsearch", { skip: noLeastUsers }, () => {
  let h: Harness;
  let state: string;
  /** The run's flags under `user`, with the state in its own index, which the roles name apart. */
  const as = (user: string): string[] => [
    ...h.argsWith({ "--es-username": user, "--state": state }),
    ...["--tables", "things"],
  ];
  const insert = (n: number): Promise<unknown> =>
    h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, ?)`,
      [Uuid.random(), new Date(Date.now() - 5_000), n],
      { prepare: true },
    );
  /** The configuration's checkpoint as status shows it to the superuser. */
  const checkpoint = async (): Promise<string | null> => {
    const status = await h.cli(["status", ...withoutSelection(h.argsWith({ "--state": state })), "--json"]);
    assert.equal(status.code, EXIT.success, status.stderr);
    const { configurations } = JSON.parse(status.stdout) as {
      configurations: { checkpoint: { position: string } | null }[];
    };
    assert.equal(configurations.length, 1);
    return configurations[0]?.checkpoint?.position ?? null;
  };

  before(async () => {
    h = await Harness.create("least");
    state = `es:leaststate_${h.index.slice("least_".length)}`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await insert(1);
    await insert(2);
  });
  after(async () => {
    await h.es.indices.delete({
      index: `${state.slice(3)}*`,
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    await h.cleanup();
  });

  it("runs, plans, verifies and lists letters with only the privileges README lists", async () => {
    const run = await h.cli([...as("synced-least"), "--json"]);
    assert.equal(run.code, EXIT.success, run.stderr);
    const summary = JSON.parse(run.stdout) as Summary;
    assert.deepEqual(
      summary.tables.map((t) => [t.direction, t.written]),
      [
        ["to-es", 2],
        ["to-cassandra", 0],
      ],
    );
    const commands = [["plan"], ["verify"], ["dead-letters", "list"], ["status"]];
    for (const command of commands) {
      const args = command[0] === "status" ? withoutSelection(as("synced-least")) : as("synced-least");
      const result = await h.cli([...command, ...args]);
      assert.equal(result.code, EXIT.success, `${command.join(" ")}: ${result.stderr}`);
    }
  });

  it("stops a run whose role may not write to the index, dead-letters nothing and keeps the checkpoint", async () => {
    const before = await checkpoint();
    assert.notEqual(before, null);
    await insert(3);
    const run = await h.cli([...as("synced-least-reader"), "--json"]);
    assert.equal(run.code, EXIT.unreachable, run.stderr);
    assert.match(run.stderr, /least_[a-z0-9_]+-things/);
    assert.match(run.stderr, /write/);
    const summary = JSON.parse(run.stdout) as Summary;
    assert.equal(summary.deadLetters.count, 0);
    assert.equal(await checkpoint(), before);
  });

  it("stops a run whose role may not write its letters, naming the letters index, and keeps the checkpoint", async () => {
    const before = await checkpoint();
    // Elasticsearch keeps 1.5 in the source of its integer field; Cassandra's int refuses it.
    const id = Uuid.random().toString();
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({ index: `${h.index}-things`, id, document: { id, tmstmp: at, n: 1.5 } });
    await h.refresh();
    const run = await h.cli([...as("synced-least-no-letters"), "--json"]);
    assert.equal(run.code, EXIT.unreachable, run.stderr);
    assert.match(run.stderr, /leaststate_[a-z0-9_]+-dead-letters\): it answered 403 \(action \[/);
    assert.match(run.stderr, /the login was accepted, but its role lacks a privilege/);
    assert.equal(await checkpoint(), before);
  });
});
