// Who holds a configuration's lease, as its owner says: a run by its id, and the commands that take the
// lease (a replay of dead letters, a change of the checkpoint) by their words before the id. Neither
// command leaves a run in the history, so a run they keep out, and synced status, say which it is.

/** The commands other than a run that hold a configuration's lease while they work. */
export type LeaseCommand = "dead-letters replay" | "state set" | "state reset";

const COMMANDS: readonly LeaseCommand[] = ["dead-letters replay", "state set", "state reset"];

/** The owner a command writes into the lease: `state-set-<id>`, `dead-letters-replay-<id>`. */
export function commandOwner(command: LeaseCommand, id: string): string {
  return `${command.replaceAll(" ", "-")}-${id}`;
}

/** The command and id an owner names; a run's owner is its bare id (and so was a replay's, once). */
function parseOwner(owner: string): { command?: LeaseCommand; id: string } {
  for (const command of COMMANDS) {
    const prefix = `${command.replaceAll(" ", "-")}-`;
    if (owner.startsWith(prefix)) return { command, id: owner.slice(prefix.length) };
  }
  return { id: owner };
}

/** `run <id>`, or `dead-letters replay <id>`: what holds the lease, as status shows it. */
export function ownerWords(owner: string): string {
  const { command, id } = parseOwner(owner);
  return `${command ?? "run"} ${id}`;
}

/** `another run`, or `a dead-letters replay`: what is in progress, for the run it keeps out. */
export function ownerWork(owner: string): string {
  const { command } = parseOwner(owner);
  return command === undefined ? "another run" : `a ${command}`;
}
