// What the container's runtime stage holds, built and run without a container engine: package.json and
// package-lock.json installed with `npm ci --omit=dev --ignore-scripts`, and src compiled alone with
// tsconfig.build.json, as the Dockerfile's build stage does, into a directory of its own under the
// system's temporary directory. The job then runs from there, where no dev dependency can be found.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { STACK_FRAME } from "../support/cli.js";
import { Harness, tableStats } from "../support/harness.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const run = promisify(execFile);

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the installed command as the image's ENTRYPOINT does: node and main.js, NODE_ENV=production. */
async function synced(
  app: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Result> {
  const result = await run(process.execPath, [join(app, "dist/src/cli/main.js"), ...args], {
    cwd: app,
    env: { PATH: process.env["PATH"] ?? "", NODE_ENV: "production", ...env },
    timeout: 120_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: unknown) => {
      // execFile's error carries the exit code and both outputs of a command that failed.
      const failed = error as { code?: unknown; stdout?: string; stderr?: string; message?: string };
      return {
        code: typeof failed.code === "number" ? failed.code : -1,
        stdout: failed.stdout ?? "",
        stderr: failed.stderr ?? failed.message ?? "",
      };
    },
  );
  assert.doesNotMatch(result.stderr, STACK_FRAME, "only a bug prints a stack trace");
  return result;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("the production install, as the container's runtime stage holds it", () => {
  let app = "";
  let devDependencies: string[] = [];

  before(async () => {
    app = await mkdtemp(join(tmpdir(), "synced-production-"));
    for (const file of ["package.json", "package-lock.json"])
      await copyFile(join(ROOT, file), join(app, file));
    const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    devDependencies = Object.keys(manifest.devDependencies);
    // --prefer-offline: the packages are in npm's cache after the checkout's own `npm ci`.
    await run(
      "npm",
      ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"],
      {
        cwd: app,
        timeout: 180_000,
      },
    );
    await run(
      process.execPath,
      [
        join(ROOT, "node_modules/typescript/bin/tsc"),
        "-p",
        join(ROOT, "tsconfig.build.json"),
        "--outDir",
        join(app, "dist"),
      ],
      { timeout: 180_000 },
    );
  });

  after(async () => {
    if (app !== "") await rm(app, { recursive: true, force: true });
  });

  it("holds the compiled sources and production dependencies only", async () => {
    assert.deepEqual(await readdir(join(app, "dist")), ["src"], "no tests or benchmarks");
    assert.ok(devDependencies.includes("typescript"), devDependencies.join(", "));
    const present = [];
    for (const name of devDependencies) if (await exists(join(app, "node_modules", name))) present.push(name);
    assert.deepEqual(present, [], "no dev dependency installed");
    // Node looks for packages in every node_modules above the script: none may be there to help.
    for (let dir = dirname(app); dir !== dirname(dir); dir = dirname(dir)) {
      assert.equal(await exists(join(dir, "node_modules")), false, `${dir}/node_modules`);
    }
  });

  it("prints its help", async () => {
    const help = await synced(app, ["--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /synced watch/);
    assert.match(help.stdout, /Exit codes:/);
  });

  it("reads an empty state directory with `synced status`, without any server", async () => {
    const volume = join(app, "state-volume");
    await mkdir(volume);
    const status = await synced(app, ["status", "--json"], { SYNCED_STATE: volume });
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout) as { state: { backend: string }; configurations: unknown[] };
    assert.equal(report.state.backend, "file");
    assert.deepEqual(report.configurations, []);
  });

  it("refuses a bad option with exit 2, as from a CronJob", async () => {
    const refused = await synced(app, ["-k", "app", "-i", "app", "-b", "yesterday"]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /-b|--begin/);
  });

  it("syncs a table into Elasticsearch against the real servers, and its checkpoint shows in status", async () => {
    const h = await Harness.create("production");
    try {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.users (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
      );
      const id = cassandra.types.Uuid.random().toString();
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.users (id, tmstmp, name) VALUES (?, ?, ?)`,
        [id, new Date(Date.now() - 5_000), "ada"],
        { prepare: true },
      );
      // The state in the image's volume, named by SYNCED_STATE as the image's ENV does.
      const volume = await mkdtemp(join(app, "volume-"));
      const args = h.baseArgs(volume).filter((arg, i, all) => arg !== "--state" && all[i - 1] !== "--state");
      const first = await synced(app, [...args, "--json"], { ...h.env(), SYNCED_STATE: volume });
      assert.equal(first.code, 0, first.stderr);
      const summary = JSON.parse(first.stdout) as Record<string, unknown>;
      assert.equal(tableStats(summary, "users", "to-es")["written"], 1);
      await h.refresh();
      const document = await h.es.get<{ name: string }>({ index: `${h.index}-users`, id });
      assert.equal(document._source?.name, "ada");

      const status = await synced(app, ["status", "--json"], { SYNCED_STATE: volume });
      assert.equal(status.code, 0, status.stderr);
      const report = JSON.parse(status.stdout) as { configurations: { key: string }[] };
      assert.equal(report.configurations.length, 1, status.stdout);
      assert.match(report.configurations[0]?.key ?? "", new RegExp(`^${h.keyspace}\\.`));
    } finally {
      await h.cleanup();
    }
  });
});
