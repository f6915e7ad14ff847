#!/usr/bin/env node
// The synced command's entry point. Signals are caught before anything else loads: the rest of synced
// (drivers, clients, option parsing) takes a second or more to load on a busy machine, and a SIGTERM
// in that time would otherwise end the process with Node's default, 143, not the documented 130.
import { catchSignals } from "./signals.js";

const signals = catchSignals();
// `ps` and `top` show the command by its name and arguments rather than as node running a script,
// from the moment it answers signals as documented.
process.title = ["synced", ...process.argv.slice(2)].join(" ");
const { main } = await import("./commands.js");
const code = await main(signals);
// Exit rather than wait for the event loop to drain: a request abandoned after its time limit (a
// state store that stopped answering) would keep the process alive. Flushing the output first loses
// nothing.
process.stdout.write("", () => {
  process.stderr.write("", () => process.exit(code));
});
