// `synced watch` as a long-running process: it runs again and again, serves /metrics (read with a
// parser of the exposition format) and /healthz, reports a failing store on /healthz, names a table it
// reads far more than its range held in one cycle only, and stops on SIGTERM with its lease released.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness } from "../support/harness.js";
import { sample } from "../support/metrics-listener.js";
import { watch, type Watched } from "../support/watch.js";
import { stallingRelay } from "../support/tcp.js";
import { until } from "../support/until.js";

describe("synced watch", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("watch");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
  });
  after(() => h.cleanup());

  async function start(
    args: readonly string[],
    every = "1s",
  ): Promise<{ run: Watched; url: string; kill: () => void }> {
    const child = h.spawnCli(["watch", ...args, "--every", every, "--listen", "127.0.0.1:0"]);
    const run = watch(child);
    await run.saw("/metrics and /healthz on http://");
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stderr())?.[1];
    assert.ok(url !== undefined, run.stderr());
    return { run, url, kill: () => child.kill("SIGTERM") };
  }

  const runs = async (url: string, outcome: string): Promise<number> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return sample(parsePrometheusTextFormat(text), "synced_runs_total", { outcome }) ?? 0;
  };

  it("runs again and again, serves its metrics and health, and stops on SIGTERM", async () => {
    const { run, url, kill } = await start([...h.baseArgs(), "--name", "watched"]);
    try {
      await until("a first run", async () => ((await runs(url, "success")) >= 1 ? true : undefined));
      // A row written now is synced by a later run of the same process.
      const id = cassandra.types.Uuid.random().toString();
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, 1)`,
        [id, new Date()],
        { prepare: true },
      );
      await until("the row in Elasticsearch", async () => {
        const found = await h.es.exists({ index: `${h.index}-things`, id });
        return found ? true : undefined;
      });
      // A run counts its records once it has ended, a moment after its writes are visible.
      const text = await until("the written row counted", async () => {
        const body = await (await fetch(`${url}/metrics`)).text();
        const written = sample(parsePrometheusTextFormat(body), "synced_records_written_total", {
          table: "things",
          direction: "to-es",
        });
        return (written ?? 0) >= 1 ? body : undefined;
      });
      // The first run found the table empty: the row was counted by a later one.
      assert.ok(
        (sample(parsePrometheusTextFormat(text), "synced_runs_total", { outcome: "success" }) ?? 0) >= 2,
      );
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, "ok");
      // A probe or a load balancer that asks with HEAD gets the same answer, without the body.
      const head = await fetch(`${url}/metrics`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal((await fetch(`${url}/healthz`, { method: "HEAD" })).status, 200);
      assert.equal((await fetch(`${url}/metrics`, { method: "POST" })).headers.get("allow"), "GET, HEAD");
    } finally {
      kill();
    }
    const { code, stderr } = await run.exited;
    assert.equal(code, EXIT.interrupted, stderr);
    assert.match(stderr, /stopped watching/);
    assert.equal(await new FileStateStore({ directory: h.stateDir }).getLease("watched"), undefined);
  });

  // Tried as an operator would: a SIGTERM while the watch waited for its next run said it gave up the
  // reads and writes in flight, where there were none.
  it("says a SIGTERM between runs gives up nothing, as no run is in progress", async () => {
    const { run, url, kill } = await start([...h.baseArgs(), "--name", "between"], "1h");
    try {
      await until("a first run ended", async () => {
        const body = (await (await fetch(`${url}/healthz`)).json()) as { runs: number };
        return body.runs >= 1 ? true : undefined;
      });
    } finally {
      kill();
    }
    const { code, stderr } = await run.exited;
    assert.equal(code, EXIT.interrupted, stderr);
    assert.match(
      stderr,
      /received SIGTERM between runs: stopping; no run was in progress, so nothing is given up/,
    );
    assert.doesNotMatch(stderr, /in flight/);
  });

  it("repairs with --verify-every what no run's look-back window reaches", async () => {
    const id = cassandra.types.Uuid.random().toString();
    const hour = 3_600_000;
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, 1)`,
      [id, new Date(Date.now() - 2 * hour)],
      { prepare: true },
    );
    const first = await h.run(["--name", "repaired"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    // A change dated an hour back, long before the checkpoint and its 10-minute window.
    await h.es.index({
      index: `${h.index}-things`,
      id,
      document: { id, tmstmp: new Date(Date.now() - hour).toISOString(), n: 2 },
      refresh: true,
    });
    const { run, url, kill } = await start([...h.baseArgs(), "--name", "repaired", "--verify-every", "1m"]);
    try {
      await until("the change repaired into Cassandra", async () => {
        const rows = await h.cassandra.execute(`SELECT n FROM ${h.keyspace}.things WHERE id = ?`, [id], {
          prepare: true,
        });
        return rows.rows[0]?.["n"] === 2 ? true : undefined;
      });
      const repaired = await until("the repair counted", async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        const metrics = parsePrometheusTextFormat(text);
        const count = sample(metrics, "synced_repaired_records_total", {
          table: "things",
          side: "elasticsearch",
        });
        return (count ?? 0) >= 1 ? metrics : undefined;
      });
      assert.equal(sample(repaired, "synced_verify_unresolved", {}), 0);
    } finally {
      kill();
    }
    const { code, stderr } = await run.exited;
    assert.equal(code, EXIT.interrupted, stderr);
    assert.match(stderr, /verifying with repair \(--verify-every\)/);
  });

  it("says on /healthz that its runs fail, and goes on trying", async () => {
    const args = h.argsWith({ "--es-nodes": "http://127.0.0.1:1" });
    const { run, url, kill } = await start([...args, "--name", "failing", "--retry-window", "0s"]);
    try {
      await until("a failed run", async () => ((await runs(url, "failed")) >= 2 ? true : undefined));
      // Runs that never reached the stores set no gauge but how long they took: none else is served,
      // rather than a last success in 1970 or no differences left by a verify that never ran. (The
      // time without progress is served only while a run goes on, which a scrape may meet.)
      const families = parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text());
      assert.deepEqual(
        families
          .filter(
            (family) => family.type === "GAUGE" && family.name !== "synced_run_without_progress_seconds",
          )
          .map((family) => family.name),
        ["synced_run_duration_seconds"],
      );
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 503);
      const body = (await health.json()) as { status: string; lastExit: number };
      assert.deepEqual([body.status, body.lastExit], ["failing", EXIT.unreachable]);
      // Alive all the same: a restart would not mend a store that is down.
      const live = await fetch(`${url}/livez`);
      assert.equal(live.status, 200);
      assert.equal(((await live.json()) as { status: string }).status, "ok");
    } finally {
      kill();
    }
    const { code, stderr } = await run.exited;
    assert.equal(code, EXIT.interrupted);
    // Each failed cycle says why in an error line, which an alert on the log's errors counts.
    const failures = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line["level"] === "error");
    assert.ok(failures.length >= 2, stderr);
    for (const line of failures) {
      assert.match(
        String(line["message"]),
        /^run failed: cannot reach Elasticsearch at http:\/\/127\.0\.0\.1:1/,
      );
      assert.equal(line["exitCode"], EXIT.unreachable);
    }
  });

  // Tried as an operator whose liveness probe asks /healthz would: a run held by a store that keeps
  // the connection but stops answering left /healthz on the last finished run's 200 for good.
  it("fails /healthz, saying why, once a run has gone --stalled-after without progress", async () => {
    await h.cassandra.execute(
      `CREATE TABLE IF NOT EXISTS ${h.keyspace}.stalled (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.stalled (id, tmstmp, n) VALUES (uuid(), ?, 1)`,
      [new Date(Date.now() - 60_000)],
      { prepare: true },
    );
    const search = new URL(h.servers.elasticsearchUrl);
    const relay = await stallingRelay(search.hostname, Number(search.port), "POST /_bulk");
    const args = h.argsWith({ "--es-nodes": `${search.protocol}//${search.hostname}:${relay.port}` });
    try {
      const { run, url, kill } = await start([
        ...args,
        ...["--name", "stalled", "--tables", "stalled", "--direction", "to-es", "--stalled-after", "2s"],
      ]);
      try {
        await relay.stalled;
        const body = await until("/healthz failing", async () => {
          const health = await fetch(`${url}/healthz`);
          return health.status === 503 ? ((await health.json()) as Record<string, unknown>) : undefined;
        });
        assert.equal(body["status"], "stalled");
        assert.equal(body["runs"], 0);
        assert.match(
          String(body["reason"]),
          /^the run begun at \S+ has shown no progress for \d+s, longer than --stalled-after 2s: a store that keeps the connection but stops answering/,
        );
        assert.equal(typeof (body["running"] as Record<string, unknown>)["since"], "string");
        // What an alert reads before the probe fails: the run has finished no batch for that long.
        const families = parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text());
        assert.ok((sample(families, "synced_run_without_progress_seconds", {}) ?? 0) > 2);
        // The liveness probe's own answer: a restart mends a connection that hangs.
        const live = await fetch(`${url}/livez`);
        assert.equal(live.status, 503);
        assert.equal(((await live.json()) as { status: string }).status, "stalled");
      } finally {
        kill();
      }
      const { code, stderr } = await run.exited;
      assert.equal(code, EXIT.interrupted, stderr);
      // 2s is far below what a run riding through a store's restart goes without a batch: told at start.
      assert.match(
        stderr,
        /"level":"warn".*"--stalled-after 2s is not above --retry-window 1m plus a minute/,
      );
    } finally {
      await relay.close();
    }
  });

  /**
   * A watch given `range` (-b or -e), stopped after a run were it accepted: `mark` is what a watch that
   * accepted it would log, so the test is bounded either way.
   */
  const refusedWatch = async (
    name: string,
    range: readonly string[],
    mark: string,
  ): Promise<{ code: number | null; stderr: string }> => {
    const child = h.spawnCli([
      "watch",
      ...h.baseArgs(),
      ...["--name", name, ...range, "--every", "1s", "--listen", "127.0.0.1:0"],
    ]);
    const run = watch(child);
    const ended = await Promise.race([
      run.exited,
      run.saw(mark).then(
        () => undefined,
        () => run.exited,
      ),
    ]);
    if (ended === undefined) child.kill("SIGTERM");
    return run.exited;
  };

  it("refuses -e before its first run: every run would end at the same time, and all but the first fail", async () => {
    // A watch that accepted -e would fail from its second run on.
    const { code, stderr } = await refusedWatch("ended", ["-e", "now"], "is already at or past the end");
    assert.equal(code, EXIT.usage, stderr);
    assert.match(stderr, /-e .*synced watch ends each run at now minus --lag/);
    // Refused before anything was read: no run, so no checkpoint.
    assert.equal(await new FileStateStore({ directory: h.stateDir }).getCheckpoint("ended"), undefined);
  });

  it("refuses -b before its first run: every run would read again from there, a longer range each time", async () => {
    const { code, stderr } = await refusedWatch("begun", ["-b", "now-1h"], "run finished");
    assert.equal(code, EXIT.usage, stderr);
    assert.match(stderr, /-b .*a longer range every time\. synced watch begins each run at the checkpoint/);
    // What to run instead, with commands that exist.
    assert.match(stderr, /synced state set --to <time> --yes/);
    assert.match(stderr, /synced -b <time> -e <time>/);
    assert.equal(await new FileStateStore({ directory: h.stateDir }).getCheckpoint("begun"), undefined);
  });

  it("names a table it reads far more than its range held once, not in every cycle", async () => {
    // Past the notice's minimum of 10,000 rows read, all dated before the range every cycle reads.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.wide (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const old = new Date("2024-01-01T00:00:00.000Z").getTime();
    const rows = Array.from({ length: 10_000 }, (_, i) => [
      cassandra.types.Uuid.random(),
      new Date(old + i),
      i,
    ]);
    await cassandra.concurrent.executeConcurrent(
      h.cassandra,
      `INSERT INTO ${h.keyspace}.wide (id, tmstmp, n) VALUES (?, ?, ?)`,
      rows,
      { concurrencyLevel: 64 },
    );
    const args = [...h.baseArgs(), "--name", "wide", "--tables", "wide", "--direction", "to-es"];
    // Where the watch begins, as its users set it: synced watch refuses -b.
    const set = await h.cli(["state", "set", ...args, "--to", "2025-01-01", "--yes"]);
    assert.equal(set.code, EXIT.success, set.stderr);
    const { run, url, kill } = await start([...args, "--lookback", "0"]);
    try {
      await until("three runs", async () => ((await runs(url, "success")) >= 3 ? true : undefined));
    } finally {
      kill();
    }
    const { code, stderr } = await run.exited;
    assert.equal(code, EXIT.interrupted, stderr);
    const notices = stderr.split("\n").filter((line) => line.includes("read far more than the range held"));
    assert.equal(notices.length, 1, notices.join("\n"));
    assert.match(notices[0] ?? "", /wide \(10,000 rows read, none in range\)/);
  });
});
