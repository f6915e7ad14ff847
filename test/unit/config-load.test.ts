import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRunFlags } from "../support/flags.js";
import { fakeFiles } from "../support/fake-files.js";
import { ConfigError } from "../../src/core/errors.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { SyncOptions } from "../../src/config/options.js";
import { redactedConfig } from "../../src/config/redact.js";
import { withOptionSource } from "../../src/config/option-sources.js";
import { nowMicros } from "../../src/core/micros.js";

async function load(
  argv: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): Promise<SyncOptions> {
  return loadConfig({ flags: await parseRunFlags(argv), env, readFile: fakeFiles(files) });
}

async function refused(promise: Promise<unknown>, ...expected: string[]): Promise<ConfigError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  for (const part of expected) assert.ok(caught.message.includes(part), `${caught.message}\nlacks: ${part}`);
  return caught;
}

const BASE = ["-k", "app", "-i", "app"];

describe("loadConfig defaults", () => {
  it("fills every option from the defaults", async () => {
    const options = await load(BASE);
    assert.deepEqual(options, {
      keyspace: "app",
      index: "app",
      allowFutureEnd: false,
      lagMs: 30_000,
      lookbackMs: 600_000,
      tables: [],
      excludeTables: [],
      direction: "both",
      layout: "index-per-table",
      typeField: "type",
      columns: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
      columnSources: {
        id: { kind: "default" },
        timestamp: { kind: "default" },
        tombstone: { kind: "default" },
      },
      dryRun: false,
      createTables: false,
      createTimestampIndex: false,
      createColumns: false,
      state: { backend: "file", directory: "state/" },
      maxErrors: 100,
      batchSize: 500,
      concurrency: 4,
      splits: 32,
      slices: 2,
      leaseTtlMs: 60_000,
      maxFutureMs: 3_600_000,
      connectTimeoutMs: 5000,
      stateTimeoutMs: 30_000,
      retryWindowMs: 60_000,
      json: false,
      logLevel: "info",
      cassandra: {
        contactPoints: ["127.0.0.1"],
        port: 9042,
        localDc: "datacenter1",
        readConsistency: "LOCAL_QUORUM",
        writeConsistency: "LOCAL_QUORUM",
        writes: "timestamp",
        batchBytes: 4096,
      },
      elasticsearch: {
        nodes: ["http://127.0.0.1:9200"],
        product: "auto",
        versioning: "optimistic",
        tls: { insecure: false },
      },
      sources: { keyspace: { kind: "flag", flag: "--keyspace" }, index: { kind: "flag", flag: "--index" } },
    });
  });

  it("reads the seed's range flags as epoch seconds", async () => {
    const options = await load([...BASE, "-b", "1420070400", "-e", "1422748800"]);
    assert.equal(options.begin, 1_420_070_400_000_000n);
    assert.equal(options.end, 1_422_748_800_000_000n);
  });

  it("reads both relative bounds against one clock, and refuses them in the wrong order", async () => {
    const before = nowMicros();
    const options = await load([...BASE, "-b", "now-2h", "-e", "now-10m"]);
    assert.equal((options.end ?? 0n) - (options.begin ?? 0n), 6_600_000_000n);
    assert.ok((options.end ?? 0n) >= before - 600_000_000n && (options.end ?? 0n) <= nowMicros());
    await refused(load([...BASE, "-b", "now-10m", "-e", "now-2h"]), "-b must be earlier than -e");
  });

  it("requires a keyspace and an index, saying every way to give them", async () => {
    await refused(load(["-i", "app"]), "-k/--keyspace", "SYNCED_KEYSPACE", "keyspace in the config file");
    await refused(load(["-k", "app"]), "-i/--index", "SYNCED_INDEX");
    assert.equal((await load([], { SYNCED_KEYSPACE: "app", SYNCED_INDEX: "app" })).keyspace, "app");
  });
});

