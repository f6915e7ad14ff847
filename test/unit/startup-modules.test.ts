// Every scheduled run pays for the modules synced loads before it does anything. Those that only some
// runs use are loaded when used: the OpenSearch client (on OpenSearch), prom-client (watch, or a push)
// and the YAML parser (a YAML config file). Which packages a start loads is checked here, not how long
// it takes: BENCHMARKS.md has the measured cost.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { MAIN } from "../support/cli.js";

/** Writes the npm packages of the loaded CommonJS modules to stderr as the process exits. */
const LIST_PACKAGES = [
  "import { createRequire } from 'node:module';",
  "const cache = createRequire('file:///').cache;",
  "process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(cache)",
  ".filter((path) => path.includes('node_modules/'))",
  ".map((path) => path.split('node_modules/').at(-1).split('/'))",
  ".map(([scope, name]) => scope.startsWith('@') ? `${scope}/${name}` : scope))));",
].join(" ");

async function packagesLoadedBy(args: readonly string[]): Promise<Set<string>> {
  const { stderr } = await promisify(execFile)(process.execPath, [
    "--import",
    `data:text/javascript,${encodeURIComponent(LIST_PACKAGES)}`,
    MAIN,
    ...args,
  ]);
  return new Set(JSON.parse(stderr.slice(stderr.lastIndexOf("["))) as string[]);
}

describe("what a start loads", () => {
  it("loads the clients every run needs, and none of the packages only some runs use", async () => {
    const loaded = await packagesLoadedBy(["--version"]);
    for (const needed of ["cassandra-driver", "@elastic/elasticsearch", "pino"]) {
      assert.ok(loaded.has(needed), `${needed} is loaded (the list is read right)`);
    }
    for (const deferred of ["@opensearch-project/opensearch", "prom-client", "yaml"]) {
      assert.ok(!loaded.has(deferred), `${deferred} is loaded only by the runs that use it`);
    }
  });
});
