// The convergence checker, short: seeded writers on both stores while synced runs again and again,
// then a final run must leave every record equal to the oracle's winner on both stores. The seed is
// printed; SYNCED_CONVERGENCE_SEED=<seed> replays a failure. The long version is
// scripts/convergence.sh.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SearchFixture } from "../support/search-fixture.js";
import cassandra from "cassandra-driver";
import { ConvergenceCheck } from "../reliability/convergence.js";
import { describeDivergence } from "../reliability/oracle.js";
import { seedFrom } from "../reliability/seeded-random.js";
import { cassandraOptions, connectTestSearch, runScopedName } from "../support/servers.js";

describe("convergence under concurrent writers", () => {
  let stateDir: string;
  let cassandraClient: cassandra.Client;
  let es: SearchFixture;

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "convergence-state-"));
    cassandraClient = new cassandra.Client(cassandraOptions());
    es = await connectTestSearch();
  });
  after(async () => {
    await Promise.all([cassandraClient.shutdown(), es.close()]);
    await rm(stateDir, { recursive: true, force: true });
  });

  it("brings every record on both stores to the newest write, whatever the writers did meanwhile", async (t) => {
    const seed = seedFrom("SYNCED_CONVERGENCE_SEED");
    t.diagnostic(`seed ${seed} (replay with SYNCED_CONVERGENCE_SEED=${seed})`);
    const report = await new ConvergenceCheck({
      seed,
      name: runScopedName("conv"),
      idsPerTable: 50,
      operations: 1000,
      writers: 4,
      durationMs: 20_000,
      stateDir,
      cassandra: cassandraClient,
      es,
      log: (line) => {
        t.diagnostic(line);
      },
    }).run();
    t.diagnostic(JSON.stringify({ ...report, divergences: report.divergences.length }));
    const context = `seed ${seed}`;
    assert.deepEqual(report.failures, [], context);
    assert.deepEqual(report.divergences.slice(0, 10).map(describeDivergence), [], context);
    assert.equal(report.writtenByRerun, 0, context);
    assert.equal(report.operations, 1000, context);
    // The writers overlapped real runs, not only the final one.
    assert.ok((report.runs["success"] ?? 0) >= 3, `${context}: ${JSON.stringify(report.runs)}`);
  });
});
