// Checkpoints per configuration in each state backend, moved only by contiguous coverage; one run at a
// time per configuration; bad command lines and unreachable stores refused with clear messages.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { version } from "uuid";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { parseStateLocation } from "../../src/core/state-location.js";
import { openStateStore } from "../../src/state/open-state-store.js";
import { STACK_FRAME } from "../support/cli.js";
import { deadLetters, Harness, withoutSelection } from "../support/harness.js";
import { stallingRelay } from "../support/tcp.js";

const seconds = (iso: string): string => String(Date.parse(iso) / 1000);

/**
 * SIGTERM to `child` once the relay in front of a store has stopped answering it, and how the run
 * ended and how long after the signal. A run that ends before the store stalls fails the test.
 */
async function stoppedWhenStalled(
  child: ChildProcess,
  stalled: Promise<unknown>,
): Promise<{ code: number | null; stdout: string; stderr: string; tookMs: number }> {
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const first = await Promise.race([stalled.then(() => "stalled"), exited]);
  assert.equal(first, "stalled", `synced ended before the store stopped answering:\n${stderr}`);
  const signalled = performance.now();
  child.kill("SIGTERM");
  const code = await exited;
  return { code, stdout, stderr, tookMs: performance.now() - signalled };
}

describe("runs and their state", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("runs");
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.t (id uuid PRIMARY KEY, tmstmp timestamp, v int)`);
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.hung (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
  });
  after(() => h.cleanup());

  for (const backend of ["cassandra", "elasticsearch"] as const) {
    it(`keeps checkpoints and run history in ${backend}, moving only with contiguous coverage`, async () => {
      const location =
        backend === "cassandra" ? `cassandra:${h.keyspace}.synced_state` : `es:${h.index}_state`;
      const run = (b: string, e: string) =>
        h.run(["--name", `cp-${backend}`, "-b", b, "-e", e], { state: location });
      const checkpoint = (summary: Record<string, unknown>) =>
        (summary["checkpoint"] as { after: string | null }).after;

      // No checkpoint yet: a range that does not start at the earliest version leaves a gap, so none
      // is saved; from the epoch too, since records may be dated before 1970.
      const gap = await run(seconds("2020-02-01T00:00:00Z"), seconds("2020-03-01T00:00:00Z"));
      assert.equal(gap.code, EXIT.success, JSON.stringify(gap.summary));
      assert.equal(checkpoint(gap.summary), null);
      const fromEpoch = await run("0", seconds("2020-01-01T00:00:00Z"));
      assert.equal(checkpoint(fromEpoch.summary), null);

      const fromEarliest = await run("0001-01-01", seconds("2020-01-01T00:00:00Z"));
      assert.equal(checkpoint(fromEarliest.summary), "2020-01-01T00:00:00.000000Z");
      // A backfill over an older range never moves it back.
      const backfill = await run(seconds("2019-01-01T00:00:00Z"), seconds("2019-06-01T00:00:00Z"));
      assert.equal(checkpoint(backfill.summary), "2020-01-01T00:00:00.000000Z");
      // A range that overlaps it moves it forward.
      const overlap = await run(seconds("2019-12-01T00:00:00Z"), seconds("2020-05-01T00:00:00Z"));
      assert.equal(checkpoint(overlap.summary), "2020-05-01T00:00:00.000000Z");
      // A range past it, with a gap, does not.
      const ahead = await run(seconds("2021-01-01T00:00:00Z"), seconds("2021-02-01T00:00:00Z"));
      assert.equal(checkpoint(ahead.summary), "2020-05-01T00:00:00.000000Z");
      // Without -b, the run begins at the checkpoint.
      const next = await h.run(["--name", `cp-${backend}`], { state: location });
      const range = next.summary["range"] as { begin: string; beginFrom: string };
      assert.deepEqual(range, { ...range, begin: "2020-05-01T00:00:00.000000Z", beginFrom: "checkpoint" });

      const state = await openStateStore(parseStateLocation(location), {
        cassandra: h.cassandra,
        elasticsearch: h.search,
      });
      const history = await state.recentRuns(`cp-${backend}`, 10);
      assert.equal(history.length, 7);
      // Run ids begin with the time their run started: newest first, they sort in reverse.
      for (const run of history) assert.equal(version(run.runId), 7, run.runId);
      assert.deepEqual(
        history.map((r) => r.runId),
        history
          .map((r) => r.runId)
          .sort()
          .reverse(),
      );
      assert.deepEqual(
        history.map((r) => r.outcome),
        Array.from({ length: 7 }, () => "success"),
      );
      assert.equal(history[1]?.checkpointAfter, BigInt(Date.parse("2020-05-01T00:00:00Z")) * 1000n);
      await state.close();
    });
  }

  it("refuses a second concurrent run of the same configuration, and takes over a stale lease", async () => {
    const store = new FileStateStore({ directory: h.stateDir });
    const key = "leased";
    const held = await store.acquireLease(key, "other-run", "elsewhere:42", 60_000);
    assert.equal(held.acquired, true);
    const refused = await h.cli([...h.baseArgs(), "--name", key]);
    assert.equal(refused.code, EXIT.leaseHeld, refused.stderr);
    assert.match(refused.stderr, /another run of this configuration \(state key 'leased'\) is in progress/);
    assert.match(refused.stderr, /elsewhere:42/);

    // A lease that expired (its holder died) is taken over by the next run.
    const stale = await store.acquireLease("stale", "dead-run", "gone:1", 1, new Date(Date.now() - 60_000));
    assert.equal(stale.acquired, true);
    const takeover = await h.run(["--name", "stale"]);
    assert.equal(takeover.code, EXIT.success, JSON.stringify(takeover.summary));
    assert.equal((await store.acquireLease("stale", "probe", "here:1", 1000)).acquired, true);
  });

  it("prints the range it used", async () => {
    const result = await h.cli([
      ...h.baseArgs(),
      "-b",
      "1420070400",
      "-e",
      "1422748800",
      "--name",
      "printed",
    ]);
    assert.equal(result.code, EXIT.success, result.stderr);
    assert.match(result.stdout, /range \[2015-01-01T00:00:00\.000000Z, 2015-02-01T00:00:00\.000000Z\)/);
  });

  it("succeeds with nothing to do when its checkpoint is past now minus a larger --lag", async () => {
    // Tried as an operator would: the lag raised from 0s to an hour between two runs (or the clock set
    // back). Nothing new is in range yet; that is no mistake in the flags, and no reason to fail a
    // CronJob or end a watch.
    const first = await h.run(["--name", "caught-up"]);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const checkpoint = (first.summary["checkpoint"] as { after: string | null }).after;
    assert.notEqual(checkpoint, null);
    const next = await h.cli([...h.argsWith({ "--lag": "1h" }), "--name", "caught-up", "--json"]);
    assert.equal(next.code, EXIT.success, next.stderr);
    const summary = JSON.parse(next.stdout) as Record<string, unknown>;
    assert.deepEqual(summary["tables"], []);
    const after = summary["checkpoint"] as { before: string; after: string; unmoved?: string };
    assert.deepEqual([after.before, after.after], [checkpoint, checkpoint]);
    assert.match(after.unmoved ?? "", /nothing new to sync until .*now minus the lag/);
    const status = await h.cli(["status", ...withoutSelection(h.baseArgs())]);
    assert.equal(status.code, EXIT.success, status.stderr);
    const escaped = (checkpoint ?? "").replace(/\./g, "\\.");
    assert.match(
      status.stdout,
      new RegExp(`success +nothing new: the checkpoint ${escaped} was past now minus the lag \\(`),
    );
    assert.doesNotMatch(status.stderr, /shows every configuration/);
    // Tried as an operator would: -k and --shard were taken in silence, as if they chose what is shown.
    const selected = await h.cli(["status", ...h.baseArgs(), "--shard", "0/4"]);
    assert.equal(selected.code, EXIT.success, selected.stderr);
    assert.match(
      selected.stderr,
      /synced status shows every configuration of the state store, whatever --keyspace, --index, --shard select in a run/,
    );
    assert.equal(selected.stdout, status.stdout);
  });

  // Tried as an operator would: a one-off run with --allow-future-end (as its help offers) moved the
  // checkpoint to its end, an hour ahead; every run after it had nothing to do until then, exit 0, and
  // what was written meanwhile with an earlier tmstmp sat behind the checkpoint for good.
  it("moves the checkpoint of a run to an end after now no further than now minus the lag", async () => {
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    const future = await h.run(["--name", "future", "-b", "0001-01-01", "-e", ahead, "--allow-future-end"]);
    assert.equal(future.code, EXIT.success, JSON.stringify(future.summary));
    const moved = (future.summary["checkpoint"] as { after: string }).after;
    assert.ok(Date.parse(moved) < Date.now(), moved);
    const next = await h.run(["--name", "future"]);
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    assert.equal((next.summary["checkpoint"] as { unmoved?: string }).unmoved, undefined);
  });

  // Tried as an operator would: a backfill with -e a few days ahead and --allow-future-end copied a row
  // dated two days ahead into the index, where it won every comparison until then, though the
  // incremental runs dead-letter it as more than --max-future ahead.
  it("dead-letters a record more than --max-future ahead whatever end after now a run is given", async () => {
    const id = "0ff0ff00-0000-4000-8000-00000000a4ea";
    const dated = new Date(Date.now() + 2 * 86_400_000);
    await h.cassandra.execute(`INSERT INTO ${h.keyspace}.t (id, tmstmp, v) VALUES (?, ?, 1)`, [id, dated], {
      prepare: true,
    });
    try {
      const ahead = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const run = await h.run(["--name", "far-ahead", "-b", "now-1h", "-e", ahead, "--allow-future-end"]);
      assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));
      const letters = (await deadLetters(run.summary)).filter((letter) => letter.id === id);
      assert.equal(letters.length, 1, JSON.stringify(letters));
      assert.match(letters[0]?.reason ?? "", /is far in the future/);
      await h.refresh();
      assert.equal(await h.es.exists({ index: `${h.index}-t`, id }), false);
    } finally {
      await h.cassandra.execute(`DELETE FROM ${h.keyspace}.t WHERE id = ?`, [id], { prepare: true });
      await h.es.delete({ index: `${h.index}-t`, id, refresh: true }).catch(() => undefined);
    }
  });

  // Tried as an operator would: a host whose clock ran two hours fast moved the checkpoint two hours
  // ahead without a word; what the writers wrote in those two hours fell behind it for good.
  it("refuses to run on a host whose clock is ahead of Cassandra's by more than the lag", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clock-"));
    try {
      const fast = join(dir, "fast-clock.mjs");
      // Date.now and new Date() two hours ahead, as a host whose clock runs fast gives them.
      await writeFile(
        fast,
        "const ahead = 7_200_000; const real = Date.now; const RealDate = Date;\n" +
          "Date.now = () => real() + ahead;\n" +
          "globalThis.Date = class extends RealDate { constructor(...a) { super(...(a.length ? a : [real() + ahead])); } };\n" +
          "globalThis.Date.now = Date.now;\n",
      );
      const refused = await h.cli([...h.baseArgs(), "--name", "fast"], { NODE_OPTIONS: `--import ${fast}` });
      assert.equal(refused.code, EXIT.usage, refused.stderr);
      assert.match(
        refused.stderr,
        /flag --lag: this host's clock is 7\d{3}\.\d s ahead of Cassandra's, more than the 0 s lag/,
      );
      const store = new FileStateStore({ directory: h.stateDir });
      assert.equal(await store.getCheckpoint("fast"), undefined);
      // More lag than the difference runs.
      const lagging = await h.cli([...h.argsWith({ "--lag": "3h" }), "--name", "fast"], {
        NODE_OPTIONS: `--import ${fast}`,
      });
      assert.equal(lagging.code, EXIT.success, lagging.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Tried as an operator would: the contact point given with its port (or a node by name, --tables in
  // other case) made another key, so the run read every table again from the earliest version, under
  // a lease of its own, without a word.
  it("says when a configuration without a checkpoint has siblings under other spellings of its options", async () => {
    const first = await h.cli(h.argsWith({ "--cassandra-contact-points": h.servers.cassandraHost }));
    assert.equal(first.code, EXIT.success, first.stderr);
    const respelt = await h.cli(
      h.argsWith({
        "--cassandra-contact-points": `${h.servers.cassandraHost}:${h.servers.cassandraPort}`,
      }),
    );
    assert.equal(respelt.code, EXIT.success, respelt.stderr);
    assert.match(
      respelt.stderr,
      /no checkpoint under this configuration's key \S+, but the state holds .* for the same keyspace and index.*Give --name/,
    );
    const again = await h.cli(h.argsWith({ "--cassandra-contact-points": h.servers.cassandraHost }));
    assert.doesNotMatch(again.stderr, /no checkpoint under this configuration's key/);
  });

  it("asks to check the clock when a checkpoint it finds caught up is ahead of the clock itself", async () => {
    // The checkpoint a minute ahead, as a host whose clock ran fast, then was set back, left it: the
    // runs after it have nothing new until then, and say why that is odd. The look-back window (10
    // minutes) reaches back over what is written meanwhile, so nothing is left behind.
    const store = new FileStateStore({ directory: h.stateDir });
    await store.setCheckpoint("ahead", BigInt(Date.now() + 60_000) * 1000n, "run-ahead", []);
    const next = await h.run(["--name", "ahead"]);
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    const checkpoint = next.summary["checkpoint"] as { before: string; after: string; unmoved?: string };
    assert.equal(checkpoint.after, checkpoint.before);
    assert.match(
      checkpoint.unmoved ?? "",
      /ahead of this host's clock .*check the clock, or move the checkpoint back with synced state set --to/,
    );
  });

  // Tried as an operator would: the checkpoint a day ahead, as a host whose clock ran fast and was set
  // back left it. Every run from cron succeeded with nothing to do (exit 0, an info line, the success
  // metrics pushed), while what the writers wrote that day was dated before the checkpoint and before
  // the look-back window, where no run would ever read it.
  it("refuses a checkpoint ahead of the clock by more than the look-back window, and runs once it is moved back", async () => {
    const store = new FileStateStore({ directory: h.stateDir });
    const ahead = BigInt(Date.now() + 86_400_000) * 1000n;
    await store.setCheckpoint("day-ahead", ahead, "run-ahead", []);
    const id = "5a1c0b6e-3f0d-4a52-9d36-0c8b8f4e9a01";
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.t (id, tmstmp, v) VALUES (?, ?, 1)`,
      [id, new Date()],
      {
        prepare: true,
      },
    );
    const refused = await h.cli([...h.baseArgs(), "--name", "day-ahead", "--json"]);
    assert.equal(refused.code, EXIT.usage, refused.stderr);
    assert.equal(refused.stdout, "");
    assert.match(
      refused.stderr,
      /synced: The checkpoint \S+ is 86\d{3}\.\d s ahead of this host's clock \(\S+\), more than the look-back window \(--lookback, 600\.0 s\): what is written until the clock reaches it is dated before it, and no run would read it\./,
    );
    assert.match(refused.stderr, /synced state set --to now --yes, with this run's options/);
    assert.equal((await store.getCheckpoint("day-ahead"))?.position, ahead);
    assert.equal(await store.getLease("day-ahead"), undefined);

    // Moved back as the message says, the next run copies what was written meanwhile.
    const set = await h.cli(["state", "set", ...h.baseArgs(), "--name", "day-ahead", "--to", "now", "--yes"]);
    assert.equal(set.code, EXIT.success, set.stderr);
    // The record is dated before the checkpoint set to now: the look-back window reads it again.
    const next = await h.run(["--name", "day-ahead"]);
    assert.equal(next.code, EXIT.success, JSON.stringify(next.summary));
    const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-t`, id });
    assert.equal(doc._source?.["v"], 1);
  });

  it("refuses bad ranges and flags with exit code 2 and a message naming the option", async () => {
    const bad = await h.cli([...h.baseArgs(), "-b", "yesterday"]);
    assert.equal(bad.code, EXIT.usage);
    assert.match(bad.stderr, /--begin.*"yesterday".*Accepted forms/s);
    const empty = await h.cli([...h.baseArgs(), "-b", "1422748800", "-e", "1420070400"]);
    assert.equal(empty.code, EXIT.usage);
    assert.match(empty.stderr, /begin/);
    const unknown = await h.cli([...h.baseArgs(), "--tabels", "x"]);
    assert.equal(unknown.code, EXIT.usage);
    assert.match(unknown.stderr, /Unknown option --tabels \(did you mean --tables\?\)/);
  });

  // Tried as an operator would: a --name spelt as another configuration's letters file made a path
  // through that file, and the run stopped at its lease with exit 1 and a raw ENOTDIR.
  it("refuses with exit 2, before connecting, a --name whose place in the state directory a file holds", async () => {
    const letters = join(h.stateDir, "other.dead-letters.ndjson");
    await writeFile(letters, "");
    const byFile = await h.cli([
      ...h.argsWith({ "--es-nodes": "http://127.0.0.1:1" }),
      "--name",
      "other.dead-letters.ndjson",
    ]);
    assert.equal(byFile.code, EXIT.usage, byFile.stderr);
    assert.match(
      byFile.stderr,
      new RegExp(
        `--name: the state name 'other\\.dead-letters\\.ndjson' cannot be used in the state directory ` +
          `${h.stateDir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: ${letters.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is a regular file \\(the dead-letter file of the state name 'other'\\), where this name keeps its checkpoint, lease and runs; choose another --name`,
      ),
    );
    assert.doesNotMatch(byFile.stderr, /ENOTDIR/);
    // Where no file is there yet, the name would still take the place of that configuration's letters.
    await rm(letters);
    const beside = await h.cli([
      ...h.argsWith({ "--es-nodes": "http://127.0.0.1:1" }),
      "--name",
      "other.dead-letters.ndjson",
    ]);
    assert.equal(beside.code, EXIT.usage, beside.stderr);
    assert.match(beside.stderr, /would take the place of the dead-letter file of the state name 'other'/);
  });

  it("says which store cannot be reached, with exit code 5", async () => {
    const cassandraDown = await h.cli(h.argsWith({ "--cassandra-port": "1" }));
    assert.equal(cassandraDown.code, EXIT.unreachable);
    assert.match(cassandraDown.stderr, /cannot reach Cassandra at 127\.0\.0\.1:1/);
    const esDown = await h.cli(h.argsWith({ "--es-nodes": "http://127.0.0.1:1" }));
    assert.equal(esDown.code, EXIT.unreachable);
    assert.match(esDown.stderr, /cannot reach Elasticsearch at http:\/\/127\.0\.0\.1:1/);
  });

  it("says when Cassandra refuses the credentials, with exit code 5", async () => {
    const result = await h.cli(h.baseArgs(), { SYNCED_CASSANDRA_PASSWORD: "wrong" });
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.match(result.stderr, /Cassandra at 127\.0\.0\.1:\d+ refused the credentials of user 'cassandra'/);
    assert.match(result.stderr, /SYNCED_CASSANDRA_PASSWORD/);
    assert.doesNotMatch(result.stderr, /wrong/);
  });

  it("says when Elasticsearch refuses the credentials, with exit code 5", async (t) => {
    if (h.es.product === "opensearch") {
      // OpenSearch's integ-test-zip has no security plugin: it takes any login.
      t.skip("this OpenSearch asks for no login");
      return;
    }
    const result = await h.cli(h.baseArgs(), { SYNCED_ES_PASSWORD: "wrong" });
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.match(result.stderr, /Elasticsearch at http:\/\/127\.0\.0\.1:\d+ refused the credentials \(401\)/);
    assert.doesNotMatch(result.stderr, /wrong/);
  });

  it("stops cleanly on SIGTERM: the lease is released and the checkpoint does not move", async () => {
    const insert = `INSERT INTO ${h.keyspace}.t (id, tmstmp, v) VALUES (uuid(), ?, ?)`;
    const at = new Date(Date.now() - 60_000);
    for (let i = 0; i < 400; i++) await h.cassandra.execute(insert, [at, i], { prepare: true });
    const store = new FileStateStore({ directory: h.stateDir });
    const child = h.spawnCli([
      ...h.baseArgs(),
      "--name",
      "interrupted",
      "--batch-size",
      "1",
      "--concurrency",
      "1",
    ]);
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("range [")) resolve();
      });
    });
    child.kill("SIGTERM");
    assert.equal(await exited, EXIT.interrupted, stderr);
    assert.equal(await store.getCheckpoint("interrupted"), undefined);
    assert.equal((await store.acquireLease("interrupted", "probe", "here:1", 1000)).acquired, true);
    const [last] = await store.recentRuns("interrupted", 1);
    assert.ok(last, "the interrupted run is in the history");
    assert.equal(last.outcome, "interrupted");
    assert.match(last.message ?? "", /SIGTERM/);
  });

  // Tried as an operator whose CronJob pods get SIGTERM, then SIGKILL after the grace period, would: a
  // store that keeps the connection but stops answering held a stopped run until the request timed
  // out a minute later, so the pod was killed first and its lease stayed held.
  // The reads before the lease (the nodes' request size limit, the keyspace's replication) were not
  // cut short either: a stop there waited out the minute too.
  // Nor were the schema's requests while the run plans (reading both schemas, creating an index), nor
  // the read of Cassandra's clock: cut short, a stop while planning lost the run's summary and history.
  // A read of the index, given up, left its point in time open for its keep-alive: it is closed
  // without the stop, and no longer than a short wait of its own.
  const hangs: readonly {
    hung: "search" | "cassandra";
    marker: string | ((index: string) => string);
    when: string;
    table?: string;
    direction?: string;
  }[] = [
    { hung: "search", marker: "POST /_bulk", when: "a request" },
    { hung: "cassandra", marker: "token(", when: "a request" },
    { hung: "search", marker: "GET /_nodes/http", when: "a read before the lease" },
    {
      hung: "cassandra",
      marker: "replication FROM system_schema.keyspaces",
      when: "a read before the lease",
    },
    { hung: "cassandra", marker: "toUnixTimestamp(now())", when: "the read of its clock before the lease" },
    {
      hung: "cassandra",
      marker: "column_name, kind, position, type FROM system_schema.columns",
      when: "a read while it plans",
    },
    // The index of a table no run made one for yet: the request that would create it is never sent.
    {
      hung: "search",
      marker: (index) => `PUT /${index}-unplanned`,
      when: "a request while it plans",
      table: "unplanned",
    },
    { hung: "search", marker: "_search", when: "a read", direction: "to-cassandra" },
  ];
  for (const [n, { hung, marker, when, table = "hung", direction = "to-es" }] of hangs.entries()) {
    it(`stops within seconds on SIGTERM while ${hung === "search" ? "the search store" : "Cassandra"} does not answer ${when}`, async () => {
      const name = `hung-${n}`;
      await h.cassandra.execute(
        `CREATE TABLE IF NOT EXISTS ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
      );
      const insert = `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, v) VALUES (uuid(), ?, ?)`;
      for (let i = 0; i < 3; i++)
        await h.cassandra.execute(insert, [new Date(Date.now() - 60_000), i], { prepare: true });
      const search = new URL(h.servers.elasticsearchUrl);
      const marks = typeof marker === "string" ? marker : marker(h.index);
      const relay =
        hung === "search"
          ? await stallingRelay(search.hostname, Number(search.port), marks)
          : await stallingRelay(h.servers.cassandraHost, h.servers.cassandraPort, marks);
      const replaced =
        hung === "search"
          ? { "--es-nodes": `${search.protocol}//${search.hostname}:${relay.port}` }
          : { "--cassandra-port": String(relay.port) };
      try {
        const { code, stdout, stderr, tookMs } = await stoppedWhenStalled(
          h.spawnCli([...h.argsWith(replaced), "--name", name, "--tables", table, "--direction", direction]),
          relay.stalled,
        );
        assert.equal(code, EXIT.interrupted, stderr);
        assert.ok(tookMs < 10_000, `the stop took ${Math.round(tookMs)} ms:\n${stderr}`);
        assert.doesNotMatch(stderr, STACK_FRAME);
        const store = new FileStateStore({ directory: h.stateDir });
        assert.equal(await store.getCheckpoint(name), undefined);
        const next = await store.acquireLease(name, "probe", "here:1", 1000);
        assert.ok(next.acquired && next.tookOverFrom === undefined, "the lease was released");
        await store.releaseLease(next.lease);
        const [last] = await store.recentRuns(name, 1);
        // Stopped before its lease, the run had not begun: there is no run to record.
        const begun = !when.endsWith("before the lease");
        assert.equal(last?.outcome, begun ? "interrupted" : undefined);
        // Its summary says so, as any stopped run's does.
        if (begun) assert.match(stdout, /^outcome: interrupted, /m, stderr);
      } finally {
        await relay.close();
      }
    });
  }

  // Tried as an operator whose state lives in the search cluster, as a CronJob's must: when that
  // cluster stopped answering, a stopped run waited --state-timeout for the lease's release and its
  // history, as documented, and again for each read its summary adds (the letters waiting, those of
  // other shard counts), past any grace period before its SIGKILL, so no summary was printed.
  it("ends a stopped run soon after its lease's release and history when its state store does not answer", async () => {
    const insert = `INSERT INTO ${h.keyspace}.hung (id, tmstmp, v) VALUES (uuid(), ?, ?)`;
    await h.cassandra.execute(insert, [new Date(Date.now() - 60_000), 1], { prepare: true });
    const search = new URL(h.servers.elasticsearchUrl);
    const relay = await stallingRelay(search.hostname, Number(search.port), "POST /_bulk");
    const stateTimeoutS = 3;
    try {
      const child = h.spawnCli([
        ...h.argsWith({
          "--es-nodes": `${search.protocol}//${search.hostname}:${relay.port}`,
          "--state": h.stateIn("elasticsearch"),
        }),
        ...["--state-timeout", `${stateTimeoutS}s`, "--name", "hung-state", "--tables", "hung"],
        ...["--direction", "to-es"],
      ]);
      const { code, stdout, stderr, tookMs } = await stoppedWhenStalled(child, relay.stalled);
      assert.equal(code, EXIT.interrupted, stderr);
      // The release and the history, each within --state-timeout; the rest within seconds. The bound
      // leaves a loaded machine room, and is still far below the 60 s that the client's close waited.
      assert.ok(
        tookMs < 2 * stateTimeoutS * 1000 + 24_000,
        `the stop took ${Math.round(tookMs)} ms:\n${stderr}`,
      );
      assert.match(stdout, /^outcome: interrupted, /m, stderr);
    } finally {
      await relay.close();
    }
  });

  it("lets the next run on this host in at once after a run was killed with SIGKILL", async () => {
    const store = new FileStateStore({ directory: h.stateDir });
    const args = [...h.baseArgs(), "--name", "killed"];
    const child = h.spawnCli([...args, "--batch-size", "1", "--concurrency", "1"]);
    let stderr = "";
    const exited = new Promise<NodeJS.Signals | null>((resolve) => {
      child.on("exit", (_, signal) => {
        resolve(signal);
      });
    });
    await new Promise<void>((resolve) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("range [")) resolve();
      });
    });
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");
    assert.equal(await store.getCheckpoint("killed"), undefined);
    // Tried as an operator would: synced status said the lease was held until a minute later, as if
    // the run were still at work, and its --json said the same (live), where the next run takes it at once.
    const status = await h.cli(["status", ...withoutSelection(h.baseArgs())]);
    assert.equal(status.code, EXIT.success, status.stderr);
    assert.match(
      status.stdout,
      /^killed\n(?:.*\n)*? {2}lease {7}held: run \S+ on \S+ until \S+, but its process is gone \(no process of this host has pid \d+\): the next run here takes it over at once$/m,
    );
    const json = await h.cli(["status", ...withoutSelection(h.baseArgs()), "--json"]);
    const shown = (
      JSON.parse(json.stdout) as {
        configurations: { key: string; lease: { live: boolean; holderGone: boolean } | null }[];
      }
    ).configurations.find((c) => c.key === "killed");
    assert.deepEqual(shown?.lease && { live: shown.lease.live, holderGone: shown.lease.holderGone }, {
      live: true,
      holderGone: true,
    });
    const next = await h.cli(args);
    assert.equal(next.code, EXIT.success, next.stderr);
    // Its lease had a minute left: it was taken over because its holder is gone, not because it expired.
    assert.match(next.stderr, /took over the lease of a run that is no longer running/);
    assert.notEqual(await store.getCheckpoint("killed"), undefined);
  });
});
