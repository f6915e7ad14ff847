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
      "../deadletter/dead-letter-location.js",
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

  async function caught(file: string, from: string): Promise<string[]> {
    return problems(file, `import x from "${from}";\nexport { x };\n`);
  }

  it("keeps the search products' adapters and clients out of the state and the dead letters", async () => {
    for (const [file, from] of [
      ["src/state/elasticsearch/fixture.ts", "../../stores/elasticsearch/elasticsearch-client.js"],
      ["src/state/elasticsearch/fixture.ts", "../../stores/opensearch/opensearch-client.js"],
      ["src/state/fixture.ts", "../stores/elasticsearch/connect.js"],
      ["src/state/elasticsearch/fixture.ts", "@elastic/elasticsearch"],
      ["src/deadletter/fixture.ts", "../stores/opensearch/opensearch-errors.js"],
      ["src/deadletter/fixture.ts", "../stores/elasticsearch/elasticsearch-errors.js"],
      ["src/deadletter/fixture.ts", "@opensearch-project/opensearch"],
      // Each block of the state and the dead letters holds this rule too.
      ["src/state/file/fixture.ts", "../../stores/opensearch/connect.js"],
      ["src/state/cassandra/fixture.ts", "@elastic/elasticsearch"],
      ["src/state/open-state-store.ts", "../stores/elasticsearch/connect.js"],
      ["src/deadletter/dead-letter-location.ts", "../stores/opensearch/connect.js"],
    ] as const) {
      const found = await caught(file, from);
      assert.equal(found.length, 1, `${file} importing ${from}: ${found.join("; ")}`);
      assert.match(found[0] ?? "", /no-restricted-imports/);
    }
    for (const [file, from] of [
      ["src/state/elasticsearch/fixture.ts", "../../stores/search/search-client.js"],
      ["src/state/open-state-store.ts", "./elasticsearch/elasticsearch-state-store.js"],
      ["src/deadletter/dead-letter-location.ts", "../state/elasticsearch/elasticsearch-dead-letters.js"],
      ["src/deadletter/fixture.ts", "../stores/search/search-error.js"],
      ["src/state/cassandra/fixture.ts", "cassandra-driver"],
    ] as const) {
      assert.deepEqual(await caught(file, from), [], `${file} importing ${from}`);
    }
  });

  it("keeps each state backend in its own folder, chosen only where a store is opened by location", async () => {
    for (const [file, from] of [
      // A backend's folder, its state and its dead letters alike, imports no other backend's files...
      ["src/state/file/fixture.ts", "../cassandra/cassandra-schema.js"],
      ["src/state/file/fixture.ts", "../../state/elasticsearch/elasticsearch-schema.js"],
      ["src/state/file/file-dead-letters.ts", "../elasticsearch/elasticsearch-dead-letters.js"],
      ["src/state/cassandra/fixture.ts", "../file/file-schema.js"],
      ["src/state/cassandra/cassandra-dead-letters.ts", "../elasticsearch"],
      ["src/state/elasticsearch/fixture.ts", "../file/file-lines.js"],
      ["src/state/elasticsearch/elasticsearch-dead-letters.ts", "../cassandra/cassandra-lease.js"],
      // ...nor the files that choose a backend, which import every backend.
      ["src/state/cassandra/fixture.ts", "../open-state-store.js"],
      ["src/state/file/fixture.ts", "../../deadletter/dead-letter-location.js"],
      // What the backends share imports none of them.
      ["src/state/state-json.ts", "./file/file-schema.js"],
      ["src/state/fixture.ts", "./cassandra"],
      ["src/state/lease-rule.ts", "../state/elasticsearch/elasticsearch-lease.js"],
      ["src/deadletter/fixture.ts", "../state/elasticsearch/elasticsearch-schema.js"],
      ["src/deadletter/letter-json.ts", "../state/file/file-dead-letters.js"],
      ["src/deadletter/existing-dead-letters.ts", "../state/cassandra/cassandra-dead-letters.js"],
    ] as const) {
      const found = await caught(file, from);
      assert.equal(found.length, 1, `${file} importing ${from}: ${found.join("; ")}`);
      assert.match(found[0] ?? "", /no-restricted-imports.*(backend's folder|choose a backend)/);
    }
    for (const [file, from] of [
      ["src/state/file/fixture.ts", "./file-schema.js"],
      ["src/state/file/fixture.ts", "../state-errors.js"],
      ["src/state/file/fixture.ts", "../../deadletter/dead-letter-store.js"],
      ["src/state/cassandra/fixture.ts", "../../deadletter/letter-json.js"],
      ["src/state/cassandra/fixture.ts", "../../stores/cassandra/transient-errors.js"],
      ["src/state/elasticsearch/fixture.ts", "../../stores/search/search-error.js"],
      ["src/state/elasticsearch/fixture.ts", "../state-json.js"],
      ["src/state/fixture.ts", "./state-errors.js"],
      ["src/deadletter/fixture.ts", "../state/state-json.js"],
      ["src/deadletter/fixture.ts", "./letter-json.js"],
      ...(["file", "cassandra", "elasticsearch"] as const).flatMap((backend) => [
        ["src/state/open-state-store.ts", `./${backend}/${backend}-state-store.js`] as const,
        ["src/deadletter/dead-letter-location.ts", `../state/${backend}/${backend}-dead-letters.js`] as const,
      ]),
    ] as const) {
      assert.deepEqual(await caught(file, from), [], `${file} importing ${from}`);
    }
  });

  it("lets only the command line's wiring choose a search product's client", async () => {
    for (const [file, from] of [
      ["src/cli/record-stores.ts", "../stores/elasticsearch/connect.js"],
      ["src/cli/fixture.ts", "../stores/opensearch/connect.js"],
      ["src/cli/fixture.ts", "@opensearch-project/opensearch"],
      ["src/stores/schema-gateway.ts", "./elasticsearch/elasticsearch-client.js"],
      ["src/stores/values/fixture.ts", "../opensearch/mappings.js"],
    ] as const) {
      assert.equal((await caught(file, from)).length, 1, `${file} importing ${from}`);
    }
    assert.deepEqual(await caught("src/cli/connections.ts", "../stores/elasticsearch/connect.js"), []);
    assert.deepEqual(await caught("src/cli/connections.ts", "../stores/opensearch/connect.js"), []);
    assert.deepEqual(await caught("src/cli/record-stores.ts", "../stores/search/search-store.js"), []);
  });

  it("lets the adapters import the engine's types, never its code", async () => {
    // One fixture in each folder of adapters, since each has its own block of rules.
    const adapters = [
      ["src/stores/fixture.ts", "../reconcile"],
      ["src/stores/search/fixture.ts", "../../reconcile"],
      ["src/stores/values/fixture.ts", "../../reconcile"],
      ["src/stores/cassandra/fixture.ts", "../../reconcile"],
      ["src/stores/elasticsearch/fixture.ts", "../../reconcile"],
      ["src/stores/opensearch/fixture.ts", "../../reconcile"],
      ["src/state/fixture.ts", "../reconcile"],
      ["src/state/open-state-store.ts", "../reconcile"],
      ["src/state/file/fixture.ts", "../../reconcile"],
      ["src/state/cassandra/fixture.ts", "../../reconcile"],
      ["src/state/elasticsearch/fixture.ts", "../../reconcile"],
      ["src/deadletter/fixture.ts", "../reconcile"],
      ["src/deadletter/dead-letter-location.ts", "../reconcile"],
    ] as const;
    for (const [file, engine] of adapters) {
      for (const source of [
        `import { recordDigest } from "${engine}/record.js";\nexport const x = recordDigest;\n`,
        `import { decide, type Decision } from "${engine}/decide.js";\nexport const x = decide;\nexport type D = Decision;\n`,
        `export { withLease } from "${engine}/with-lease.js";\n`,
        `export * from "${engine}/table-plan.js";\n`,
      ]) {
        const found = await problems(file, source);
        assert.equal(found.length, 1, `${file}: ${source}: ${found.join("; ")}`);
        assert.match(found[0] ?? "", /no-restricted-imports.*engine's types/);
      }
      for (const source of [
        `import type { RecordStore } from "${engine}/record-store.js";\nexport type S = RecordStore;\n`,
        `import { type TablePlan } from "${engine}/table-plan.js";\nexport type P = TablePlan;\n`,
        `export type { DeadLetter } from "${engine}/dead-letter.js";\n`,
        `import { makeRecord } from "${engine.replace("reconcile", "core")}/record.js";\nexport const x = makeRecord;\n`,
      ]) {
        assert.deepEqual(await problems(file, source), [], `${file}: ${source}`);
      }
    }
  });

  it("keeps each search product's folder apart from the other's, and the shared code neutral", async () => {
    for (const [file, from] of [
      ["src/stores/elasticsearch/fixture.ts", "../opensearch/serializer.js"],
      ["src/stores/elasticsearch/fixture.ts", "../../stores/opensearch/connect.js"],
      ["src/stores/elasticsearch/fixture.ts", "@opensearch-project/opensearch"],
      ["src/stores/opensearch/fixture.ts", "../elasticsearch/elasticsearch-client.js"],
      ["src/stores/opensearch/fixture.ts", "@elastic/elasticsearch"],
      ["src/stores/search/fixture.ts", "../elasticsearch/serializer.js"],
      ["src/stores/search/fixture.ts", "../opensearch/mappings.js"],
      ["src/stores/search/fixture.ts", "@elastic/elasticsearch"],
    ] as const) {
      assert.equal((await caught(file, from)).length, 1, `${file} importing ${from}`);
    }
    for (const [file, from] of [
      ["src/stores/elasticsearch/fixture.ts", "../search/search-client.js"],
      ["src/stores/elasticsearch/fixture.ts", "@elastic/elasticsearch"],
      ["src/stores/opensearch/fixture.ts", "../search/search-error.js"],
      ["src/stores/opensearch/fixture.ts", "@opensearch-project/opensearch"],
    ] as const) {
      assert.deepEqual(await caught(file, from), [], `${file} importing ${from}`);
    }
  });
});
