// The synced command, once main.ts has caught the signals: parses the command line, runs the command,
// and turns every outcome and error into a message and an exit code.
import { hideBin } from "yargs/helpers";
import { ignoredCreation, ignoredSelection } from "./command-flags.js";
import { buildCli } from "./command-line.js";
import type { Flags } from "../config/layers.js";
import { loadConfig } from "../config/load-config.js";
import { withOptionSource } from "../config/option-sources.js";
import type { OptionSources, SyncOptions } from "../config/options.js";
import { redactedConfig } from "../config/redact.js";
import { InterruptedError } from "../reconcile/run-errors.js";
import { inCommandWords, lettersStop, PLAN_STOP, RUN_STOP, runStop, verifyStop } from "./stop-words.js";
import { EXIT, exitCodeForError } from "./exit-codes.js";
import { createLogger } from "./logger.js";
import { deadLettersCommand } from "./dead-letters-command.js";
import { runCommand } from "./run-command.js";
import { stateCommand, statusCommand } from "./state-command.js";
import { verifyCommand } from "./verify-command.js";
import { planCommand } from "./plan-command.js";
import { watchCommand } from "./watch-command.js";
import type { SignalControl } from "./signals.js";
import { bugReport, isBug } from "./unexpected-error.js";
import { visibleText } from "./visible-text.js";

export async function main(signals: SignalControl): Promise<number> {
  const logger = createLogger();
  const controller = new AbortController();
  /** What the command leaves when a signal stops it, for its message (stop-words.ts). */
  let kept = RUN_STOP;
  /** A watch waiting for its next run: it has no reads or writes in flight, nor a lease to let go. */
  let between = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // The reads and writes of records in flight end now; the lease is still let go (record-stores.ts).
    logger.info(
      between
        ? `received ${signal} between runs: stopping; no run was in progress, so nothing is given up`
        : `received ${signal}: stopping, giving up the reads and writes in flight; press again to stop at once`,
    );
    controller.abort(new InterruptedError(signal, undefined, kept));
  };
  let code: number = EXIT.success;
  let sources: OptionSources | undefined;
  const options = async (flags: Flags, selectionRequired = true): Promise<SyncOptions> => {
    // Notices about the settings wait for the log level they are read with (--quiet keeps them out),
    // or, when the settings are refused, come before the refusal.
    const notices: string[] = [];
    const notify = (): void => {
      for (const message of notices.splice(0)) logger.info(message);
    };
    let resolved: SyncOptions;
    try {
      resolved = await loadConfig({
        flags,
        env: process.env,
        selectionRequired,
        warn: (message) => notices.push(message),
      });
    } catch (error) {
      notify();
      throw error;
    }
    logger.setLevel(resolved.logLevel);
    notify();
    sources = resolved.sources;
    // Until now a signal ended the process at once; from here the command has work to stop cleanly.
    signals.stopGracefully(onSignal);
    return resolved;
  };
  const context = {
    signal: controller.signal,
    logger,
    stdout: (text: string) => process.stdout.write(`${visibleText(text)}\n`),
  };
  try {
    await buildCli(hideBin(process.argv), {
      run: async (flags) => {
        const resolved = await options(flags);
        // A dry run has no checkpoint to keep (the signal is caught once options() has returned).
        kept = runStop(resolved.dryRun);
        logger.info("starting", { options: redactedConfig(resolved) });
        code = await runCommand(resolved, context);
      },
      deadLetters: async (action, flags, letters) => {
        const resolved = await options(flags);
        // A dry run changes no letter (the signal is caught once options() has returned).
        kept = lettersStop(action, resolved.dryRun);
        code = await deadLettersCommand(action, resolved, letters, context);
      },
      watch: async (flags, watch) => {
        const resolved = await options(flags);
        // A dry run has no checkpoint to keep (the signal is caught once options() has returned).
        kept = runStop(resolved.dryRun);
        logger.info("starting", { options: redactedConfig(resolved) });
        code = await watchCommand(resolved, watch, {
          ...context,
          waiting: (waiting) => {
            between = waiting;
          },
        });
      },
      plan: async (flags, sample) => {
        kept = PLAN_STOP;
        const resolved = await options(flags);
        logger.info("planning", { options: redactedConfig(resolved) });
        code = await planCommand(resolved, sample, context);
      },
      verify: async (flags, verify) => {
        kept = verifyStop(verify.repair);
        const resolved = await options(flags);
        const ignored = ignoredCreation(resolved);
        if (ignored !== undefined) logger.info(ignored);
        code = await verifyCommand(resolved, verify, context);
      },
      status: async (flags, state) => {
        const resolved = await options(flags, false);
        const ignored = ignoredSelection(flags);
        if (ignored !== undefined) logger.info(ignored);
        code = await statusCommand(resolved, state, context);
      },
      state: async (action, flags, state) => {
        code = await stateCommand(action, await options(flags), state, context);
      },
    }).parseAsync();
  } catch (thrown) {
    // A refusal found after connecting (a --tables typo) says where the option was given too.
    const error = withOptionSource(thrown, sources);
    logger.done();
    const message = inCommandWords(error instanceof Error ? error.message : String(error), kept);
    process.stderr.write(`synced: ${visibleText(message)}\n`);
    if (isBug(error)) process.stderr.write(`${bugReport(error)}\n`);
    code = exitCodeForError(error);
  }
  return code;
}
