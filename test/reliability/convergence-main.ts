// The long convergence check (scripts/convergence.sh): rounds of the convergence checker with more
// records, more writes and, with --faults, runs killed or stopped at random moments. Prints each
// round's figures and the totals as JSON, and exits 1 when any record diverged or any run failed.
//   node dist/test/reliability/convergence-main.js [--rounds 5] [--operations 20000] [--ids 500]
//     [--writers 6] [--duration 120] [--seed N] [--faults]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import cassandra from "cassandra-driver";
import { cassandraOptions, connectTestSearch, runScopedName } from "../support/servers.js";
import { ConvergenceCheck, type ConvergenceReport } from "./convergence.js";
import { describeDivergence } from "./oracle.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    operations: { type: "string", default: "20000" },
    ids: { type: "string", default: "500" },
    writers: { type: "string", default: "6" },
    duration: { type: "string", default: "120" },
    seed: { type: "string" },
    faults: { type: "boolean", default: false },
  },
});

function whole(name: string, text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < 1) {
    throw new Error(`--${name} must be a whole number of at least 1, not '${String(text)}'`);
  }
  return Number(text);
}

const rounds = whole("rounds", values.rounds);
const firstSeed =
  values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : whole("seed", values.seed);
const client = new cassandra.Client(cassandraOptions());
const es = await connectTestSearch();
const reports: ConvergenceReport[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    const seed = firstSeed + round;
    const stateDir = await mkdtemp(join(tmpdir(), "convergence-state-"));
    try {
      const report = await new ConvergenceCheck({
        seed,
        name: runScopedName("convlong"),
        idsPerTable: whole("ids", values.ids),
        operations: whole("operations", values.operations),
        writers: whole("writers", values.writers),
        durationMs: whole("duration", values.duration) * 1000,
        stateDir,
        faults: values.faults,
        cassandra: client,
        es,
        log: (line) => {
          process.stderr.write(`${line}\n`);
        },
      }).run();
      reports.push(report);
      process.stdout.write(
        `${JSON.stringify({ round: round + 1, ...report, divergences: report.divergences.map(describeDivergence) })}\n`,
      );
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  }
} finally {
  await Promise.all([client.shutdown(), es.close()]);
}

const runs: Record<string, number> = {};
for (const report of reports) {
  for (const [ending, count] of Object.entries(report.runs)) runs[ending] = (runs[ending] ?? 0) + count;
}
const totals = {
  rounds,
  firstSeed,
  operations: reports.reduce((n, r) => n + r.operations, 0),
  records: reports.reduce((n, r) => n + r.records, 0),
  runs,
  failures: reports.reduce((n, r) => n + r.failures.length, 0),
  divergences: reports.reduce((n, r) => n + r.divergences.length, 0),
  writtenByRerun: reports.reduce((n, r) => n + r.writtenByRerun, 0),
  late: reports.reduce((n, r) => n + r.late, 0),
  durationMs: reports.reduce((n, r) => n + r.durationMs, 0),
};
process.stdout.write(`${JSON.stringify({ totals })}\n`);
process.exitCode = totals.failures + totals.divergences + totals.writtenByRerun === 0 ? 0 : 1;