describe("loadConfig precedence: flags, then environment, then file, then defaults", () => {
  const file = { "/etc/synced.yaml": "batchSize: 30\ncassandra:\n  port: 9043\n  batchBytes: 1024\n" };
  const env = { SYNCED_CONFIG: "/etc/synced.yaml", SYNCED_BATCH_SIZE: "20", SYNCED_CASSANDRA_PORT: "9044" };

  it("a flag beats the environment", async () => {
    const options = await load([...BASE, "--batch-size", "10", "--cassandra-port", "9045"], env, file);
    assert.equal(options.batchSize, 10);
    assert.equal(options.cassandra.port, 9045);
  });

  it("the environment beats the file", async () => {
    const options = await load(BASE, env, file);
    assert.equal(options.batchSize, 20);
    assert.equal(options.cassandra.port, 9044);
  });

  it("the file beats the defaults", async () => {
    const options = await load(BASE, { SYNCED_CONFIG: "/etc/synced.yaml" }, file);
    assert.equal(options.batchSize, 30);
    assert.equal(options.cassandra.port, 9043);
    assert.equal(options.cassandra.batchBytes, 1024);
    assert.equal(options.configFile, "/etc/synced.yaml");
  });

  it("a default applies when no layer sets the option", async () => {
    const options = await load(
      BASE,
      { SYNCED_CONFIG: "/etc/synced.yaml" },
      { "/etc/synced.yaml": "json: true\n" },
    );
    assert.equal(options.batchSize, 500);
    assert.equal(options.json, true);
  });

  it("a false flag beats a true file value, and an empty variable counts as unset", async () => {
    const files = { "c.yaml": "dryRun: true\nconcurrency: 8\n" };
    assert.equal((await load([...BASE, "--config", "c.yaml", "--no-dry-run"], {}, files)).dryRun, false);
    assert.equal(
      (await load([...BASE, "--config", "c.yaml"], { SYNCED_CONCURRENCY: "" }, files)).concurrency,
      8,
    );
  });

  it("takes the config file from --config before SYNCED_CONFIG", async () => {
    const files = { "a.yaml": "slices: 3\n", "b.yaml": "slices: 4\n" };
    assert.equal((await load([...BASE, "--config", "a.yaml"], { SYNCED_CONFIG: "b.yaml" }, files)).slices, 3);
  });
});

