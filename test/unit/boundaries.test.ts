// The lint rules that hold the architecture's boundaries catch what they should, and only that.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { before, describe, it } from "node:test";
import { ESLint, type Linter } from "eslint";
import tseslint from "typescript-eslint";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("architecture boundaries", () => {
  let eslint: ESLint;

  before(async () => {
    const module = (await import(new URL("eslint.boundaries.js", `file://${ROOT}`).href)) as {
      BOUNDARIES: Linter.Config[];
    };
    // Only the boundary rules, without type information, so a file that does not exist can be linted.
    eslint = new ESLint({
      cwd: ROOT,
      overrideConfigFile: true,
      overrideConfig: [
        { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } },
        { plugins: { "@typescript-eslint": tseslint.plugin } },
        ...module.BOUNDARIES,
      ],
    });
  });

  async function problems(file: string, source: string): Promise<string[]> {
    const [result] = await eslint.lintText(source, { filePath: `${ROOT}${file}` });
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? "parse"}: ${m.message}`);
  }

  it("keeps drivers, I/O and adapters out of the engine", async () => {
    for (const from of [
      "cassandra-driver",
      "@elastic/elasticsearch",
      "node:fs/promises",
      "../stores/cassandra/cql.js",
      "../state/file/file-state-store.js",
      "../state/open-state-store.js",
      "../deadletter/file-dead-letters.js",
      "../config/options.js",
      "../cli/logger.js",
    ]) {
      const found = await problems("src/reconcile/fixture.ts", `import x from "${from}";\nexport { x };\n`);
      assert.equal(found.length, 1, `${from}: ${found.join("; ")}`);
      assert.match(found[0] ?? "", /no-restricted-imports/);
    }
  });

  it("lets the engine use the shared core, its own files and the state store's interface and errors", async () => {
    const source = [
      'import { formatMicros } from "../core/micros.js";',
      'import { decide } from "./decide.js";',
      'import type { StateStore } from "../state/state-store.js";',
      'import { nextCheckpoint } from "../state/checkpoint-rule.js";',
      'import { LeaseLostError } from "../state/state-errors.js";',
      "export type S = StateStore;",
      "export const x = [formatMicros, decide, nextCheckpoint, LeaseLostError];",
    ].join("\n");
    assert.deepEqual(await problems("src/reconcile/fixture.ts", source), []);
  });

  it("keeps the shared core free of the rest of the project, and options free of stores", async () => {
    assert.equal((await problems("src/core/fixture.ts", 'export * from "../util/retry.js";\n')).length, 1);
    assert.equal(
      (await problems("src/config/fixture.ts", 'export * from "../state/state-store.js";\n')).length,
      1,
    );
    assert.deepEqual(await problems("src/config/fixture.ts", 'export * from "../core/names.js";\n'), []);
  });
});
