// Runs refused for what the user asked, and runs stopped by a state or dead-letter store that hangs:
// each with its exit code, a message naming what was wrong, and an unmoved checkpoint.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { Harness } from "../support/harness.js";

const run = promisify(execFile);
const { Uuid } = cassandra.types;

/** The log lines of a retry of a refusal for lack of replicas, which no retry can cure. */
function retriedRefusals(output: string): string[] {
  return output.split("\n").filter((line) => /trying again/i.test(line) && /consistency|replica/i.test(line));
}

describe("refused and stopped runs", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("refuse");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.thongs (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.people (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
  });
  after(() => h.cleanup());

  it("refuses --tables naming a table that does not exist, with the closest ones, and keeps no state", async () => {
    const result = await h.cli([...h.baseArgs(), "--tables", "thngs,people", "--name", "typo"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      /synced: --tables names what does not exist: 'thngs' .*closest: things, thongs/,
    );
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("typo"), undefined);
    assert.deepEqual(await store.recentRuns("typo", 5), []);
    assert.equal((await store.acquireLease("typo", "probe", "here:1", 1000)).acquired, true);
  });

  it("refuses --exclude-tables naming a table that does not exist, as it refuses --tables, naming where it came from", async () => {
    const fromFlag = await h.cli([...h.baseArgs(), "--exclude-tables", "thngs", "--name", "typo-excluded"]);
    assert.equal(fromFlag.code, EXIT.usage, fromFlag.stderr);
    assert.match(
      fromFlag.stderr,
      /synced: --exclude-tables names what does not exist: 'thngs' .*closest: things, thongs.*remove it from --exclude-tables/,
    );
    const fromEnv = await h.cli([...h.baseArgs(), "--name", "typo-excluded"], {
      SYNCED_EXCLUDE_TABLES: "people,thngs",
    });
    assert.equal(fromEnv.code, EXIT.usage, fromEnv.stderr);
    assert.match(
      fromEnv.stderr,
      /environment variable SYNCED_EXCLUDE_TABLES: --exclude-tables names .*'thngs'/,
    );
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("typo-excluded"), undefined);
    assert.deepEqual(await store.recentRuns("typo-excluded", 5), []);
    assert.equal((await store.acquireLease("typo-excluded", "probe", "here:1", 1000)).acquired, true);
  });

  // Tried as an operator would: -k given in upper case, as unquoted CQL accepts it, was said not to
  // exist, with no word of the keyspace of that name in lower case.
  it("names the keyspace that differs only in case from a -k that does not exist", async () => {
    const upper = h.keyspace.toUpperCase();
    const result = await h.cli([...h.baseArgs(h.stateDir, upper), "--name", "upper-keyspace"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `flag --keyspace: keyspace '${upper}' does not exist in Cassandra, but '${h.keyspace}' does: ` +
          `Cassandra folds names written without double quotes to lower case, and -k takes the name as ` +
          `Cassandra stores it; give -k ${h.keyspace}`,
      ),
    );
  });

  // Tried as an operator would: excluding every table ended "no table was synced", exit 0, so a
  // scheduled job succeeded run after run while copying nothing.
  it("refuses --exclude-tables leaving out every table, naming them, and keeps no state", async () => {
    const every = "things,thongs,people";
    const result = await h.cli([...h.baseArgs(), "--exclude-tables", every, "--name", "all-excluded"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      /synced: --exclude-tables leaves out every table of the keyspace and type of the index \(people, things, thongs\), so a run would copy nothing/,
    );
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("all-excluded"), undefined);
    assert.deepEqual(await store.recentRuns("all-excluded", 5), []);
  });

  it("stops at once when a consistency level asks for more replicas than the keyspace has, naming the option and the replication factor", async () => {
    // The test keyspace has one replica. Cassandra answers THREE as unavailable, which is retried
    // for --retry-window when a node is down, but here no retry can ever succeed.
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.replicas (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.replicas (id, tmstmp, v) VALUES (?, ?, 1)`,
      [Uuid.random(), new Date(Date.now() - 5_000)],
      { prepare: true },
    );
    const read = await h.cli([
      ...h.baseArgs(),
      ...["--tables", "replicas", "--name", "three", "--direction", "to-es"],
      ...["--cassandra-read-consistency", "THREE", "--retry-window", "20s"],
    ]);
    const readOutput = `${read.stdout}\n${read.stderr}`;
    assert.equal(read.code, EXIT.usage, readOutput);
    assert.match(
      readOutput,
      /flag --cassandra-read-consistency: .*THREE needs 3 replicas, but keyspace \w+ has 1 \(SimpleStrategy, replication factor 1, on 1 node\)/,
    );
    // Never retried for the replicas it lacks. (A connection closed under a busy machine may be retried
    // once, as any transient failure is; that is not this refusal.)
    assert.deepEqual(retriedRefusals(readOutput), [], readOutput);
    assert.doesNotMatch(readOutput, /check that the nodes run/i);
    assert.ok(read.elapsedMs < 20_000, `took ${read.elapsedMs} ms: the retry window was waited out`);

    // The read run created the table's index before its first read; a document there is to be copied.
    const id = Uuid.random().toString();
    await h.es.index({
      index: `${h.index}-replicas`,
      id,
      document: { id, tmstmp: new Date(Date.now() - 5_000).toISOString(), v: 2 },
      refresh: true,
    });
    const write = await h.cli(
      [...h.baseArgs(), ...["--tables", "replicas", "--name", "three", "--direction", "to-cassandra"]],
      { SYNCED_CASSANDRA_WRITE_CONSISTENCY: "three", SYNCED_RETRY_WINDOW: "20s" },
    );
    const writeOutput = `${write.stdout}\n${write.stderr}`;
    assert.equal(write.code, EXIT.usage, writeOutput);
    assert.match(
      writeOutput,
      /environment variable SYNCED_CASSANDRA_WRITE_CONSISTENCY: .*THREE needs 3 replicas, but .*replication factor 1/,
    );
    assert.deepEqual(retriedRefusals(writeOutput), [], writeOutput);
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("three"), undefined);
  });

  it("skips an index without a timestamp mapping before creating a table for it", async () => {
    await h.es.indices.create({
      index: `${h.index}-untimed`,
      mappings: { properties: { id: { type: "keyword" }, v: { type: "integer" } } },
    });
    const result = await h.run(["--create-tables", "--name", "untimed"]);
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const skipped = result.summary["skipped"] as { name: string; reason: string }[];
    assert.match(skipped.find((s) => s.name === "untimed")?.reason ?? "", /field 'tmstmp' is not mapped/);
    assert.deepEqual(result.summary["createdTables"], []);
    const tables = await h.cassandra.execute(
      "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'untimed'",
      [h.keyspace],
      { prepare: true },
    );
    assert.equal(tables.rowLength, 0);
  });

  it("stops a run whose checkpoint is a FIFO instead of waiting on it, and names it", async () => {
    // Reading a FIFO waits for a writer that never comes, and a waiting read would keep the process
    // from ever exiting.
    await mkdir(join(h.stateDir, "hung"), { recursive: true });
    await run("mkfifo", [join(h.stateDir, "hung", "checkpoint.json")]);
    const result = await h.cli([...h.baseArgs(), "--name", "hung"]);
    assert.equal(result.code, EXIT.failure, result.stderr);
    assert.match(
      result.stderr,
      /could not read the checkpoint in the state store \(directory .*\): .*checkpoint\.json is a FIFO, not a regular file/,
    );
  });

  it("refuses a run whose dead-letter file is a FIFO before it syncs anything, and names it", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.letters (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.es.indices.create({
      index: `${h.index}-letters`,
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, v: { type: "integer" } },
      },
    });
    const id = Uuid.random().toString();
    await h.es.index({ index: `${h.index}-letters`, id, document: { id, v: 1 }, refresh: true });
    const fifo = join(h.stateDir, "letters.fifo");
    await run("mkfifo", [fifo]);
    const result = await h.cli([
      ...h.baseArgs(),
      "--tables",
      "letters",
      "--name",
      "letters",
      "--dead-letter",
      fifo,
    ]);
    // Checked before connecting, as the state directory is: the run does not wait for its first letter.
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      /flag --dead-letter: the dead-letter file .*letters\.fifo is a FIFO, not a regular file/,
    );
    const store = new FileStateStore({ directory: h.stateDir });
    assert.equal(await store.getCheckpoint("letters"), undefined);
    assert.deepEqual(await store.recentRuns("letters", 5), []);
  });

  it("refuses a dead-letter file that holds something else before connecting, and leaves it alone", async () => {
    // Tried as an attacker would: a --dead-letter given a system file passed the check, as synced may
    // append to it, and the run connected, took the lease and stopped at reading its "letters", with
    // exit 1 and the advice to delete the line (of /etc/passwd, say).
    const other = join(h.stateDir, "passwd");
    const text = "root:x:0:0:root:/root:/bin/bash\n";
    await writeFile(other, text, { mode: 0o600 });
    for (const path of [other, "/proc/self/status"]) {
      const result = await h.cli([...h.baseArgs(), "--name", "elsewhere", "--dead-letter", path]);
      assert.equal(result.code, EXIT.usage, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `flag --dead-letter: the dead-letter file ${path} holds something other than dead letters`,
        ),
      );
      assert.doesNotMatch(result.stdout + result.stderr, /root:x|Name:/);
    }
    assert.equal(await readFile(other, "utf8"), text);
    const store = new FileStateStore({ directory: h.stateDir });
    assert.deepEqual(await store.recentRuns("elsewhere", 5), []);
  });

  // Tried as an operator would: the JSON-lines log of another program given as --dead-letter passed
  // the check, as its first line opened a JSON object, and the run would have added letters to it.
  it("refuses a JSON-lines file of another program as the dead-letter file, and leaves it alone", async () => {
    const other = join(h.stateDir, "app-log.ndjson");
    const text = '{"level":"info","msg":"started","secret":"s3cret-value"}\n{"level":"info","msg":"done"}\n';
    await writeFile(other, text, { mode: 0o600 });
    const result = await h.cli([...h.baseArgs(), "--name", "json-lines", "--dead-letter", other]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `flag --dead-letter: the dead-letter file ${other.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} holds something ` +
          "other than dead letters \\(its first line is JSON, but not a dead letter\\)",
      ),
    );
    assert.doesNotMatch(result.stdout + result.stderr, /s3cret-value/);
    assert.equal(await readFile(other, "utf8"), text);
    const store = new FileStateStore({ directory: h.stateDir });
    assert.deepEqual(await store.recentRuns("json-lines", 5), []);
    // A file of letters passes, as does one whose only line a crash cut short.
    const letters = join(h.stateDir, "cut.dead-letters.ndjson");
    await writeFile(
      letters,
      '{"at":"2026-01-01T00:00:00.000Z","direction":"to-es","from":"cassandra","id":null,"key":',
      {
        mode: 0o600,
      },
    );
    const cut = await h.cli([...h.baseArgs(), "--name", "cut", "--dead-letter", letters]);
    assert.notEqual(cut.code, EXIT.usage, cut.stderr);
  });

  it("never appends letters to the file a link planted at the letters' place points at", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.linked (id uuid PRIMARY KEY, tmstmp timestamp, v int)`,
    );
    await h.es.indices.create({
      index: `${h.index}-linked`,
      mappings: {
        properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, v: { type: "integer" } },
      },
    });
    // A document without a timestamp: a dead letter for any run that could write one.
    const id = Uuid.random().toString();
    await h.es.index({ index: `${h.index}-linked`, id, document: { id, v: 2 }, refresh: true });
    const target = join(h.stateDir, "not-letters.txt");
    await writeFile(target, "someone else's file\n");
    await symlink(target, join(h.stateDir, "linked.dead-letters.ndjson"));
    const result = await h.cli([...h.baseArgs(), "--tables", "linked", "--name", "linked"]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(
      result.stderr,
      /flag --state: the dead-letter file .*linked\.dead-letters\.ndjson is a symbolic link, not a regular file/,
    );
    assert.equal(await readFile(target, "utf8"), "someone else's file\n");
  });
});
