import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { parseRunFlags } from "../support/flags.js";
import { CERT_PEM, KEY_PEM } from "../support/pem.js";
import { ConfigError } from "../../src/core/errors.js";
import { loadConfig } from "../../src/config/load-config.js";
import { CONSISTENCY_LEVELS } from "../../src/config/options.js";
import type { SyncOptions } from "../../src/config/options.js";

async function load(argv: string[], env: Record<string, string> = {}): Promise<SyncOptions> {
  const base = [...(argv.includes("-k") ? [] : ["-k", "app"]), ...(argv.includes("-i") ? [] : ["-i", "app"])];
  const flags = await parseRunFlags([...base, ...argv]);
  // Certificates exist, each holding a certificate and its key; no other file does.
  const readFile = (path: string): Promise<string> =>
    path.endsWith(".pem")
      ? Promise.resolve(`${CERT_PEM}${KEY_PEM}`)
      : Promise.reject(new Error("no such file"));
  return loadConfig({ flags, env, readFile });
}

async function refused(argv: string[], pattern: RegExp, option?: string): Promise<void> {
  await assert.rejects(load(argv), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, pattern);
    if (option !== undefined) assert.equal(error.option, option);
    return true;
  });
}

describe("option validation", () => {
  it("checks choices and lists them", async () => {
    await refused(
      ["--direction", "sideways"],
      /"sideways" is not one of both, to-es, to-cassandra/,
      "direction",
    );
    await refused(["--layout", "multi-type"], /index-per-table, type-field/);
    await refused(["--cassandra-writes", "paxos"], /timestamp, lwt/);
    await refused(["--es-versioning", "internal"], /optimistic, external/);
    assert.equal((await load(["--direction", "to-es", "--layout", "type-field"])).layout, "type-field");
  });

  it("knows exactly the driver's consistency levels, in any case, and refuses the ones that cannot apply", async () => {
    const driverNames = Object.keys(cassandra.types.consistencies).map((name) =>
      name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
    );
    assert.deepEqual([...CONSISTENCY_LEVELS].sort(), driverNames.sort());
    const options = await load([
      "--cassandra-read-consistency",
      "local_one",
      "--cassandra-write-consistency",
      "Each_Quorum",
    ]);
    assert.equal(options.cassandra.readConsistency, "LOCAL_ONE");
    assert.equal(options.cassandra.writeConsistency, "EACH_QUORUM");
    await refused(["--cassandra-read-consistency", "MOST"], /not one of ANY, ONE/);
    await refused(["--cassandra-write-consistency", "SERIAL"], /SERIAL cannot be used for writes/);
    await refused(["--cassandra-read-consistency", "ANY"], /ANY cannot be used for reads/);
  });

  it("checks names against each store's rules", async () => {
    await refused(["-k", "my-app"], /not a Cassandra name/, "keyspace");
    await refused(["-i", "App"], /upper-case/, "index");
    await refused(["-i", "a,b"], /contains one of/);
    await refused(["-i", "_app"], /starts with/);
    // Tried as an operator would: -i .x passed, and the run made indices that Elasticsearch and
    // OpenSearch keep for hidden and system ones, with a deprecation warning the run never showed.
    await refused(
      ["-i", ".app"],
      /"\.app" is not a valid Elasticsearch index name: it starts with '\.', which Elasticsearch and OpenSearch keep for hidden and system indices \(deprecated for others, and refused by their next major version\); give a name that starts with a letter or digit/,
      "index",
    );
    await refused(["--tables", "users,bad table"], /"bad table" is not a Cassandra name/, "tables");
    await refused(["--name", "../etc"], /not a valid name/, "name");
    await refused(["--type-field", "1type"], /not a field name/);
    // Tried as an attacker would: a name the search side keeps for itself passed, and the run failed
    // after connecting with the cluster's advice to enable fielddata on _id, and exit 1.
    for (const reserved of ["_id", "_source", "_type", "_routing"]) {
      await refused(
        ["--type-field", reserved],
        /starts with _, which Elasticsearch and OpenSearch keep/,
        "type-field",
      );
    }
    assert.equal((await load(["--type-field", "kind_"])).typeField, "kind_");
    await refused(["--id-column", '""'], /not a column name/);
    // A column made with a quoted name is named as Cassandra lists it, or in CQL's quotes.
    const quoted = await load(["--timestamp-column", '"last-modified"', "--tombstone-column", "1gone"]);
    assert.deepEqual(quoted.columns, { id: "id", timestamp: "last-modified", tombstone: "1gone" });
    await refused(["--timestamp-column", "id"], /three different columns/);
    // Tried as a new user would: a table made with a quoted name, given in CQL's quotes, was refused.
    assert.deepEqual((await load(["--tables", '"UserEvents",users'])).tables, ["UserEvents", "users"]);
    await refused(["--tables", '"user events"'], /"user events" is not a Cassandra name/, "tables");
  });

  it("reads lists from commas, repeats and the environment", async () => {
    assert.deepEqual((await load(["--tables", "a,b", "--tables", "c,a"])).tables, ["a", "b", "c"]);
    assert.deepEqual((await load([], { SYNCED_EXCLUDE_TABLES: " x , y ," })).excludeTables, ["x", "y"]);
    await refused(
      ["--tables", "a,b", "--exclude-tables", "b"],
      /b is both in --tables and in --exclude-tables/,
    );
    await refused(["--batch-size", "5", "--batch-size", "6"], /given more than once/, "batch-size");
  });

  it("parses the state location", async () => {
    assert.deepEqual((await load(["--state", "/var/lib/synced"])).state, {
      backend: "file",
      directory: "/var/lib/synced",
    });
    assert.deepEqual((await load(["--state", "elasticsearch:synced-state"])).state, {
      backend: "elasticsearch",
      index: "synced-state",
    });
    assert.deepEqual((await load(["--state", "cassandra:ops.state"])).state, {
      backend: "cassandra",
      keyspace: "ops",
      table: "state",
    });
    await refused(["--state", "cassandra:ops"], /cassandra:<keyspace>\.<table>/, "state");
    assert.deepEqual((await load(["--state", "es:synced-state"])).state, {
      backend: "elasticsearch",
      index: "synced-state",
    });
  });

  it("refuses a state or dead-letter index that could be one of the synced indices", async () => {
    const apart =
      /synced would take it for a synced table's index\. Choose an index other than app and app-\*, such as es:app_(state|letters)/;
    await refused(["--state", "es:app"], /flag --state: the state index 'app' is -i app itself/, "state");
    await refused(
      ["--state", "es:app-state"],
      /flag --state: the state index 'app-state' starts with 'app-'/,
    );
    await refused(["--state", "es:app-state"], apart, "state");
    await refused(["--state", "es:app", "--layout", "type-field"], apart, "state");
    await refused(["--dead-letter", "elasticsearch:app-letters"], /flag --dead-letter: .*'app-letters'/);
    await refused(["--state", "es:ops", "--dead-letter", "es:app"], apart, "dead-letter");
    await assert.rejects(load([], { SYNCED_STATE: "es:app-state" }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^environment variable SYNCED_STATE: the state index 'app-state'/);
      return true;
    });
    // The dead letters beside the state index st go to st-dead-letters, a name -i st-dead would sync.
    await refused(
      ["-i", "st-dead", "--state", "es:st"],
      /the dead-letter index 'st-dead-letters' beside the state index 'st' starts with 'st-dead-'.*--dead-letter/,
      "state",
    );
    for (const state of ["es:app_state", "es:synced-state", "es:apps", "es:ap"]) {
      assert.equal((await load(["--state", state])).state.backend, "elasticsearch", state);
    }
    assert.ok((await load(["--dead-letter", "es:app_letters"])).deadLetter);
    // synced status reads a whole state store and names no index.
    const status = await loadConfig({
      flags: await parseRunFlags(["--state", "es:app-state"]),
      env: {},
      selectionRequired: false,
    });
    assert.equal(status.state.backend, "elasticsearch");
  });

  it("checks numbers, durations and the range at start-up", async () => {
    await refused(["--cassandra-port", "70000"], /1 to 65535/);
    await refused(["--concurrency", "2.5"], /not a whole number/);
    await refused(["--lease-ttl", "500ms"], /at least 1s/);
    await refused(["--lease-ttl", "2d"], /at most 1d/);
    await refused(
      ["-b", "2015-02-01", "-e", "2015-01-01"],
      /begin 2015-02-01T00:00:00\.000000Z is not before the end 2015-01-01/,
    );
    assert.equal((await load(["--max-errors", "0"])).maxErrors, 0);
    // Cassandra refuses a batch of 50 KiB (batch_size_fail_threshold); 0 sends each row alone.
    await refused(["--cassandra-batch-bytes", "51200"], /"51200" is not a whole number from 0 to 51199/);
    assert.equal((await load(["--cassandra-batch-bytes", "0"])).cassandra.batchBytes, 0);
    assert.equal((await load([], { SYNCED_CASSANDRA_BATCH_BYTES: "2048" })).cassandra.batchBytes, 2048);
  });

  it("checks node URLs and hosts", async () => {
    await refused(["--es-nodes", "es-1:9200"], /must start with http:\/\/ or https:\/\//);
    await refused(["--es-nodes", "not a url"], /is not a URL/);
    await refused(["--cassandra-contact-points", "http://cass:9042"], /is not a host/);
    assert.deepEqual((await load(["--es-nodes", "https://es:9200/"])).elasticsearch.nodes, [
      "https://es:9200",
    ]);
  });

  it("implies Cassandra TLS from its files, and refuses contradictions", async () => {
    assert.deepEqual((await load(["--cassandra-tls-ca", "/ca.pem"])).cassandra.tls, {
      insecure: false,
      ca: "/ca.pem",
    });
    assert.deepEqual((await load(["--cassandra-tls"])).cassandra.tls, { insecure: false });
    assert.equal((await load([])).cassandra.tls, undefined);
    await refused(
      ["--no-cassandra-tls", "--cassandra-tls-ca", "/ca.pem"],
      /is false, yet other --cassandra-tls/,
    );
    await refused(["--cassandra-tls-cert", "/c.pem"], /go together/, "cassandra-tls-key");
    await refused(["--es-tls-ca", "/ca.pem"], /no --es-nodes URL starts with https/);
    const es = await load(["--es-nodes", "https://es:9200", "--es-tls-insecure"]);
    assert.deepEqual(es.elasticsearch.tls, { insecure: true });
  });

  it("reads booleans from the environment strictly", async () => {
    assert.equal((await load([], { SYNCED_DRY_RUN: "yes" })).dryRun, true);
    assert.equal((await load([], { SYNCED_JSON: "0" })).json, false);
    await assert.rejects(
      load([], { SYNCED_DRY_RUN: "maybe" }),
      /SYNCED_DRY_RUN: "maybe" is not true or false/,
    );
  });
});

