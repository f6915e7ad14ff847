// A table whose documents are routed by a key column (the config file's `routing` setting), on the
// real servers: an index of three shards that requires a routing value, so a write or a lookup without
// the tenant's value is refused or misses. Records go both ways, a conflict is won by the newer side,
// tombstones travel, a rerun finds every document again and writes nothing, verify finds no
// difference, and an index synced creates for a routed table requires routing. A routing column
// outside the primary key is refused with exit 2. Without the setting, the table is refused for its
// index rather than each record dead-lettered, run after run, as the index refused it, in the
// type-field layout's one index too, before the table's type has any document there.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { assertConfigRefused } from "../support/config-refusal.js";
import { Harness, tableStats, totalWritten } from "../support/harness.js";
import type { VerifyJson } from "../support/verify-json.js";

const PREPARED = { prepare: true } as const;
const TENANTS = ["acme", "globex", "initech", "umbrella", "hooli", "stark"];
const USERS = [1, 2, 3];

interface PlanJson {
  readonly dryRun: boolean;
  readonly decisions: readonly { readonly direction: string; readonly id: string; readonly action: string }[];
}

describe("a table routed by a key column", () => {
  let h: Harness;
  let dir: string;
  let config: string;
  let accounts: string;
  let members: string;
  const at = (secondsAgo: number): Date => new Date(Date.now() - secondsAgo * 1000);

  before(async () => {
    h = await Harness.create("routing");
    dir = await mkdtemp(join(tmpdir(), "table-routing-"));
    accounts = `${h.index}-accounts`;
    members = `${h.index}-members`;
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.accounts (tenant text, user_id int, tmstmp timestamp, deleted boolean, ` +
        "name text, PRIMARY KEY ((tenant), user_id))",
    );
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.members (org text, member_no int, tmstmp timestamp, role text, ` +
        "PRIMARY KEY ((org), member_no))",
    );
    // The index an operator made for the tenants' documents: several shards, and no write without a
    // routing value, so a document can only be on the shard its tenant picks.
    await h.es.indices.create({
      index: accounts,
      settings: { number_of_shards: 3, number_of_replicas: 0 },
      mappings: {
        _routing: { required: true },
        properties: {
          tenant: { type: "keyword" },
          user_id: { type: "integer" },
          tmstmp: { type: "date_nanos" },
          deleted: { type: "boolean" },
          name: { type: "keyword" },
        },
      },
    });
    config = join(dir, "synced.yaml");
    await writeFile(
      config,
      [
        "tables:",
        "  accounts:",
        "    routing: tenant",
        "  members:",
        "    routing: org",
        "    rename:",
        "      org: organisation",
        "",
      ].join("\n"),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await h.cleanup();
  });

  const run = () => h.run(["--config", config, "-b", "0"]);
  const insert = (tenant: string, user: number, written: Date, name: string, deleted = false) =>
    h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.accounts (tenant, user_id, tmstmp, deleted, name) VALUES (?, ?, ?, ?, ?)`,
      [tenant, user, written, deleted, name],
      PREPARED,
    );
  const row = async (tenant: string, user: number) =>
    (
      await h.cassandra.execute(
        `SELECT name, deleted FROM ${h.keyspace}.accounts WHERE tenant = ? AND user_id = ?`,
        [tenant, user],
        PREPARED,
      )
    ).rows[0];
  /** The document as the tenant's shard holds it: found only where its routing put it. */
  const document = async (tenant: string, user: number): Promise<Record<string, unknown>> => {
    const doc = await h.es.get<Record<string, unknown>>({
      index: accounts,
      id: `${tenant}|${user}`,
      routing: tenant,
    });
    assert.equal(doc.found, true, `${tenant}|${user} is not on the shard of ${tenant}`);
    return doc._source ?? {};
  };
  /** What an application writes, routed by the tenant as the index requires. */
  const indexDocument = (tenant: string, user: number, written: Date, name: string, deleted = false) =>
    h.es.index({
      index: accounts,
      id: `${tenant}|${user}`,
      routing: tenant,
      document: { tenant, user_id: user, tmstmp: written.toISOString(), deleted, name },
      refresh: true,
    });
  const converged = async (): Promise<void> => {
    const rerun = await run();
    assert.equal(rerun.code, EXIT.success, JSON.stringify(rerun.summary));
    assert.equal(totalWritten(rerun.summary), 0, JSON.stringify(rerun.summary));
  };

  it("writes each document on the shard of its tenant, and a rerun over the same range writes nothing", async () => {
    const written = at(300);
    for (const tenant of TENANTS)
      for (const user of USERS) await insert(tenant, user, written, `${tenant} ${user}`);
    const first = await run();
    assert.equal(first.code, EXIT.success, JSON.stringify(first.summary));
    const toEs = tableStats(first.summary, "accounts", "to-es");
    assert.equal(toEs["written"], TENANTS.length * USERS.length, JSON.stringify(first.summary));
    assert.equal(toEs["deadLettered"], 0);
    for (const tenant of TENANTS) {
      for (const user of USERS) assert.equal((await document(tenant, user))["name"], `${tenant} ${user}`);
    }
    // Found again by its routing: nothing to write, nothing refused.
    await converged();
  });

  it("copies an application's routed document to Cassandra, and the newer side wins each conflict", async () => {
    // Both sides changed acme|1 and globex|2 since the last run: the index is newer for the first, Cassandra
    // for the second; stark|3 is new in the index.
    await insert("acme", 1, at(200), "older in cassandra");
    await indexDocument("acme", 1, at(150), "newer in the index");
    await indexDocument("globex", 2, at(200), "older in the index");
    await insert("globex", 2, at(150), "newer in cassandra");
    await indexDocument("stark", 4, at(150), "new in the index");
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(
      tableStats(result.summary, "accounts", "to-cassandra")["written"],
      2,
      JSON.stringify(result.summary),
    );
    assert.equal(
      tableStats(result.summary, "accounts", "to-es")["written"],
      1,
      JSON.stringify(result.summary),
    );
    assert.equal((await row("acme", 1))?.get("name"), "newer in the index");
    assert.equal((await row("stark", 4))?.get("name"), "new in the index");
    assert.equal((await document("globex", 2))["name"], "newer in cassandra");
    assert.equal((await document("acme", 1))["name"], "newer in the index");
    await converged();
  });

  it("carries a tombstone each way", async () => {
    await insert("hooli", 1, at(100), "hooli 1", true);
    await indexDocument("umbrella", 3, at(100), "umbrella 3", true);
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal((await document("hooli", 1))["deleted"], true);
    assert.equal((await row("umbrella", 3))?.get("deleted"), true);
    await converged();
  });

  it("finds both sides equal when verifying, each document looked up on its tenant's shard", async () => {
    await h.refresh();
    const result = await h.cli([
      "verify",
      ...h.baseArgs(),
      "--config",
      config,
      "--tables",
      "accounts",
      "--json",
    ]);
    assert.equal(result.code, EXIT.success, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as VerifyJson;
    const records = TENANTS.length * USERS.length + 1;
    assert.equal(report.outcome, "equal");
    assert.deepEqual(
      report.sides.map((s) => [s.side, s.scanned, s.equal]),
      [
        ["cassandra", records, records],
        ["elasticsearch", records, records],
      ],
    );
  });

  it("plans no write over the whole range, each document looked up on its tenant's shard", async () => {
    const result = await h.cli(["plan", ...h.baseArgs(), "--config", config, "-b", "0", "--json"]);
    assert.equal(result.code, EXIT.success, result.stdout + result.stderr);
    const plan = JSON.parse(result.stdout) as PlanJson;
    assert.equal(plan.dryRun, true);
    assert.deepEqual(
      plan.decisions.filter((d) => d.action === "write").map((d) => `${d.direction} ${d.id}`),
      [],
    );
  });

  it("creates a missing index that requires routing, and routes by a renamed column's value", async () => {
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.members (org, member_no, tmstmp, role) VALUES (?, ?, ?, ?)`,
      ["acme", 7, at(100), "admin"],
      PREPARED,
    );
    const result = await run();
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    assert.equal(
      tableStats(result.summary, "members", "to-es")["written"],
      1,
      JSON.stringify(result.summary),
    );
    const mapping = (await h.es.indices.getMapping({ index: members }))[members]?.mappings;
    assert.deepEqual(mapping?._routing, { required: true });
    const doc = await h.es.get<Record<string, unknown>>({ index: members, id: "acme|7", routing: "acme" });
    assert.deepEqual(doc._source, {
      organisation: "acme",
      member_no: 7,
      tmstmp: doc._source?.["tmstmp"],
      role: "admin",
    });
    // Refused by the index without its routing value: synced sent one.
    await assert.rejects(
      h.es.index({ index: members, id: "acme|8", document: { organisation: "acme", member_no: 8 } }),
      /routing/,
    );
    await converged();
  });

  it("refuses a table without a routing setting whose index requires routing, writing nothing", async () => {
    await insert("acme", 9, at(60), "acme 9");
    // The same tables without the config file: the operator's index still refuses a write without a
    // routing value, and a lookup without one finds nothing, so the table cannot be synced.
    const { code, summary } = await h.run(["--tables", "accounts", "-b", "0"]);
    assert.equal(code, EXIT.failure, JSON.stringify(summary));
    const refused = summary["refused"] as { name: string; reason: string }[];
    assert.deepEqual(
      refused.map((r) => r.name),
      ["accounts"],
    );
    assert.match(refused[0]?.reason ?? "", new RegExp(`index ${accounts} requires a routing value`));
    assert.match(refused[0]?.reason ?? "", /tables\.accounts\.routing/);
    assert.equal((summary["deadLetters"] as { count: number }).count, 0);
    // Synced as configured, the row is written on its tenant's shard.
    const configured = await run();
    assert.equal(configured.code, EXIT.success, JSON.stringify(configured.summary));
    assert.equal((await document("acme", 9))["name"], "acme 9");
  });

  it("refuses a table without a routing setting in a type-field index that requires routing, though its type has no document there yet", async () => {
    // The one index of the type-field layout, made by the operator to require routing, holding no
    // document of members yet: the table's type is unknown there, but the index refuses its writes all
    // the same.
    const shared = `${h.index}-shared`;
    const state = await mkdtemp(join(dir, "type-field-"));
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.members (org, member_no, tmstmp, role) VALUES (?, ?, ?, ?)`,
      ["hooli", 3, at(60), "admin"],
      PREPARED,
    );
    await h.es.indices.create({
      index: shared,
      settings: { number_of_replicas: 0 },
      mappings: { _routing: { required: true }, properties: { type: { type: "keyword" } } },
    });
    try {
      const typeField = ["--layout", "type-field", "--tables", "members", "-b", "0"];
      const { code, summary } = await h.run(typeField, { state, replaced: { "-i": shared } });
      assert.equal(code, EXIT.failure, JSON.stringify(summary));
      const refused = summary["refused"] as { name: string; reason: string }[];
      assert.deepEqual(
        refused.map((r) => r.name),
        ["members"],
      );
      assert.match(refused[0]?.reason ?? "", new RegExp(`index ${shared} requires a routing value`));
      assert.match(refused[0]?.reason ?? "", /tables\.members\.routing/);
      assert.equal((summary["deadLetters"] as { count: number }).count, 0);
      // With its routing setting the table's row is written there, on its organisation's shard.
      const configured = await h.run([...typeField, "--config", config], {
        state,
        replaced: { "-i": shared },
      });
      assert.equal(configured.code, EXIT.success, JSON.stringify(configured.summary));
      const members = (await h.cassandra.execute(`SELECT COUNT(*) FROM ${h.keyspace}.members`)).rows[0];
      const toEs = tableStats(configured.summary, "members", "to-es");
      assert.equal(toEs["written"], Number(members?.["count"]), JSON.stringify(configured.summary));
      assert.equal(toEs["deadLettered"], 0);
    } finally {
      await h.es.indices.delete({ index: shared });
    }
  });

  it("refuses a routing column outside the primary key, and one the table lacks, with exit 2 and the key", async () => {
    const refused = async (value: string, message: RegExp): Promise<void> => {
      const bad = join(dir, "bad.yaml");
      await writeFile(bad, ["tables:", "  accounts:", `    routing: ${value}`, ""].join("\n"));
      await assertConfigRefused(h, bad, message);
    };
    await refused("name", /key tables\.accounts\.routing: 'name' is not a key column of accounts/);
    await refused(
      "tennant",
      /key tables\.accounts\.routing: table \S+\.accounts has no column 'tennant' \(closest: tenant\)/,
    );
  });
});
