// Metrics pushed at the end of a run (--pushgateway), as a CronJob does: a real HTTP listener takes
// the push where a Pushgateway would, and a parser of the exposition format reads it.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness } from "../support/harness.js";
import { pushListener, sample, type MetricsListener } from "../support/metrics-listener.js";

describe("metrics pushed to a Pushgateway", () => {
  let h: Harness;
  let gateway: MetricsListener;
  before(async () => {
    h = await Harness.create("metrics");
    gateway = await pushListener();
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    const at = new Date(Date.now() - 5_000);
    for (let i = 0; i < 7; i++) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, ?)`,
        [cassandra.types.Uuid.random(), at, i],
        { prepare: true },
      );
    }
  });
  after(async () => {
    await gateway.close();
    await h.cleanup();
  });

  it("pushes the run's counts, duration, last success and checkpoint lag, grouped by the state key", async () => {
    const started = Date.now() / 1000;
    const result = await h.cli([
      ...h.baseArgs(),
      "--name",
      "metrics-run",
      "--pushgateway",
      `${gateway.url}/`,
      "--json",
    ]);
    assert.equal(result.code, EXIT.success, result.stderr);
    assert.equal(gateway.pushes.length, 1);
    const [push] = gateway.pushes;
    assert.ok(push !== undefined);
    // PUT replaces the group: each run's push stands for that run alone.
    assert.deepEqual([push.method, push.path], ["PUT", "/metrics/job/synced/key/metrics-run"]);
    const labels = { table: "things", direction: "to-es" };
    assert.equal(sample(push.families, "synced_records_scanned_total", labels), 7);
    assert.equal(sample(push.families, "synced_records_written_total", labels), 7);
    assert.equal(sample(push.families, "synced_records_dead_lettered_total", labels), 0);
    assert.equal(sample(push.families, "synced_runs_total", { outcome: "success" }), 1);
    const summary = JSON.parse(result.stdout) as { durationMs: number };
    assert.equal(sample(push.families, "synced_run_duration_seconds"), summary.durationMs / 1000);
    const success = sample(push.families, "synced_last_success_timestamp_seconds") ?? 0;
    assert.ok(success >= started && success <= Date.now() / 1000, String(success));
    // The harness runs with --lag 0s: the checkpoint is at most the run's length behind.
    const lag = sample(push.families, "synced_checkpoint_lag_seconds") ?? -1;
    assert.ok(lag >= 0 && lag < 60, String(lag));
    assert.equal(push.families.find((f) => f.name === "synced_records_scanned_total")?.type, "COUNTER");
    // A run verifies nothing: the gauges of a verify are left out, not pushed as 0.
    const names = push.families.map((f) => f.name);
    assert.ok(!names.includes("synced_verify_unresolved"), names.join(", "));
    assert.ok(!names.includes("synced_last_verify_timestamp_seconds"), names.join(", "));
  });

  // Tried as an operator would: a CronJob's run failed once, and its push replaced the group without a
  // time of success, so the dashboard showed no data where the last success was minutes before.
  it("pushes the time of the last success from the state store when a run fails", async () => {
    const [earlier] = await new FileStateStore({ directory: h.stateDir }).recentRuns("metrics-run", 1);
    assert.equal(earlier?.outcome, "success", "the first test's run succeeded");
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, ?)`,
      [cassandra.types.Uuid.random(), new Date(Date.now() - 5_000), 8],
      { prepare: true },
    );
    const blocked = { index: `${h.index}-things`, settings: { "index.blocks.write": true } };
    await h.es.indices.putSettings(blocked);
    try {
      const result = await h.cli([...h.baseArgs(), "--name", "metrics-run", "--pushgateway", gateway.url]);
      assert.equal(result.code, EXIT.failure, result.stderr);
    } finally {
      await h.es.indices.putSettings({ ...blocked, settings: { "index.blocks.write": null } });
    }
    const push = gateway.pushes.at(-1);
    assert.ok(push !== undefined);
    assert.equal(sample(push.families, "synced_runs_total", { outcome: "failed" }), 1);
    assert.equal(
      sample(push.families, "synced_last_success_timestamp_seconds"),
      earlier.finishedAt.getTime() / 1000,
    );
  });

  it("pushes nothing from a dry run or a plan, which would replace the last real run's metrics", async () => {
    const before = gateway.pushes.length;
    for (const command of [["--dry-run"], ["plan"]]) {
      const result = await h.cli([
        ...command,
        ...h.baseArgs(),
        "--name",
        "metrics-run",
        "--pushgateway",
        gateway.url,
      ]);
      assert.equal(result.code, EXIT.success, result.stderr);
    }
    assert.equal(gateway.pushes.length, before);
  });

  it("keeps the run's result when the Pushgateway cannot be reached, and says so", async () => {
    const closed = await pushListener();
    await closed.close();
    const result = await h.cli([...h.baseArgs(), "--name", "metrics-gone", "--pushgateway", closed.url]);
    assert.equal(result.code, EXIT.success, result.stderr);
    // A warning: the run's data is fine, its metrics are lost, and someone has to look at the gateway.
    const line = pushgatewayLine(result.stderr);
    assert.ok(line, result.stderr);
    assert.equal(line.level, "warn");
    assert.match(
      line.message,
      /^could not push the metrics to the Pushgateway http:\/\/127\.0\.0\.1:\d+: this run's metrics are lost, and its result stands; check that a Pushgateway runs at that address and answers this host within --connect-timeout, and the login in the URL if it asks for one$/,
    );
    assert.match(line.error ?? "", /ECONNREFUSED/);
  });

  // Tried as an operator would: a proxy before the Pushgateway refused the PUT with its HTML page,
  // every line of which went into the warning's error field.
  it("says the status of a push the gateway refused, with a short excerpt of its page on one line", async () => {
    const page =
      "<html>\r\n<head><title>501 Not Implemented</title></head>\r\n<body>\r\n" +
      "<center><h1>501 Not Implemented</h1></center>\r\n<hr><center>nginx</center>\r\n" +
      `<!-- ${"padding ".repeat(500)} -->\r\n</body>\r\n</html>\r\n`;
    const proxy = createHttpServer((request, response) => {
      request.resume();
      request.on("end", () => response.writeHead(501, { "content-type": "text/html" }).end(page));
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const port = (proxy.address() as AddressInfo).port;
    try {
      const result = await h.cli([
        ...h.baseArgs(),
        ...["--name", "metrics-refused", "--pushgateway", `http://127.0.0.1:${port}`],
      ]);
      assert.equal(result.code, EXIT.success, result.stderr);
      const line = pushgatewayLine(result.stderr);
      assert.ok(line, result.stderr);
      assert.equal(line.level, "warn");
      assert.equal(
        line.error,
        "the Pushgateway answered with status 501: 501 Not Implemented 501 Not Implemented nginx",
      );
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  // Tried as an operator would: Kubernetes sent SIGTERM while a run pushed to a Pushgateway that took
  // the connection and never answered. The run waited out --connect-timeout without a word about the
  // signal, where the README says the log tells that a signal after the last batch came too late.
  it("stops waiting for a Pushgateway that does not answer at SIGTERM, keeping the run's result and saying so", async () => {
    let connected: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const child = h.spawnCli([
        ...h.baseArgs(),
        "--name",
        "metrics-stopped",
        "--pushgateway",
        `http://127.0.0.1:${port}`,
        "--connect-timeout",
        "20s",
      ]);
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      await reached;
      const signalled = Date.now();
      child.kill("SIGTERM");
      assert.equal(await exited, EXIT.success, stderr);
      assert.ok(Date.now() - signalled < 5_000, `it ended ${Date.now() - signalled} ms after the signal`);
      assert.match(
        stderr,
        /received SIGTERM while pushing the metrics to the Pushgateway http:\/\/127\.0\.0\.1:\d+: they were not pushed; the run had finished, and its result stands/,
      );
      const store = new FileStateStore({ directory: h.stateDir });
      assert.notEqual(await store.getCheckpoint("metrics-stopped"), undefined);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        silent.close(() => {
          resolve();
        }),
      );
    }
  });

  it("pushes with basic auth from the URL's user and password, and prints the password nowhere", async () => {
    const secured = await pushListener();
    try {
      const password = `pw-${randomBytes(8).toString("hex")}`;
      const credentials = `pusher:${password}@`;
      const url = secured.url.replace("://", `://${credentials}`);
      // From the environment, as a CronJob takes it from a Secret; on the command line it is warned of.
      const fromEnv = await h.cli([...h.baseArgs(), "--name", "metrics-auth"], { SYNCED_PUSHGATEWAY: url });
      assert.equal(fromEnv.code, EXIT.success, fromEnv.stderr);
      const fromFlag = await h.cli([...h.baseArgs(), "--name", "metrics-auth", "--pushgateway", url]);
      assert.equal(fromFlag.code, EXIT.success, fromFlag.stderr);
      assert.match(fromFlag.stderr, /--pushgateway on the command line holds a password/);
      const basic = `Basic ${Buffer.from(`pusher:${password}`).toString("base64")}`;
      assert.deepEqual(
        secured.pushes.map((p) => [p.path, p.authorization]),
        [
          ["/metrics/job/synced/key/metrics-auth", basic],
          ["/metrics/job/synced/key/metrics-auth", basic],
        ],
      );
      for (const output of [fromEnv.stdout, fromEnv.stderr, fromFlag.stdout, fromFlag.stderr])
        assert.ok(!output.includes(password), output);
    } finally {
      await secured.close();
    }
  });

  it("refuses a Pushgateway that is not an http URL, before doing anything", async () => {
    const result = await h.cli([...h.baseArgs(), "--pushgateway", "pushgateway:9091"]);
    assert.equal(result.code, EXIT.usage);
    assert.match(result.stderr, /--pushgateway.*"pushgateway:9091" must start with http:\/\/ or https:\/\//);
  });
});

/** The log line that tells of the push to the Pushgateway, from a run's JSON log. */
function pushgatewayLine(stderr: string): { level: string; message: string; error?: string } | undefined {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { level: string; message: string; error?: string })
    .find((l) => l.message.includes("Pushgateway"));
}
