// A table whose documents go through an ingest pipeline (the config file's `pipeline` setting), on
// the real servers: the pipeline's own fields land in each document, are neither refused nor dropped
// on the way back or on the next write, and the records still converge both ways. So do the fields
// a pipeline the index names in its own settings adds (index.default_pipeline, index.final_pipeline).
// A pipeline that does not exist refuses the table, not its records, and keeps the checkpoint.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";

const PREPARED = { prepare: true } as const;

describe("a table written through an ingest pipeline", () => {
  let h: Harness;
  let dir: string;
  let config: string;
  let pipeline: string;
  /** The processor that adds `indexed_by`, and what it puts there; none on a node without one. */
  let processor: Record<string, unknown> | undefined;
  let stamp: unknown;
  const id = cassandra.types.Uuid.random().toString();

  /** A request to the search node's REST API, as an operator would make it. */
  const rest = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const auth = `${h.servers.elasticsearchUsername}:${h.servers.elasticsearchPassword}`;
    const response = await fetch(new URL(path, h.servers.elasticsearchUrl), {
      method,
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(auth).toString("base64")}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };

  before(async () => {
    h = await Harness.create("pipeline");
    dir = await mkdtemp(join(tmpdir(), "table-pipeline-"));
    pipeline = `${h.index}_stamp`;
    // The integ-test distributions carry few processors: Elasticsearch's only its security one,
    // OpenSearch 2's none at all (its tests that need a pipeline skip there).
    const nodes = (await rest("GET", "/_nodes/ingest?filter_path=nodes.*.ingest.processors")) as {
      nodes: Record<string, { ingest: { processors: { type: string }[] } }>;
    };
    const types = new Set(Object.values(nodes.nodes).flatMap((n) => n.ingest.processors.map((p) => p.type)));
    if (types.has("set")) {
      processor = { set: { field: "indexed_by", value: "the pipeline" } };
      stamp = "the pipeline";
    } else if (types.has("set_security_user")) {
      processor = { set_security_user: { field: "indexed_by", properties: ["username"] } };
      stamp = { username: h.servers.elasticsearchUsername };
    }
    if (processor !== undefined) {
      await rest("PUT", `/_ingest/pipeline/${pipeline}`, {
        description: "marks what it indexed",
        processors: [processor],
      });
    }
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    config = join(dir, "synced.yaml");
    await writeFile(config, ["tables:", "  notes:", `    pipeline: ${pipeline}`, ""].join("\n"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    // The indices first: a pipeline an index names in its settings cannot be deleted.
    await h.cleanup();
    if (processor !== undefined) await rest("DELETE", `/_ingest/pipeline/${pipeline}`);
  });

  const run = (extra: readonly string[] = []) => h.run(["--config", config, ...extra]);
  const document = async (): Promise<Record<string, unknown> | undefined> =>
    (await h.es.get<Record<string, unknown>>({ index: `${h.index}-notes`, id }))._source;

  it("sends each document through the pipeline, and a rerun finds nothing to write or refuse", async (t) => {
    if (processor === undefined) {
      t.skip("this node has no ingest processor that adds a field");
      return;
    }
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.notes (id, tmstmp, body) VALUES (?, ?, 'first')`,
      [id, new Date(Date.now() - 60_000)],
      PREPARED,
    );
    const first = await run();
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    assert.equal(tableStats(first.summary, "notes", "to-es")["written"], 1);
    const doc = await document();
    assert.deepEqual(Object.keys(doc ?? {}).sort(), ["body", "id", "indexed_by", "tmstmp"]);
    assert.deepEqual([doc?.["body"], doc?.["indexed_by"]], ["first", stamp]);

    const rerun = await run(["-b", "0"]);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  });

  it("copies a newer document back to Cassandra, and a newer row over the document, keeping the pipeline's field", async (t) => {
    if (processor === undefined) {
      t.skip("this node has no ingest processor that adds a field");
      return;
    }
    await h.es.index({
      index: `${h.index}-notes`,
      id,
      document: {
        id,
        tmstmp: new Date(Date.now() - 30_000).toISOString(),
        body: "edited",
        indexed_by: stamp,
      },
      refresh: true,
    });
    const back = await run();
    assert.equal(back.code, EXIT.success, JSON.stringify(back.summary));
    assert.equal(
      tableStats(back.summary, "notes", "to-cassandra")["written"],
      1,
      JSON.stringify(back.summary),
    );
    const row = await h.cassandra.execute(
      `SELECT body FROM ${h.keyspace}.notes WHERE id = ?`,
      [id],
      PREPARED,
    );
    assert.equal(row.rows[0]?.get("body"), "edited");

    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.notes (id, tmstmp, body) VALUES (?, ?, 'from cassandra')`,
      [id, new Date(Date.now() - 10_000)],
      PREPARED,
    );
    const forth = await run();
    assert.equal(forth.code, EXIT.success, JSON.stringify(forth.summary));
    const doc = await document();
    assert.deepEqual([doc?.["body"], doc?.["indexed_by"]], ["from cassandra", stamp]);
  });

  it("reads past the fields an index's own default or final pipeline adds, as a setting's", async (t) => {
    if (processor === undefined) {
      t.skip("this node has no ingest processor that adds a field");
      return;
    }
    // Indices an operator made with a pipeline of their own in their settings: every write goes
    // through it, synced's too, with no pipeline setting in the config file.
    for (const [table, setting] of [
      ["stamped", "index.final_pipeline"],
      ["defaulted", "index.default_pipeline"],
    ] as const) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
      );
      await h.es.indices.create({ index: `${h.index}-${table}`, settings: { [setting]: pipeline } });
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, body) VALUES (?, ?, 'logged')`,
        [id, new Date(Date.now() - 60_000)],
        PREPARED,
      );
    }
    const args = ["--tables", "stamped,defaulted", "-b", "0"];
    const first = await h.run(args);
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    for (const table of ["stamped", "defaulted"]) {
      assert.equal(tableStats(first.summary, table, "to-es")["written"], 1, JSON.stringify(first.summary));
      const doc = await h.es.get<Record<string, unknown>>({ index: `${h.index}-${table}`, id });
      assert.deepEqual([doc._source?.["body"], doc._source?.["indexed_by"]], ["logged", stamp]);
    }
    const rerun = await h.run(args);
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
    assert.equal((rerun.summary["deadLetters"] as { count: number }).count, 0);
  });

  // Tried as an operator would: a pipeline that does not exist, named by the config file or by the
  // index's own settings, made the cluster refuse every write; each record was dead-lettered, run after
  // run, and the checkpoint moved past them all.
  it("refuses a table whose pipeline does not exist, without a letter, and keeps the checkpoint", async () => {
    const absent = `${h.index}_absent`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.unpiped (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    await h.es.indices.create({
      index: `${h.index}-unpiped`,
      settings: { "index.default_pipeline": absent, number_of_replicas: 0 },
    });
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.misnamed (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
    for (const table of ["unpiped", "misnamed"]) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, body) VALUES (?, ?, 'waiting')`,
        [id, new Date(Date.now() - 60_000)],
        PREPARED,
      );
    }
    const named = join(dir, "absent.yaml");
    await writeFile(named, ["tables:", "  misnamed:", `    pipeline: ${absent}`, ""].join("\n"));
    const args = [
      "--config",
      named,
      "--name",
      "absent",
      "--tables",
      "unpiped,misnamed",
      "--direction",
      "to-es",
    ];
    const found = `ingest pipeline ${absent}, which does not exist`;
    // Tried as an operator would, plan and --dry-run said all was well, as they write nothing: they
    // now name the pipeline a run would be refused for.
    const plan = await h.cli(["plan", ...h.baseArgs(), ...args, "--json"]);
    const dry = await h.run([...args, "--dry-run"]);
    for (const [what, code, planned] of [
      ["plan", plan.code, JSON.parse(plan.stdout) as Record<string, unknown>],
      ["--dry-run", dry.code, dry.summary],
    ] as const) {
      assert.equal(code, EXIT.failure, `${what}: ${JSON.stringify(planned)}`);
      const said = new Map(
        (planned["refused"] as { name: string; reason: string }[]).map((r) => [r.name, r.reason]),
      );
      assert.deepEqual([...said.keys()].sort(), ["misnamed", "unpiped"], what);
      assert.match(said.get("unpiped") ?? "", new RegExp(found));
      assert.match(said.get("misnamed") ?? "", /tables\.misnamed\.pipeline/);
    }
    const run = await h.run(args);
    assert.equal(run.code, EXIT.failure, JSON.stringify(run.summary));
    assert.equal((run.summary["deadLetters"] as { count: number }).count, 0, JSON.stringify(run.summary));
    const refused = run.summary["refused"] as { name: string; reason: string }[];
    const reasons = new Map(refused.map((r) => [r.name, r.reason]));
    assert.deepEqual([...reasons.keys()].sort(), ["misnamed", "unpiped"], JSON.stringify(refused));
    assert.match(reasons.get("unpiped") ?? "", new RegExp(`index ${h.index}-unpiped .*${found}`));
    assert.match(reasons.get("unpiped") ?? "", /index\.default_pipeline or index\.final_pipeline/);
    assert.match(reasons.get("misnamed") ?? "", new RegExp(found));
    assert.match(reasons.get("misnamed") ?? "", /tables\.misnamed\.pipeline/);

    // Once the pipeline exists, the next run from the same checkpoint writes what the first could not.
    await rest("PUT", `/_ingest/pipeline/${absent}`, { description: "does nothing", processors: [] });
    try {
      const again = await h.run(args);
      assert.equal(again.code, EXIT.success, JSON.stringify(again.summary));
      for (const table of ["unpiped", "misnamed"]) {
        assert.equal(tableStats(again.summary, table, "to-es")["written"], 1, JSON.stringify(again.summary));
      }
    } finally {
      await h.es.indices.delete({ index: `${h.index}-unpiped` });
      await rest("DELETE", `/_ingest/pipeline/${absent}`);
    }
  });

  it("refuses a pipeline setting that names no pipeline id, with exit 2 and the key to fix", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, ["tables:", "  notes:", '    pipeline: ""', ""].join("\n"));
    const result = await h.cli([...h.baseArgs(), "--config", bad]);
    assert.equal(result.code, EXIT.usage, result.stderr);
    assert.match(result.stderr, /key tables\.notes\.pipeline: must be the id of an ingest pipeline/);
  });
});