describe("loadConfig config files", () => {
  const yaml = [
    "keyspace: app",
    "index: app-index",
    "begin: 2015-01-01",
    "end: 1422748800",
    "tables: [users, orders]",
    "lag: 1m",
    "state: cassandra:synced.state",
    "cassandra:",
    "  contactPoints: [10.0.0.1, '10.0.0.2:9043']",
    "  localDc: dc1",
    "  readConsistency: local_one",
    "elasticsearch:",
    "  nodes: https://es-1:9200,https://es-2:9200",
    "  versioning: external",
  ].join("\n");

  it("reads YAML, nested sections included", async () => {
    const options = await load(["--config", "s.yml"], {}, { "s.yml": yaml });
    assert.equal(options.index, "app-index");
    assert.equal(options.begin, 1_420_070_400_000_000n);
    assert.equal(options.end, 1_422_748_800_000_000n);
    assert.deepEqual(options.tables, ["users", "orders"]);
    assert.equal(options.lagMs, 60_000);
    assert.deepEqual(options.state, { backend: "cassandra", keyspace: "synced", table: "state" });
    assert.deepEqual(options.cassandra.contactPoints, ["10.0.0.1", "10.0.0.2:9043"]);
    assert.equal(options.cassandra.readConsistency, "LOCAL_ONE");
    assert.deepEqual(options.elasticsearch.nodes, ["https://es-1:9200", "https://es-2:9200"]);
    assert.equal(options.elasticsearch.versioning, "external");
  });

  it("reads JSON by extension and by content", async () => {
    const json = JSON.stringify({
      keyspace: "app",
      index: "app",
      maxErrors: 7,
      elasticsearch: { nodes: ["http://es:9200"] },
    });
    for (const path of ["s.json", "synced.conf"]) {
      const options = await load(["--config", path], {}, { [path]: json });
      assert.equal(options.maxErrors, 7);
      assert.deepEqual(options.elasticsearch.nodes, ["http://es:9200"]);
    }
  });

  it("names the file and the key of a bad value", async () => {
    const error = await refused(
      load(
        ["--config", "/etc/s.yaml"],
        {},
        { "/etc/s.yaml": "keyspace: app\nindex: app\ncassandra:\n  port: abc\n" },
      ),
      "config file /etc/s.yaml, key cassandra.port",
      '"abc"',
      "1 to 65535",
    );
    assert.equal(error.option, "cassandra-port");
  });

  it("names the environment variable or the flag of a bad value", async () => {
    await refused(
      load(BASE, { SYNCED_BATCH_SIZE: "many" }),
      "environment variable SYNCED_BATCH_SIZE",
      '"many"',
    );
    await refused(load([...BASE, "--batch-size", "0"]), "flag --batch-size", '"0"');
    await refused(load(BASE, { SYNCED_LAG: "30" }), "environment variable SYNCED_LAG", "no unit");
  });

  it("refuses unknown keys and suggests the intended one", async () => {
    const files = {
      "a.yaml": "batchsize: 3\n",
      "b.yaml": "cassandra:\n  contactPoint: [x]\n",
      "c.yaml": "config: x.yaml\n",
    };
    await refused(
      load([...BASE, "--config", "a.yaml"], {}, files),
      "key batchsize",
      "Did you mean batchSize?",
    );
    await refused(
      load([...BASE, "--config", "b.yaml"], {}, files),
      "cassandra.contactPoint",
      "cassandra.contactPoints?",
    );
    await refused(load([...BASE, "--config", "c.yaml"], {}, files), "key config", "not a synced option");
  });

  it("never echoes what a file that is no config holds, nor the lines around a syntax error", async () => {
    const files = {
      shadow: "root:$6$salt$hash:19000:0:99999:7:::\n",
      "broken.yaml": "cassandra:\n  password: hunter2\n  port: [1,\n",
      "broken.json": '{"cassandra": {"password": "hunter2"}, hunter3}',
      "token.json": "hunter2",
    };
    const shadow = await refused(load([...BASE, "--config", "shadow"], {}, files), "is no synced option");
    assert.doesNotMatch(shadow.message, /root|salt|hash/);
    const yaml = await refused(load([...BASE, "--config", "broken.yaml"], {}, files), "at line 4, column 1");
    assert.doesNotMatch(yaml.message, /hunter2|port/);
    const json = await refused(load([...BASE, "--config", "broken.json"], {}, files), "at line 1, column 40");
    assert.doesNotMatch(json.message, /hunter/);
    const token = await refused(load([...BASE, "--config", "token.json"], {}, files), "not valid JSON");
    assert.doesNotMatch(token.message, /hunter/);
  });

  it("refuses a YAML tag it does not know, which the parser would only warn of on stderr", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message);
    };
    process.on("warning", onWarning);
    try {
      const files = { "tag.yaml": 'batchSize: !!js/function "function () {}"\n' };
      await refused(
        load([...BASE, "--config", "tag.yaml"], {}, files),
        "unresolved tag at line 1, column 12",
      );
      // A warning is emitted on the next tick: give it one before looking.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    assert.deepEqual(warnings, []);
  });

  it("refuses malformed files, and files that are not there", async () => {
    const files = {
      "bad.yaml": "a: [1,\n",
      "bad.json": "{",
      "list.yaml": "- 1\n",
      "sec.yaml": "cassandra: 5\n",
    };
    await refused(
      load([...BASE, "--config", "bad.yaml"], {}, files),
      "flag --config",
      "bad.yaml is not valid YAML",
    );
    await refused(load([...BASE, "--config", "bad.json"], {}, files), "bad.json is not valid JSON");
    await refused(load([...BASE, "--config", "list.yaml"], {}, files), "must be a mapping");
    await refused(load([...BASE, "--config", "sec.yaml"], {}, files), "key cassandra", "must be a mapping");
    await refused(
      load(BASE, { SYNCED_CONFIG: "none.yaml" }),
      "environment variable SYNCED_CONFIG",
      "cannot read the config file none.yaml",
    );
  });

  it("refuses a list where a key takes one value, naming the file and the key", async () => {
    const files = {
      "k.yaml": "keyspace: [a, b]\nindex: app\n",
      "p.json": JSON.stringify({ keyspace: "app", index: "app", cassandra: { port: [9042, 9043] } }),
    };
    const error = await refused(
      load(["--config", "k.yaml"], {}, files),
      "config file k.yaml, key keyspace: takes one value, not a list",
    );
    assert.equal(error.option, "keyspace");
    assert.ok(!error.message.includes("more than once"), error.message);
    await refused(load(["--config", "p.json"], {}, files), "key cassandra.port: takes one value, not a list");
    await refused(
      load([...BASE, "--batch-size", "5", "--batch-size", "6"]),
      "flag --batch-size: given more than once",
    );
  });

  it("keeps epochs exact: whole numbers may be bare, fractions must be quoted", async () => {
    const files = {
      "a.yaml": "begin: 1420070400\n",
      "b.yaml": "begin: 1420070400.5\n",
      "c.yaml": "begin: '1420070400.5'\n",
    };
    assert.equal((await load([...BASE, "--config", "a.yaml"], {}, files)).begin, 1_420_070_400_000_000n);
    await refused(load([...BASE, "--config", "b.yaml"], {}, files), "key begin", "quoted");
    assert.equal((await load([...BASE, "--config", "c.yaml"], {}, files)).begin, 1_420_070_400_500_000n);
  });

  it("treats an empty file and empty keys as unset", async () => {
    assert.equal((await load([...BASE, "--config", "e.yaml"], {}, { "e.yaml": "" })).batchSize, 500);
    assert.equal(
      (await load([...BASE, "--config", "n.yaml"], {}, { "n.yaml": "batchSize:\ncassandra:\n" })).batchSize,
      500,
    );
  });
});

