// `npm run bench`: measures synced against the raw clients, and against the copy scripts a user would
// write instead (the yardstick of figures 1 and 2), on data it creates; prints the figures and the
// yardstick with their targets, saves the results as JSON, and removes its data. Exits 0 when it
// measured, whatever the figures; 1 when a step failed, 2 for bad options.
import { performance } from "node:perf_hooks";
import { inspect } from "node:util";
import { closeClients, connectClients, serverVersions } from "./clients.js";
import { measureFigure, type FigureResult } from "./figures.js";
import { Measurements } from "./measurements.js";
import { FIGURES, parseOptions, USAGE, UsageError, type BenchOptions } from "./options.js";
import { detailLines, figureTable, headerLines, machine, saveResults, type Machine } from "./report.js";
import { yardstickLines } from "./yardstick.js";
import { createWorkspace, removeWorkspace, type Workspace } from "./workspace.js";

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : inspect(error);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function samples(m: Measurements): { cassandra: number; bulk: number } {
  return { cassandra: m.sampleSize, bulk: m.bulkSampleSize };
}

/** SIGINT or SIGTERM stops the benchmark between steps (and a running synced), then cleans up. */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    log(`${signal}: stopping after the current step and removing the data; again to stop at once`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}

async function run(options: BenchOptions): Promise<number> {
  const started = performance.now();
  const signal = interruptible();
  const clients = await connectClients();
  let workspace: Workspace | undefined;
  let host: Machine | undefined;
  let measurements: Measurements | undefined;
  const results: FigureResult[] = [];
  let failure: unknown;
  const cleanupProblems: string[] = [];
  try {
    host = machine(await serverVersions(clients));
    workspace = await createWorkspace(clients);
    measurements = new Measurements({ clients, workspace, options, signal });
    for (const line of headerLines(host, options, samples(measurements), workspace.name)) console.log(line);
    log(`setting up ${workspace.name}`);
    await measurements.setUp(options.only);
    for (const figure of FIGURES) {
      if (!options.only.has(figure)) continue;
      log(`figure ${figure} (${seconds(performance.now() - started)} so far)`);
      results.push(await measureFigure(figure, measurements, options));
    }
  } catch (error) {
    failure = error;
  } finally {
    if (workspace) {
      cleanupProblems.push(...(await removeWorkspace(clients, workspace, options.keep)));
      for (const problem of cleanupProblems) log(`cleanup failed: ${problem}`);
      if (options.keep) log(`kept keyspace ${workspace.name} and indices ${workspace.name}-*`);
    }
    await closeClients(clients);
  }
  const wallMs = performance.now() - started;
  const details = measurements ? await measurements.details() : { settling: [] };
  console.log("");
  for (const line of figureTable(results)) console.log(line);
  console.log("");
  const yardsticks = results.flatMap((r) => (r.yardstick ? [{ ...r, yardstick: r.yardstick }] : []));
  for (const line of yardstickLines(yardsticks)) console.log(line);
  if (yardsticks.length > 0) console.log("");
  for (const line of detailLines(details)) console.log(line);
  console.log(`wall time: ${seconds(wallMs)}`);
  await saveResults(options.out, {
    startedAt: new Date(Date.now() - wallMs).toISOString(),
    wallMs: Math.round(wallMs),
    machine: host,
    settings: {
      ...options,
      only: [...options.only],
      samples: measurements ? samples(measurements) : undefined,
    },
    keyspace: workspace?.name,
    figures: results,
    details,
    ...(failure ? { error: messageOf(failure) } : {}),
  });
  console.log(`results: ${options.out}`);
  if (failure) {
    process.stderr.write(`bench failed: ${messageOf(failure)}\n`);
    return 1;
  }
  // Data left behind is a failure too: the next run on this machine would share the servers with it.
  return cleanupProblems.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  let options: BenchOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    // Connecting failed: nothing was created, so there is nothing to remove.
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    process.stderr.write(`bench failed: ${messageOf(error)}${cause}\n`);
    return 1;
  }
}

process.exitCode = await main();
