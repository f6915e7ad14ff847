// `synced watch --every <duration>`: the job as a long-running process, for those who run it as a
// Deployment or a service rather than from cron. It runs the configuration, waits, and runs it again;
// it serves Prometheus metrics on /metrics and its health on /healthz and /livez; SIGTERM or SIGINT stops it at
// once, giving up a run's reads and writes in flight (between runs there are none). With --verify-every it also
// runs synced verify --repair after a run, at most that often, for the late records no run's
// look-back window reaches.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { SyncOptions } from "../config/options.js";
import { formatDuration } from "../core/duration-text.js";
import { withOptionSource } from "../config/option-sources.js";
import { commandOptionSpec } from "../config/option-specs.js";
import { ConfigError, SyncedError, UsageError } from "../core/errors.js";
import { EXIT, exitCodeForError } from "./exit-codes.js";
import type { Logger } from "./logger.js";
import type { RunMetrics } from "./metrics.js";
import { runCommand, type RunContext } from "./run-command.js";
import { verifyCommand } from "./verify-command.js";
import { stallBoundWarning, WatchHealth } from "./watch-health.js";
import type { WatchMetrics } from "./watch-metrics.js";

export interface WatchSettings {
  readonly everyMs: number;
  readonly verifyEveryMs?: number;
  /** /healthz fails once a run has gone this long without finishing a batch. */
  readonly stalledAfterMs: number;
  readonly listen: { readonly host: string; readonly port: number };
}

export interface WatchContext extends RunContext {
  /** Told as the watch begins and ends a wait between runs, when a signal gives up nothing in flight. */
  readonly waiting?: (waiting: boolean) => void;
}

export async function watchCommand(
  options: SyncOptions,
  watch: WatchSettings,
  context: WatchContext,
): Promise<number> {
  refuseFixedRange(options);
  // Loaded here, not with the command line: prom-client costs every single run about 50 ms of CPU.
  const metrics = new (await import("./metrics.js")).RunMetrics();
  const health = new WatchHealth(watch.stalledAfterMs);
  const bound = stallBoundWarning(watch.stalledAfterMs, options.retryWindowMs);
  if (bound !== undefined) context.logger.warn(bound);
  // A table read far more than its range held is told of in the first cycle that does it, not in all.
  const cycles: RunContext = { ...context, noticesGiven: new Set<string>() };
  let verifiedAt: number | undefined;
  const served = new (await import("./watch-metrics.js")).WatchMetrics(metrics, health);
  const server = await serve(watch.listen, served, health);
  const { address, port } = server.address() as AddressInfo;
  context.logger.info(
    `watching: a run every ${formatDuration(watch.everyMs)}; /metrics and /healthz on http://${address}:${port}`,
    {
      every: formatDuration(watch.everyMs),
      listen: `${address}:${port}`,
    },
  );
  try {
    while (!context.signal.aborted) {
      health.started();
      const code = await oneRun(options, { ...cycles, logger: progressTold(cycles.logger, health) }, metrics);
      health.ended(code);
      if (code === EXIT.interrupted) break;
      // A mistake in the options fails every run the same way: stop rather than fail forever.
      if (code === EXIT.usage && health.runs === 1) return code;
      const due = watch.verifyEveryMs;
      if (due !== undefined && (verifiedAt === undefined || performance.now() - verifiedAt >= due)) {
        verifiedAt = performance.now();
        if ((await oneRepair(options, context, metrics)) === EXIT.interrupted) break;
      }
      // A signal during the wait ends it at once; the loop's condition then stops.
      context.waiting?.(true);
      await sleep(watch.everyMs, undefined, { signal: context.signal }).catch(() => undefined);
      context.waiting?.(false);
    }
    context.logger.info("stopped watching", { runs: health.runs });
    return EXIT.interrupted;
  } finally {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }
}

/**
 * -e and -b are read once, when the watch starts. With -e every run would end at the same time: the
 * first moves the checkpoint there, and every later one fails as having nothing new to sync, which
 * kept /healthz failing until stopped. With -b every run read again from there up to now, a range that
 * grew with each run; one that began after the earliest version gave a new configuration no
 * checkpoint, so no run ever became incremental, and a restarted pod began the same read again.
 */
