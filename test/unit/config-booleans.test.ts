// A switch given a value that is neither true nor false is refused wherever it comes from: read as
// false, `--json=maybe` would quietly do the opposite of what was meant for half the typos.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCli } from "../../src/cli/command-line.js";
import { loadConfig } from "../../src/config/load-config.js";
import { OPTION_SPECS } from "../../src/config/option-specs.js";
import { ConfigError } from "../../src/core/errors.js";
import { parseRunFlags } from "../support/flags.js";
import { fakeFiles } from "../support/fake-files.js";

const SWITCHES = OPTION_SPECS.filter((spec) => spec.kind === "boolean");
const BASE = ["-k", "app", "-i", "app"];

function refusal(...parts: string[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ConfigError, String(error));
    for (const part of parts) assert.ok(error.message.includes(part), `${error.message}\nlacks: ${part}`);
    return true;
  };
}

describe("switches given a value", () => {
  it("has switches to check", () => {
    assert.ok(SWITCHES.length >= 8, SWITCHES.map((s) => s.flag).join(", "));
  });

  it("refuses --switch=<not a boolean> on the command line, for every switch", async () => {
    for (const spec of SWITCHES) {
      await assert.rejects(
        parseRunFlags([...BASE, `--${spec.flag}=maybe`]),
        refusal(`flag --${spec.flag}: "maybe" is not true or false`, `--${spec.flag}=false`),
        spec.flag,
      );
      if (spec.alias !== undefined) {
        await assert.rejects(
          parseRunFlags([...BASE, `-${spec.alias}=maybe`]),
          refusal(`flag -${spec.alias}: "maybe" is not true or false`),
          spec.alias,
        );
      }
    }
  });

  it("reads the same words as the environment does, in any case", async () => {
    const flags = await parseRunFlags([
      ...BASE,
      "--json=yes",
      "--dry-run=FALSE",
      "--create-tables=1",
      "-q=on",
    ]);
    assert.deepEqual(
      [flags["json"], flags["dry-run"], flags["create-tables"], flags["quiet"]],
      [true, false, true, true],
    );
    assert.equal((await parseRunFlags([...BASE, "--json=false"]))["json"], false);
  });

  it("refuses a value after --no-<switch>, and names the switch a stray word follows", async () => {
    await assert.rejects(parseRunFlags([...BASE, "--no-json=true"]), refusal("--no-json takes no value"));
    await assert.rejects(parseRunFlags([...BASE, "--json", "maybe"]), (error: unknown) => {
      assert.match(String(error), /Unexpected argument "maybe" after --json, which takes no value/);
      return true;
    });
  });

  it("refuses a value after a space for every switch alike, naming the forms that give one", async () => {
    // yargs took `--json false` as false while `--json no` was a stray word: neither is a value now.
    for (const spec of SWITCHES) {
      const names = [
        `--${spec.flag}`,
        `--no-${spec.flag}`,
        ...(spec.alias === undefined ? [] : [`-${spec.alias}`]),
      ];
      for (const flag of names) {
        for (const word of ["false", "true", "no", "yes", "0", "1", "off", "on", "FALSE"]) {
          await assert.rejects(
            parseRunFlags([...BASE, flag, word]),
            refusal(
              `flag ${flag}: "${word}" after a space is not its value`,
              `--${spec.flag}=false`,
              "true/false, yes/no, on/off or 1/0",
            ),
            `${flag} ${word}`,
          );
        }
      }
    }
    const handlers = { run: () => assert.fail("run must not run"), state: () => undefined };
    await assert.rejects(
      async () => buildCli(["state", "reset", ...BASE, "--yes", "false"], handlers).parseAsync(),
      refusal('flag --yes: "false" after a space is not its value', "--yes=false"),
    );
  });

  it("refuses --yes=<not a boolean> and --all=<not a boolean> of the subcommands", async () => {
    const handlers = {
      run: () => assert.fail("run must not run"),
      deadLetters: () => undefined,
      state: () => undefined,
    };
    for (const argv of [
      ["dead-letters", "purge", ...BASE, "--all=maybe", "--yes"],
      ["dead-letters", "purge", ...BASE, "--all", "--yes=sure"],
      ["state", "reset", ...BASE, "--yes=sure"],
    ]) {
      await assert.rejects(
        async () => buildCli(argv, handlers).parseAsync(),
        refusal("is not true or false"),
        argv.join(" "),
      );
    }
  });

  it("refuses a variable that is not a boolean, for every switch", async () => {
    for (const spec of SWITCHES) {
      await assert.rejects(
        loadConfig({ flags: await parseRunFlags(BASE), env: { [spec.env]: "maybe" } }),
        refusal(`environment variable ${spec.env}: "maybe" is not true or false`, "write true or false"),
        spec.env,
      );
    }
  });

  it("refuses a config file value that is not a boolean, or a list, for every switch", async () => {
    for (const spec of SWITCHES) {
      const key = spec.fileKey ?? "";
      const [section, inner] = key.includes(".") ? key.split(".") : [undefined, key];
      for (const [value, problem] of [
        ["maybe", '"maybe" is not true or false; write true or false'],
        ["[true, true]", "takes true or false, not a list"],
      ] as const) {
        const text = section === undefined ? `${inner}: ${value}\n` : `${section}:\n  ${inner}: ${value}\n`;
        await assert.rejects(
          loadConfig({
            flags: await parseRunFlags([...BASE, "--config", "c.yaml"]),
            env: {},
            readFile: fakeFiles({ "c.yaml": text }),
          }),
          refusal(`config file c.yaml, key ${key}: ${problem}`),
          `${key}: ${value}`,
        );
      }
    }
  });
});
