// A real restart of each server in the middle of a run, as in a rolling restart of a cluster: the
// scripts that started the server stop it and start it again, and the run rides through within
// --retry-window and finishes with nothing lost. The test runs only against servers the test command
// started itself (it lists them in SYNCED_TEST_RESTARTABLE): it never restarts someone else's server.
// The search side is the servers.sh node SYNCED_TEST_SEARCH_NODE names (elasticsearch by default), so
// the compatibility runs restart their OpenSearch node the same way.
import assert from "node:assert/strict";
import { execFile, type ChildProcess } from "node:child_process";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";
import { watch, type Watched } from "../support/watch.js";

const ROWS = 2000;
const SCRIPTS = fileURLToPath(new URL("../../../scripts/", import.meta.url));
const restartable = new Set((process.env["SYNCED_TEST_RESTARTABLE"] ?? "").split(/\s+/).filter(Boolean));

const SEARCH_NODE = process.env["SYNCED_TEST_SEARCH_NODE"] ?? "elasticsearch";

type Server = "cassandra" | "elasticsearch";

/** The servers.sh name of the node behind a side. */
function node(server: Server): string {
  return server === "cassandra" ? "cassandra" : SEARCH_NODE;
}

/** What the run's retry line names: the product behind the side. */
function product(server: Server): string {
  if (server === "cassandra") return "Cassandra";
  return SEARCH_NODE.startsWith("opensearch") ? "OpenSearch" : "Elasticsearch";
}

/** Runs scripts/servers.sh stop|start on the node, with the test command's environment (ports, heap). */
function serverScript(server: Server, action: "stop" | "start"): Promise<void> {
  const args = [`${SCRIPTS}servers.sh`, action, node(server)];
  return new Promise((resolve, reject) => {
    execFile("bash", args, { timeout: 300_000 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(`servers.sh ${action} ${node(server)} failed: ${error.message}\n${stdout}${stderr}`),
        );
      else resolve();
    });
  });
}

/** How long the run may take to retry once its server is gone: its first retry comes at once. */
const SAW_RETRY_MS = 90_000;
/** How long the run may take to finish once its server is back: its retries wait 5 s at most. */
const FINISH_MS = 90_000;

/** The run's exit, or a failure with what it printed once `ms` pass (it is killed then). */
async function exitedWithin(
  run: Watched,
  child: ChildProcess,
  ms: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const late = delay(ms, undefined, { ref: false }).then(() => {
    child.kill("SIGKILL");
    throw new Error(
      `the run did not finish within ${ms} ms of its server's restart; it printed:\n${run.stderr()}`,
    );
  });
  return Promise.race([run.exited, late]);
}

function skipReason(server: Server): string | false {
  return restartable.has(node(server))
    ? false
    : `restarts only a ${node(server)} that the test command started (SYNCED_TEST_RESTARTABLE)`;
}