describe("commands that read a whole state store", () => {
  it("need no -k and -i, which the run requires", async () => {
    const flags = await parseRunFlags(["--state", "somewhere"]);
    await assert.rejects(loadConfig({ flags, env: {} }), /--keyspace is required/);
    const options = await loadConfig({ flags, env: {}, selectionRequired: false });
    assert.deepEqual(
      [options.keyspace, options.index, options.state],
      ["", "", { backend: "file", directory: "somewhere" }],
    );
  });
});

describe("--quiet and --verbose", () => {
  it("set the log level, and refuse to be given together", async () => {
    const level = async (argv: string[]) =>
      (await loadConfig({ flags: await parseRunFlags(["-k", "a", "-i", "b", ...argv]), env: {} })).logLevel;
    assert.deepEqual(
      [await level([]), await level(["-q"]), await level(["--verbose"])],
      ["info", "error", "debug"],
    );
    await assert.rejects(level(["--quiet", "--verbose"]), /--quiet and --verbose contradict each other/);
  });
});

describe("--pushgateway", () => {
  const load = async (url: string, warnings: string[] = [], env: Record<string, string> = {}) =>
    (
      await loadConfig({
        flags: await parseRunFlags(["-k", "a", "-i", "b", ...(url === "" ? [] : ["--pushgateway", url])]),
        env,
        warn: (message) => void warnings.push(message),
      })
    ).pushgateway;

  it("takes an http or https URL", async () => {
    assert.deepEqual(await load("http://gateway:9091/"), { url: "http://gateway:9091" });
    await assert.rejects(
      load("gateway:9091"),
      /--pushgateway: "gateway:9091" must start with http:\/\/ or https:\/\//,
    );
  });

  it("takes credentials in the URL as basic auth, keeps them out of the URL and the logs", async () => {
    const warnings: string[] = [];
    const options = await load("https://pusher:s%40cret@gateway:9091/prefix", warnings);
    assert.deepEqual(options, {
      url: "https://gateway:9091/prefix",
      auth: { username: "pusher", password: "s@cret" },
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /--pushgateway on the command line holds a password.*SYNCED_PUSHGATEWAY/);
    assert.doesNotMatch(warnings[0] ?? "", /s%40cret|s@cret/);
    const logged = JSON.stringify(
      redactedConfig(
        await loadConfig({
          flags: await parseRunFlags(["-k", "a", "-i", "b"]),
          env: { SYNCED_PUSHGATEWAY: "http://pusher:hidden@gateway:9091" },
        }),
      ),
    );
    assert.ok(logged.includes("gateway:9091") && !logged.includes("hidden"), logged);
    const quiet: string[] = [];
    await load("", quiet, { SYNCED_PUSHGATEWAY: "http://pusher:hidden@gateway:9091" });
    assert.deepEqual(quiet, []);
  });

  it("speaks of the Pushgateway, never of Elasticsearch, and never prints the password", async () => {
    for (const [url, problem] of [
      ["http://pusher:hidden@gateway:notaport", /--pushgateway: the URL is not valid/],
      ["http://:hidden@gateway:9091", /--pushgateway: the URL gives a password without a user name/],
      ["ftp://pusher:hidden@gateway:9091", /--pushgateway: the URL must start with http:\/\/ or https:\/\//],
    ] as const) {
      await assert.rejects(load(url), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, problem);
        assert.doesNotMatch(error.message, /hidden|--es-|Elasticsearch/, error.message);
        assert.doesNotMatch(JSON.stringify(error), /hidden/);
        return true;
      });
    }
  });
});

describe("where the options came from, for refusals found after connecting", () => {
  it("tells such a refusal where its option was set, and leaves others as they are", async () => {
    const options = await loadConfig({
      flags: await parseRunFlags(["-k", "a", "-i", "b", "--tables", "t"]),
      env: { SYNCED_EXCLUDE_TABLES: "x" },
    });
    const later = (option: string) =>
      new ConfigError(option, undefined, `--${option} names what does not exist`);
    assert.equal(
      withOptionSource(later("exclude-tables"), options.sources).message,
      "environment variable SYNCED_EXCLUDE_TABLES: --exclude-tables names what does not exist",
    );
    assert.equal(
      withOptionSource(later("tables"), options.sources).message,
      "--tables names what does not exist",
    );
    // A default, or an error that already says where, is left as it is.
    assert.equal(
      withOptionSource(later("direction"), options.sources).message,
      "--direction names what does not exist",
    );
    const placed = new ConfigError("tables", { kind: "file", path: "c.yaml", key: "tables" }, "bad");
    assert.equal(withOptionSource(placed, options.sources), placed);
    assert.ok(!("sources" in redactedConfig(options)));
  });
});
