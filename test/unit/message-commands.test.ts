// Every `synced <command>` that a message, the help or the documentation names is a command that
// exists, so a user who follows the advice is not told the command is unknown.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { buildCli } from "../../src/cli/command-line.js";
import { LETTER_ACTIONS, STATE_ACTIONS } from "../../src/cli/command-flags.js";
import { COMMANDS } from "../../src/cli/command-words.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOCS = ["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", "RELIABILITY.md", "docs/USAGE.md"];

async function filesUnder(directory: string, extensions: readonly string[]): Promise<string[]> {
  const entries = await readdir(join(ROOT, directory), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && extensions.some((ext) => e.name.endsWith(ext)))
    .map((e) => join(e.parentPath, e.name));
}

/** `synced <word>` in backticks, as messages and docs quote a command. */
function namedCommands(text: string): string[] {
  return [...text.matchAll(/`synced ([a-z][a-z-]*)/g)].map((m) => m[1] ?? "");
}

describe("commands named in messages and docs", () => {
  it("finds a named command that does not exist", () => {
    assert.deepEqual(namedCommands("run `synced state reset` first, or `synced -k app`"), ["state"]);
  });

  it("names only commands that synced has", async () => {
    // yargs lists its commands only through an internal method, stable across 17.x.
    const cli = buildCli([], { run: () => Promise.resolve() }) as unknown as {
      getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } };
    };
    const commands = new Set(cli.getInternalMethods().getCommandInstance().getCommands());
    assert.ok(commands.has("run"), [...commands].join(", "));
    // The list an unknown command is answered with.
    assert.deepEqual([...COMMANDS].sort(), [...commands].filter((c) => c !== "$0").sort());
    const files = [...(await filesUnder("src", [".ts", ".md"])), ...DOCS.map((name) => join(ROOT, name))];
    const unknown: string[] = [];
    for (const file of files) {
      for (const command of namedCommands(await readFile(file, "utf8"))) {
        if (!commands.has(command)) unknown.push(`${file}: synced ${command}`);
      }
    }
    assert.deepEqual(unknown, []);
  });

  it("names only dead-letters actions that exist", async () => {
    const files = [...(await filesUnder("src", [".ts", ".md"])), ...DOCS.map((name) => join(ROOT, name))];
    const named: string[] = [];
    for (const file of files) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/synced dead-letters ([a-z]+)/g)) named.push(`${file}: ${m[1] ?? ""}`);
    }
    assert.ok(named.length > 0, "messages name the dead-letters actions");
    const actions: readonly string[] = LETTER_ACTIONS;
    assert.deepEqual(
      named.filter((n) => !actions.includes(n.split(": ").pop() ?? "")),
      [],
    );
  });

  it("names only state actions that exist", async () => {
    const files = [...(await filesUnder("src", [".ts", ".md"])), ...DOCS.map((name) => join(ROOT, name))];
    const actions: readonly string[] = STATE_ACTIONS;
    const wrong: string[] = [];
    let named = 0;
    for (const file of files) {
      for (const m of (await readFile(file, "utf8")).matchAll(/[`"']synced state ([a-z]+)/g)) {
        named++;
        if (!actions.includes(m[1] ?? "")) wrong.push(`${file}: synced state ${m[1] ?? ""}`);
      }
    }
    assert.ok(named > 0, "messages and docs name the state actions");
    assert.deepEqual(wrong, []);
  });
});
