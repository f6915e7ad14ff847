// A table whose rows expire (`default_time_to_live`) beside an index whose documents do not. Tried as
// an operator would, a run from the earliest version copied the document of a row that had expired
// back into Cassandra, where it lived a whole new TTL: Cassandra counts a TTL from the write, not
// from the version. Now a document older than the TTL is not written (counted as expired, and not a
// difference to verify), and one that is written expires when a row of its version would, whichever
// way it is written.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const TTL = 3600;
const PREPARED = { prepare: true } as const;

interface VerifySide {
  readonly side: string;
  readonly missing: number;
  readonly expired: number;
}

describe("a table whose rows expire by default", () => {
  let h: Harness;
  const now = Date.now();
  /** Half the TTL ago: a row of that version has half of it left, where a new write gets all of it. */
  const halfway = now - (TTL / 2) * 1000;
  const expired = cassandra.types.Uuid.random().toString();
  const half = cassandra.types.Uuid.random().toString();
  const absent = cassandra.types.Uuid.random().toString();
  const replaced = cassandra.types.Uuid.random().toString();

  before(async () => {
    h = await Harness.create("rowexpiry");
    for (const table of ["sessions", "visits"]) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, who text) ` +
          `WITH default_time_to_live = ${TTL}`,
      );
      await h.es.indices.create({
        index: `${h.index}-${table}`,
        mappings: {
          properties: { id: { type: "keyword" }, tmstmp: { type: "date_nanos" }, who: { type: "keyword" } },
        },
      });
    }
    // A row an application wrote a minute before the document that replaces it below.
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.visits (id, tmstmp, who) VALUES (?, ?, ?)`,
      [replaced, new Date(halfway - 60_000), "before"],
      PREPARED,
    );
    const documents: [string, string, number, string][] = [
      // Its row expired an hour ago.
      ["sessions", expired, now - 2 * TTL * 1000, "gone"],
      // Written with USING TIMESTAMP.
      ["sessions", half, halfway, "half"],
      // Written with lightweight transactions (--cassandra-writes lwt): as absent, and over a row.
      ["visits", absent, halfway, "new"],
      ["visits", replaced, halfway, "after"],
    ];
    for (const [table, id, at, who] of documents) {
      const document = { id, tmstmp: new Date(at).toISOString(), who };
      await h.es.index({ index: `${h.index}-${table}`, id, document, refresh: true });
    }
  });
  after(() => h.cleanup());

  async function row(table: string, id: string): Promise<{ who: string; ttl: number } | undefined> {
    const rows = await h.cassandra.execute(
      `SELECT who, TTL(who) AS ttl FROM ${h.keyspace}.${table} WHERE id = ?`,
      [id],
      PREPARED,
    );
    const found = rows.rows[0];
    return found === undefined ? undefined : { who: String(found.get("who")), ttl: Number(found.get("ttl")) };
  }

  /** What a row of the version half the TTL ago has left, give or take the test's own time. */
  function assertHalfLeft(ttl: number | undefined, what: string): void {
    assert.ok(ttl !== undefined && ttl > TTL / 2 - 120 && ttl <= TTL / 2, `${what}: TTL ${String(ttl)}`);
  }

  it("is shown by synced plan as expired, not as a write", async () => {
    const args = [
      "plan",
      ...h.baseArgs(),
      "--name",
      "expiry-plan",
      "-b",
      "0",
      "--tables",
      "sessions",
      "--json",
    ];
    const result = await h.cli(args);
    assert.equal(result.code, EXIT.success, result.stderr);
    const plan = JSON.parse(result.stdout) as { decisions: { id: string; action: string; reason: string }[] };
    const decision = plan.decisions.find((d) => d.id === expired);
    assert.deepEqual([decision?.action, decision?.reason], ["skip", "expired"]);
    assert.equal(await row("sessions", expired), undefined);
  });

  it("writes no document older than the TTL, and the others to expire when a row of their version would", async () => {
    const { code, summary } = await h.run([
      "--name",
      "expiry",
      "--direction",
      "to-cassandra",
      "--tables",
      "sessions",
    ]);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    const stats = tableStats(summary, "sessions", "to-cassandra");
    assert.equal(stats["written"], 1, JSON.stringify(stats));
    assert.equal(stats["expired"], 1, JSON.stringify(stats));
    assert.equal(await row("sessions", expired), undefined, "the expired document stays out");
    assertHalfLeft((await row("sessions", half))?.ttl, "written with USING TIMESTAMP");
  });

  it("gives the same time to live to writes made as lightweight transactions", async () => {
    const { code, summary } = await h.run([
      ...["--name", "expiry-lwt", "--direction", "to-cassandra", "--tables", "visits"],
      ...["--cassandra-writes", "lwt"],
    ]);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    assert.equal(tableStats(summary, "visits", "to-cassandra")["written"], 2);
    assertHalfLeft((await row("visits", absent))?.ttl, "written if not exists");
    const updated = await row("visits", replaced);
    assert.equal(updated?.who, "after");
    assertHalfLeft(updated.ttl, "updated if the row's timestamp held");
  });

  it("is counted as expired by verify, not as missing", async () => {
    const result = await h.cli(["verify", ...h.baseArgs(), "-b", "0", "--tables", "sessions", "--json"]);
    assert.equal(result.code, EXIT.success, result.stdout);
    const report = JSON.parse(result.stdout) as { sides: VerifySide[] };
    const fromIndex = report.sides.find((s) => s.side === "elasticsearch");
    assert.equal(fromIndex?.expired, 1, result.stdout);
    assert.equal(fromIndex.missing, 0, result.stdout);
  });
});

