// The run command's flags and help, taken from the real command line without running anything.
import { buildCli } from "../../src/cli/command-line.js";
import type { Flags } from "../../src/config/layers.js";
import { UsageError } from "../../src/core/errors.js";

/** The run command's flags for `argv`, or the UsageError the command line gives. */
export async function parseRunFlags(argv: readonly string[]): Promise<Flags> {
  let flags: Flags | undefined;
  await buildCli(argv, { run: (parsed) => void (flags = parsed) }).parseAsync();
  if (flags === undefined) throw new UsageError("synced did not run: --help or --version was given.");
  return flags;
}

/** The full --help text of the run command. */
export function renderHelp(): Promise<string> {
  return buildCli([], { run: () => undefined }).getHelp();
}
