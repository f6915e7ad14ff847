// A table altered while a run works on it. Cassandra then drops the statements prepared for the
// table, and the driver prepares them again; when the statement no longer fits the table (a column it
// names was dropped), preparing fails and every read and write answers "unprepared". Tried as an
// operator would, dropping a column during a run made it retry for the whole --retry-window and then
// fail with exit 5, "no host answered ... check that the nodes run", though the cluster was healthy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { makeRecord } from "../../src/core/record.js";
import { SyncedError } from "../../src/core/errors.js";
import { readReplication } from "../../src/stores/cassandra/unmeetable-consistency.js";
import { Harness } from "../support/harness.js";
import { handPlan } from "../support/table-plan.js";

const { Uuid } = cassandra.types;

describe("a table altered during a run", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("altered");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, body text, note text)`,
    );
  });
  after(() => h.cleanup());

  it("stops at once, naming the column dropped, rather than waiting out the retry window", async () => {
    const plan = handPlan({
      keyspace: h.keyspace,
      table: "things",
      index: `${h.index}-things`,
      columns: { body: "text", note: "text" },
    });
    const store = h.cassandraStore({ retryWindowMs: 60_000 });
    const write = (body: string): Promise<unknown> => {
      const record = makeRecord(Uuid.random().toString(), BigInt(Date.now()) * 1000n, false, {
        body,
        note: "n",
      });
      return store.write(plan, [{ record, current: undefined, version: record.version }]);
    };
    // Prepared and run once, as a run's first batch would.
    assert.deepEqual(await write("first"), [{ status: "written" }]);
    await h.cassandra.execute(`ALTER TABLE ${h.keyspace}.things DROP note`);

    const started = Date.now();
    await assert.rejects(write("second"), (error: unknown) => {
      assert.ok(error instanceof SyncedError, String(error));
      assert.equal(error.kind, "failed");
      assert.match(error.message, new RegExp(`table ${h.keyspace}\\.things changed during the run`));
      assert.match(error.message, /column note was dropped/);
      assert.match(error.message, /checkpoint/);
      return true;
    });
    // Well within the minute of retries it used to wait.
    assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
  });

  // Tried as an operator would: the keyspace given more replicas than the cluster has nodes while
  // writes stayed at ONE. Each lightweight transaction's Paxos round, which needs a majority of all the
  // row's replicas whatever the option says, was answered "unavailable" and retried for the whole
  // --retry-window, then reported as nodes that do not run.
  it("stops at once when the keyspace's replicas cannot meet a lightweight transaction, naming the replication", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.replicated (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    await h.cassandra.execute(
      `ALTER KEYSPACE ${h.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`,
    );
    try {
      const replication = await readReplication(h.cassandra, h.keyspace);
      assert.ok(replication);
      const plan = handPlan({
        keyspace: h.keyspace,
        table: "replicated",
        index: `${h.index}-replicated`,
        columns: { body: "text" },
      });
      const store = h.cassandraStore({
        writes: "lwt",
        retryWindowMs: 60_000,
        replication,
        localDc: "datacenter1",
      });
      const record = makeRecord(Uuid.random().toString(), BigInt(Date.now()) * 1000n, false, { body: "b" });

      const started = Date.now();
      await assert.rejects(
        store.write(plan, [{ record, current: undefined, version: record.version }]),
        (error: unknown) => {
          assert.ok(error instanceof SyncedError, String(error));
          assert.equal(error.kind, "failed");
          assert.match(error.message, new RegExp(`table ${h.keyspace}\\.replicated`));
          assert.match(error.message, /lightweight transaction/);
          assert.match(error.message, /replication factor 2, on 1 node/);
          assert.match(error.message, /no retry can succeed/);
          assert.match(error.message, /ALTER KEYSPACE/);
          assert.doesNotMatch(error.message, /check that the nodes run/i);
          return true;
        },
      );
      assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
    } finally {
      await h.cassandra.execute(
        `ALTER KEYSPACE ${h.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
    }
  });
});