// An application that gives each write its own TTL (INSERT ... USING TTL) leaves nothing in the
// schema: before the `ttl` table setting, such a table's expired rows came back from their documents
// for good, as rows that never expire.
describe("a table whose application writes rows with a time to live", () => {
  let h: Harness;
  let dir: string;
  const now = Date.now();
  const expired = cassandra.types.Uuid.random().toString();
  const half = cassandra.types.Uuid.random().toString();

  before(async () => {
    h = await Harness.create("writettl");
    dir = await mkdtemp(join(tmpdir(), "synced-writettl-"));
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.tokens (id uuid PRIMARY KEY, tmstmp timestamp, who text)`,
    );
    const documents: [string, number][] = [
      [expired, now - 2 * TTL * 1000],
      [half, now - (TTL / 2) * 1000],
    ];
    for (const [id, at] of documents) {
      const document = { id, tmstmp: new Date(at).toISOString(), who: "app" };
      await h.es.index({ index: `${h.index}-tokens`, id, document, refresh: true });
    }
  });
  after(async () => {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("takes the table's ttl setting as its time to live", async () => {
    const settings = join(dir, "synced.yaml");
    await writeFile(settings, `tables:\n  tokens:\n    ttl: ${TTL}s\n`);
    const { code, summary } = await h.run([
      ...["--config", settings, "--name", "write-ttl", "-b", "0"],
      ...["--direction", "to-cassandra", "--tables", "tokens"],
    ]);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    const stats = tableStats(summary, "tokens", "to-cassandra");
    assert.deepEqual([stats["written"], stats["expired"]], [1, 1], JSON.stringify(stats));
    const rows = await h.cassandra.execute(`SELECT id, TTL(who) AS ttl FROM ${h.keyspace}.tokens`);
    assert.deepEqual(
      rows.rows.map((r) => String(r.get("id"))),
      [half],
      "the expired document stays out",
    );
    const ttl = Number(rows.rows[0]?.get("ttl"));
    assert.ok(ttl > TTL / 2 - 120 && ttl <= TTL / 2, `TTL ${ttl}`);

    // synced verify, given the same file, counts the document left out as expired, not missing.
    const verify = await h.cli([
      ...["verify", ...h.baseArgs(), "--config", settings, "-b", "0", "--tables", "tokens", "--json"],
    ]);
    assert.equal(verify.code, EXIT.success, verify.stdout);
    const report = JSON.parse(verify.stdout) as { sides: VerifySide[] };
    const fromIndex = report.sides.find((s) => s.side === "elasticsearch");
    assert.deepEqual([fromIndex?.expired, fromIndex?.missing], [1, 0], verify.stdout);
  });
});
