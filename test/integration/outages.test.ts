// A store that goes away in the middle of a run, as in a restart or a network break: the run waits
// for it within --retry-window and finishes with nothing lost; past the window it stops with exit 5
// and an unmoved checkpoint. Each store is reached through a relay the test cuts and restores; the
// servers behind it are the real ones.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { parseStateLocation } from "../../src/core/state-location.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { openStateStore } from "../../src/state/open-state-store.js";
import { Harness } from "../support/harness.js";
import { outageRelay, type Outage } from "../support/tcp.js";
import { watch, type Watched } from "../support/watch.js";

const ROWS = 3000;

describe("a store that goes away during a run", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("outage");
    for (const table of ["viaes", "viacass", "gone", "left", "stopped"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
      );
      const insert = `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, v) VALUES (?, ?, ?)`;
      const at = new Date(Date.now() - 60_000);
      const rows = Array.from({ length: ROWS }, (_, i) => [cassandra.types.Uuid.random(), at, i]);
      await cassandra.concurrent.executeConcurrent(h.cassandra, insert, rows, { concurrencyLevel: 32 });
    }
  });
  after(() => h.cleanup());

  /** A slow run of one table to Elasticsearch, one store reached through `outage`. */
  function slowRun(
    table: string,
    store: "es" | "cassandra",
    outage: Outage,
    window: string,
    state = h.stateDir,
    more: readonly string[] = [],
  ): Watched & { child: ChildProcess } {
    const args =
      store === "es"
        ? h.argsWith({ "--es-nodes": `http://127.0.0.1:${outage.port}`, "--state": state })
        : h.argsWith({ "--cassandra-port": String(outage.port), "--state": state });
    const child = h.spawnCli([
      ...args,
      ...["--tables", table, "--direction", "to-es", "--name", table, "--json"],
      ...["--batch-size", "20", "--concurrency", "1", "--retry-window", window],
      ...more,
    ]);
    return { ...watch(child), child };
  }

  function esRelay(): Promise<Outage> {
    const url = new URL(h.servers.elasticsearchUrl);
    return outageRelay(url.hostname, Number(url.port));
  }

  async function documents(table: string): Promise<number> {
    await h.es.indices.refresh({ index: `${h.index}-${table}` });
    return (await h.es.count({ index: `${h.index}-${table}` })).count;
  }

  for (const [store, table] of [
    ["es", "viaes"],
    ["cassandra", "viacass"],
  ] as const) {
    it(`waits for ${store === "es" ? "Elasticsearch" : "Cassandra"} to come back and finishes with nothing lost`, async () => {
      const outage =
        store === "es"
          ? await esRelay()
          : await outageRelay(h.servers.cassandraHost, h.servers.cassandraPort);
      try {
        const run = slowRun(table, store, outage, "60s");
        await run.saw('"progress"');
        await outage.cut();
        await run.saw("failed transiently; trying again");
        await outage.restore();
        const { code, stdout, stderr } = await run.exited;
        assert.equal(code, EXIT.success, stderr);
        const summary = JSON.parse(stdout) as { totals: { written: number; deadLettered: number } };
        assert.equal(summary.totals.deadLettered, 0);
        assert.equal(await documents(table), ROWS);
        const state = new FileStateStore({ directory: h.stateDir });
        assert.notEqual(await state.getCheckpoint(table), undefined);
      } finally {
        await outage.close();
      }
    });
  }

  it("stops with exit 5 and an unmoved checkpoint when the store stays away past --retry-window", async () => {
    const outage = await esRelay();
    try {
      const run = slowRun("gone", "es", outage, "2s");
      await run.saw('"progress"');
      await outage.cut();
      const { code, stderr, stdout } = await run.exited;
      assert.equal(code, EXIT.unreachable, stderr);
      const summary = JSON.parse(stdout) as { error: { message: string } };
      assert.match(summary.error.message, new RegExp(`^${h.es.productName} could not write to index `));
      assert.match(summary.error.message, new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${outage.port}`));
      // Past the two-second window; not after the client's own slower retries.
      assert.ok((summary as unknown as { durationMs: number }).durationMs < 15_000, stdout);
      // Every request in flight retried several times within the window: one line says so, not one a
      // retry (each is at --verbose).
      const retryLines = stderr
        .split("\n")
        .filter((line) => line.includes("failed transiently; trying again"));
      assert.equal(retryLines.length, 1, stderr);
      const state = new FileStateStore({ directory: h.stateDir });
      assert.equal(await state.getCheckpoint("gone"), undefined);
    } finally {
      await outage.close();
    }
  });

  it("says a failed run left its lease held, and until when, when the state store is gone too", async () => {
    const outage = await esRelay();
    const location = h.stateIn("elasticsearch");
    try {
      const run = slowRun("left", "es", outage, "2s", location, ["--state-timeout", "3s"]);
      await run.saw('"progress"');
      await outage.cut();
      const { code, stderr, stdout } = await run.exited;
      assert.equal(code, EXIT.unreachable, stderr);
      const summary = JSON.parse(stdout) as { lease?: { released: boolean; expiresAt: string } };
      const state = await openStateStore(parseStateLocation(location), {
        cassandra: h.cassandra,
        elasticsearch: h.search,
      });
      const lease = await state.getLease("left");
      assert.ok(lease, "the lease the run could not release is still stored");
      assert.deepEqual(
        { released: summary.lease?.released, expiresAt: summary.lease?.expiresAt },
        { released: false, expiresAt: lease.expiresAt.toISOString() },
      );
      const failed = stderr.split("\n").find((line) => line.includes("run failed: "));
      assert.ok(failed, stderr);
      // A new sentence after the failure's own, or a clause after one that does not end.
      assert.match(
        failed,
        new RegExp(
          `(\\. The|; the) lease could not be released and runs out at ${lease.expiresAt.toISOString()}`,
        ),
      );
      // A warning as the release fails, for an alert on warnings: until when, and what to check.
      const warning = stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { level: string; message: string; expiresAt?: string })
        .find((l) => l.message.startsWith("could not release the lease"));
      assert.ok(warning, stderr);
      assert.equal(warning.level, "warn");
      assert.equal(warning.expiresAt, lease.expiresAt.toISOString());
      assert.match(warning.message, /check that this host reaches the state store/);
    } finally {
      await outage.close();
    }
  });

  it("says after SIGTERM when the lease runs out, not that it was released, when the state store is gone", async () => {
    const outage = await esRelay();
    const location = h.stateIn("elasticsearch");
    try {
      const run = slowRun("stopped", "es", outage, "60s", location, ["--state-timeout", "3s"]);
      await run.saw('"progress"');
      await outage.cut();
      await run.saw("failed transiently; trying again");
      run.child.kill("SIGTERM");
      const { code, stderr, stdout } = await run.exited;
      assert.equal(code, EXIT.interrupted, stderr);
      const message = (JSON.parse(stdout) as { error: { message: string } }).error.message;
      assert.doesNotMatch(message, /the lease was released/);
      const state = await openStateStore(parseStateLocation(location), {
        cassandra: h.cassandra,
        elasticsearch: h.search,
      });
      const lease = await state.getLease("stopped");
      assert.ok(lease, "the lease the run could not release is still stored");
      assert.match(
        message,
        new RegExp(`the lease could not be released and runs out at ${lease.expiresAt.toISOString()}`),
      );
      assert.equal(await state.getCheckpoint("stopped"), undefined);
    } finally {
      await outage.close();
    }
  });
});
