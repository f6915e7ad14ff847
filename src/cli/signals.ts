// SIGINT and SIGTERM from the first moment synced's code runs. Until a command starts its work (while
// the modules load, the command line is parsed and the options are read) nothing needs cleaning up,
// so a signal ends the process at once with the documented code; from then on the command stops
// cleanly, and a second signal ends it at once. This module loads nothing else, so that its handlers
// are in place before the rest of synced is loaded, which takes a second or more on a busy machine.

/** The exit code of a stop by SIGINT or SIGTERM (EXIT.interrupted). */
export const INTERRUPTED_EXIT = 130;

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export interface SignalControl {
  /**
   * From now on a first signal calls `onFirst` (the command stops after its current step), and a
   * second one ends the process at once.
   */
  stopGracefully(onFirst: (signal: NodeJS.Signals) => void): void;
}

function stopAtOnce(signal: NodeJS.Signals): void {
  process.stderr.write(`synced: stopped by ${signal} while starting; nothing was done\n`, () => {
    process.exit(INTERRUPTED_EXIT);
  });
}

export function catchSignals(): SignalControl {
  for (const signal of SIGNALS) process.on(signal, stopAtOnce);
  let graceful = false;
  return {
    stopGracefully(onFirst) {
      if (graceful) return;
      graceful = true;
      let received = false;
      const handler = (signal: NodeJS.Signals): void => {
        // A second signal means the user will not wait for a clean stop.
        if (received) process.exit(INTERRUPTED_EXIT);
        received = true;
        onFirst(signal);
      };
      for (const signal of SIGNALS) {
        process.on(signal, handler);
        process.off(signal, stopAtOnce);
      }
    },
  };
}