// Tried as a new user would: with both passwords exported, as the README's examples do, `synced status`
// over a state directory was refused for want of user names for stores it never contacts, and the
// refusal did not say the password came from the environment.
describe("a user name or a password given alone", () => {
  const env = { SYNCED_CASSANDRA_PASSWORD: "secret", SYNCED_ES_PASSWORD: "secret" };

  it("is refused for a store the command uses, naming where the given half came from", async () => {
    await assert.rejects(load([], env), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(
        error.message,
        /a Cassandra password is set \(environment variable SYNCED_CASSANDRA_PASSWORD\) but --cassandra-username is not/,
      );
      return true;
    });
    await refused(
      ["--es-username", "ada"],
      /--es-username is set \(.*\) but an Elasticsearch password is not/,
    );
  });

  it("is left unused by status over a state directory, and refused over a state in that store", async () => {
    const status = async (argv: string[]): Promise<SyncOptions> =>
      loadConfig({ flags: await parseRunFlags(argv), env, selectionRequired: false });
    const options = await status(["--state", "/var/lib/synced"]);
    assert.equal(options.cassandra.auth, undefined);
    assert.equal(options.elasticsearch.auth, undefined);
    await assert.rejects(status(["--state", "cassandra:ops.synced_state"]), /--cassandra-username is not/);
    await assert.rejects(status(["--state", "es:synced-state"]), /--es-username is not/);
  });
});
