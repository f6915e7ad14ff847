// `synced verify`: whether both sides hold the same records over a range (by default everything up to
// now minus --lag), per table and side, with the first differing ids and the first records it cannot
// read. It takes no lease and leaves the checkpoint alone, so it can run beside the job. Without
// --repair it writes nothing; with it, each differing record is written as a run writes it (decided
// again, conditionally), which is as safe beside the job as a second run of it, and what cannot be
// written goes to the dead letters.
import type { SyncOptions } from "../config/options.js";
import { UsageError } from "../core/errors.js";
import { microsFromMillis, nowMicros } from "../core/micros.js";
import { newRunId } from "../core/run-id.js";
import type { DeadLetterStore } from "../deadletter/dead-letter-store.js";
import { RunDeadLetters } from "../deadletter/run-dead-letters.js";
import { refuseLaterLetters } from "../deadletter/later-letters.js";
import { ErrorBudget } from "../reconcile/error-budget.js";
import { resolveRange } from "../reconcile/range.js";
import { scanRangeOf } from "../reconcile/range-placement.js";
import { verify, type VerifyReport } from "../reconcile/verify.js";
import { differences, type RepairSettings } from "../reconcile/verify-side.js";
import { stateKeyFor } from "../state/state-key.js";
import type { VerifyFlags } from "./command-flags.js";
import { withClients } from "./connections.js";
import { EXIT } from "./exit-codes.js";
import { planOptions, recordStores } from "./record-stores.js";
import { openDeadLetters, type RunContext } from "./run-command.js";
import { inCommandWords, loggerInCommandWords, verifyStop } from "./stop-words.js";
import { reportJson, reportText } from "./verify-report.js";
import { runWindow } from "./verify-window.js";

export async function verifyCommand(
  options: SyncOptions,
  flags: VerifyFlags,
  given: RunContext,
): Promise<number> {
  // What a run's messages say to run again, verify's say to verify (--repair) again.
  const kept = verifyStop(flags.repair);
  const context = { ...given, logger: loggerInCommandWords(given.logger, kept) };
  if (flags.repair && options.dryRun) {
    throw new UsageError(
      "--repair writes what differs, and --dry-run promises to write nothing: give one of them " +
        "(synced verify alone lists the differences without writing).",
      { option: "dry-run" },
    );
  }
  // No checkpoint: parity is a question about everything, unless -b says otherwise.
  const now = nowMicros();
  const range = resolveRange({
    begin: options.begin,
    end: options.end,
    lagMs: options.lagMs,
    now,
    allowFutureEnd: options.allowFutureEnd,
    movesCheckpoint: false,
  });
  // As a run reads it: a record without a version and one dated past --max-future lie in no range, and
  // every run dead-letters them; left out, they were on one side only while verify said both agree.
  const scanned = scanRangeOf(range.begin, range.end, now + microsFromMillis(options.maxFutureMs));
  return withClients(options, async (clients) => {
    const stores = await recordStores(options, clients, context);
    const key = stateKeyFor(options);
    const window = await runWindow(options, key, clients);
    const letters: DeadLetterStore | undefined = flags.repair
      ? await openDeadLetters(options, key, clients, true, (message) => {
          context.logger.info(message);
        })
      : undefined;
    if (letters !== undefined)
      await refuseLaterLetters(letters, key).catch(async (error: unknown) => {
        await letters.close();
        throw error;
      });
    const repair: RepairSettings | undefined =
      letters === undefined
        ? undefined
        : {
            copyMissing: flags.copyMissing,
            deadLetters: new RunDeadLetters(letters, key, newRunId()),
            budget: new ErrorBudget(options.maxErrors),
          };
    const report = await verify(
      {
        range: scanned,
        direction: options.direction,
        limit: flags.limit,
        plan: planOptions(options),
        batchSize: options.batchSize,
        ...(repair === undefined ? {} : { repair }),
        ...(window === undefined ? {} : { window }),
      },
      {
        ...stores,
        signal: context.signal,
        log: (message, fields) => {
          context.logger.info(message, fields);
        },
        onSide: (parity) => {
          const from = parity.side === "cassandra" ? stores.cassandra : stores.elasticsearch;
          context.logger.info(`verified ${parity.table} from ${from.name.toLowerCase()}`, {
            scanned: parity.scanned,
            differences: differences(parity),
            ...(repair === undefined ? {} : { repaired: parity.repaired, repairFailed: parity.repairFailed }),
          });
        },
      },
    ).finally(() => letters?.close());
    const repaired = repair !== undefined;
    if (repaired) context.metrics?.verified(report, new Date());
    // A table skipped for what a run would say to fix "and run again": verify is what to repeat.
    const shown = {
      ...report,
      skipped: report.skipped.map((s) => ({ ...s, reason: inCommandWords(s.reason, kept) })),
    };
    context.stdout(
      options.json
        ? JSON.stringify(reportJson(shown, repaired), null, 2)
        : reportText(shown, repaired).join("\n"),
    );
    return verifyExitCode(report, repaired);
  });
}

/**
 * 0: the sides agree (or a repair settled every difference); 3: a repair stored dead letters;
 * 7: differences remain that only a person can settle (or, without --repair, any difference).
 */
function verifyExitCode(report: VerifyReport, repaired: boolean): number {
  if (repaired && report.sides.some((s) => s.repairFailed > 0)) return EXIT.partial;
  return report.unresolved === 0 ? EXIT.success : EXIT.differ;
}