const FIXED_RANGE: Readonly<Record<"begin" | "end", string>> = {
  end:
    "-e sets one end for every run of synced watch, read when it starts: after its first run there " +
    "would be nothing new, and every later run would fail. synced watch ends each run at now minus " +
    "--lag; leave -e out, or run synced -e <time> once (from cron) for a range that ends at a time.",
  begin:
    "-b sets one begin for every run of synced watch, read when it starts: each run would read again " +
    "from there up to now, a longer range every time. synced watch begins each run at the " +
    "checkpoint; leave -b out. To have it begin at a time, set the checkpoint there first with " +
    "synced state set --to <time> --yes (with the same options); for a backfill of a past range, " +
    "run synced -b <time> -e <time> once.",
};

function refuseFixedRange(options: SyncOptions): void {
  for (const option of ["end", "begin"] as const) {
    if (options[option] === undefined) continue;
    throw withOptionSource(new ConfigError(option, undefined, FIXED_RANGE[option]), options.sources);
  }
}

/** One run; an expected failure is logged and counted, and the loop goes on. */
async function oneRun(options: SyncOptions, context: RunContext, metrics: RunMetrics): Promise<number> {
  const started = performance.now();
  try {
    return await runCommand(options, { ...context, metrics });
  } catch (thrown) {
    const error = expectedFailure(thrown, "run", options, context);
    const tookMs = performance.now() - started;
    metrics.failed(error.kind === "interrupted" ? "interrupted" : "failed", new Date(), tookMs);
    return exitCodeForError(error);
  }
}

/** The run's logger, which also tells `health` of each batch the run finishes. */
function progressTold(logger: Logger, health: WatchHealth): Logger {
  return {
    info: (message, fields) => {
      logger.info(message, fields);
    },
    warn: (message, fields) => {
      logger.warn(message, fields);
    },
    error: (message, fields) => {
      logger.error(message, fields);
    },
    debug: (message, fields) => {
      logger.debug(message, fields);
    },
    progress: (stats, expected) => {
      health.progressed();
      logger.progress(stats, expected);
    },
    done: () => {
      logger.done();
    },
    end: (level, message, fields) => {
      logger.end(level, message, fields);
    },
    setLevel: (level) => {
      logger.setLevel(level);
    },
  };
}

/** A SyncedError is logged with where its option came from, for the loop to go on; anything else is a bug. */
function expectedFailure(
  thrown: unknown,
  what: "run" | "verify",
  options: SyncOptions,
  context: RunContext,
): SyncedError {
  if (!(thrown instanceof SyncedError)) throw thrown;
  const error = withOptionSource(thrown, options.sources);
  // An error line, as a failed run's last line is (run-end-line.ts): --quiet keeps it, alerts count it.
  context.logger.error(`${what} failed: ${error.message}`, {
    kind: error.kind,
    exitCode: exitCodeForError(error),
  });
  return error;
}

/** Differing ids a scheduled verify lists, as `synced verify` does by default. */
const LISTED = Number(commandOptionSpec("verify", "limit").default);

/**
 * A verify with repair over the configuration's range, as `synced verify --repair` runs it: records
 * on one side only are listed and counted (synced_verify_unresolved), never copied, since they may be
 * hard deletes. A failure is logged and the watch goes on, as after a failed run.
 */
async function oneRepair(options: SyncOptions, context: RunContext, metrics: RunMetrics): Promise<number> {
  context.logger.info("verifying with repair (--verify-every)");
  try {
    return await verifyCommand(
      options,
      { limit: LISTED, repair: true, copyMissing: false },
      { ...context, metrics },
    );
  } catch (thrown) {
    // SIGTERM in the middle of the verify: its writes so far stand, each one conditional.
    if (context.signal.aborted) return EXIT.interrupted;
    return exitCodeForError(expectedFailure(thrown, "verify", options, context));
  }
}

function serve(listen: WatchSettings["listen"], metrics: WatchMetrics, health: WatchHealth): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    // HEAD as GET: Node leaves out the body, and probes that ask with HEAD get the status.
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/metrics") {
      metrics
        .text()
        .then((text) => response.writeHead(200, { "content-type": metrics.contentType }).end(text))
        .catch(() => response.writeHead(500).end());
    } else if (path === "/healthz" || path === "/livez") {
      const { status, body } = path === "/healthz" ? health.answer() : health.alive();
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    } else {
      response
        .writeHead(404, { "content-type": "text/plain" })
        .end("synced serves /metrics, /healthz and /livez\n");
    }
  });
  return new Promise((resolve, reject) => {
    const refused = (error: Error): void => {
      const where = `${listen.host}:${listen.port}`;
      reject(
        new UsageError(`cannot listen on ${where} (${error.message}); choose another --listen.`, {
          listen: where,
        }),
      );
    };
    server.once("error", refused);
    server.listen(listen.port, listen.host, () => {
      server.off("error", refused);
      resolve(server);
    });
  });
}