describe("a server restarted in the middle of a run", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("restart");
  });
  after(() => h.cleanup());

  /** One table read from Cassandra and one read from Elasticsearch, `ROWS` records each. */
  async function tables(suffix: string): Promise<{ fromCassandra: string; fromEs: string }> {
    const fromCassandra = `fromcass_${suffix}`;
    const fromEs = `fromes_${suffix}`;
    for (const table of [fromCassandra, fromEs]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
      );
    }
    const at = new Date(Date.now() - 60_000);
    const rows = Array.from({ length: ROWS }, (_, i) => [cassandra.types.Uuid.random(), at, i]);
    await cassandra.concurrent.executeConcurrent(
      h.cassandra,
      `INSERT INTO ${h.keyspace}.${fromCassandra} (id, tmstmp, v) VALUES (?, ?, ?)`,
      rows,
      { concurrencyLevel: 32 },
    );
    // synced makes the index with its mapping; the documents then come from "another application".
    const created = await h.run(["--tables", fromEs, "--name", `create-${suffix}`]);
    assert.equal(created.code, EXIT.success, JSON.stringify(created.summary));
    const operations = Array.from({ length: ROWS }, (_, i) => {
      const id = cassandra.types.Uuid.random().toString();
      return [{ index: { _index: `${h.index}-${fromEs}`, _id: id } }, { id, tmstmp: at.toISOString(), v: i }];
    }).flat();
    const bulk = await h.es.bulk({ operations, refresh: true });
    assert.equal(bulk.errors, false);
    return { fromCassandra, fromEs };
  }

  async function rows(table: string): Promise<number> {
    const result = await h.cassandra.execute(`SELECT count(*) AS n FROM ${h.keyspace}.${table}`);
    return Number(result.first()["n"]);
  }

  /** Documents in a table's index; 0 until the run has created it and its shard has started. */
  async function documents(table: string): Promise<number> {
    const index = `${h.index}-${table}`;
    try {
      await h.es.indices.refresh({ index, ignore_unavailable: true });
      return (await h.es.count({ index, ignore_unavailable: true })).count;
    } catch (error) {
      // An index just created answers so until its primary shard has started.
      if (error instanceof Error && error.message.includes("no_shard_available_action_exception")) return 0;
      throw error;
    }
  }

  for (const server of ["elasticsearch", "cassandra"] as const) {
    const name = server === "elasticsearch" ? "the search server" : "Cassandra";
    it(`rides through a restart of ${name} and loses nothing`, { skip: skipReason(server) }, async (t) => {
      const { fromCassandra, fromEs } = await tables(server.slice(0, 4));
      const child = h.spawnCli([
        ...h.baseArgs(),
        ...["--tables", `${fromCassandra},${fromEs}`, "--direction", "both", "-b", "0", "--json"],
        ...["--batch-size", "20", "--concurrency", "1", "--retry-window", "180s"],
        // Held still while a server stops (below), the run renews no lease meanwhile: one that
        // outlives the longest stop keeps the hold from costing the run its lease.
        ...["--lease-ttl", "5m"],
      ]);
      const run = watch(child);
      // Stopped while records move through the server under test: its reads (a table read from it)
      // and its writes (the other table, written to it) are both under way at some point of the run.
      const moved = (): Promise<number> =>
        server === "elasticsearch" ? rows(fromEs) : documents(fromCassandra);
      let movedBefore = await moved();
      while (movedBefore === 0 && child.exitCode === null) {
        await delay(20);
        movedBefore = await moved();
      }
      // Held still while its server stops, so that the restart lands in the middle of the run: a stop
      // takes seconds on a busy machine, and a run left going could finish within them, with nothing
      // left to ride through.
      child.kill("SIGSTOP");
      assert.equal(child.exitCode, null, "the run ended before the restart could happen");
      let started = false;
      // See Harness.reopenCassandra: this session must not live through the restart.
      if (server === "cassandra") await h.cassandra.shutdown();
      try {
        const stopped = performance.now();
        await serverScript(server, "stop");
        child.kill("SIGCONT");
        // Bounded, as every wait here: a run that neither retries nor exits fails the test with what
        // it printed, and the server is started again for the tests that follow.
        await run.saw(`${product(server)} failed transiently; trying again`, SAW_RETRY_MS);
        await serverScript(server, "start");
        started = true;
        const away = Math.round((performance.now() - stopped) / 1000);
        t.diagnostic(`${name} stopped after ${movedBefore} of ${ROWS} records moved, away for ${away} s`);
      } finally {
        if (!started) {
          child.kill("SIGKILL");
          await serverScript(server, "start");
        }
        if (server === "cassandra") await h.reopenCassandra();
      }
      const { code, stdout, stderr } = await exitedWithin(run, child, FINISH_MS);
      assert.equal(code, EXIT.success, stderr);
      if (server === "elasticsearch" && movedBefore < ROWS - 200) {
        // Far from the end of its read, which a restart cut: the read started over. A scroll page that
        // failed is not asked for again, so an OpenSearch read may start over before finding its
        // contexts gone.
        const product = h.es.productName;
        assert.match(
          stderr,
          new RegExp(`${product} lost the point in time of a read|a page of a read from ${product} failed`),
        );
      }
      const summary = JSON.parse(stdout) as { totals: { deadLettered: number } };
      assert.equal(summary.totals.deadLettered, 0, stdout);
      assert.equal(await documents(fromCassandra), ROWS);
      assert.equal(await rows(fromEs), ROWS);
    });
  }
});
