// The README's first command, `npm run demo`, is what a newcomer sees of synced first: its data
// (scripts/demo-data.mjs) run through synced as scripts/demo.sh runs it, and both sides shown
// converged, so that a change that breaks the demo fails here and not on a newcomer's machine.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { runSynced } from "../support/cli.js";
import {
  cassandraOptions,
  connectTestSearch,
  serverArgs,
  serverSecrets,
  testServers,
} from "../support/servers.js";

const DEMO_DATA = fileURLToPath(new URL("../../../scripts/demo-data.mjs", import.meta.url));

/** The demo data's script, pointed at the test servers as scripts/demo.sh points it at its own. */
async function demoData(step: "setup" | "show"): Promise<string> {
  const servers = testServers();
  const { stdout } = await promisify(execFile)(process.execPath, [DEMO_DATA, step], {
    env: {
      PATH: process.env["PATH"] ?? "",
      SYNCED_CASSANDRA_PORT: String(servers.cassandraPort),
      SYNCED_CASSANDRA_USERNAME: servers.cassandraUsername,
      SYNCED_CASSANDRA_PASSWORD: servers.cassandraPassword,
      SYNCED_ES_NODES: servers.elasticsearchUrl,
      SYNCED_ES_USERNAME: servers.elasticsearchUsername,
      SYNCED_ES_PASSWORD: servers.elasticsearchPassword,
    },
  });
  return stdout;
}

/** Each record `show` prints, by side and name: the fields it shows of it. */
function shown(stdout: string): Map<string, unknown> {
  const lines = stdout.split("\n").flatMap((line) => {
    const match = /^\s+(Cassandra|Elasticsearch)\s+(\w+)\s+(\{.*\})$/.exec(line);
    return match ? [[`${match[1]} ${match[2]}`, JSON.parse(match[3] ?? "{}") as unknown] as const] : [];
  });
  return new Map(lines);
}

describe("the demo", () => {
  after(async () => {
    const client = new cassandra.Client(cassandraOptions());
    await client.execute("DROP KEYSPACE IF EXISTS demo").catch(() => undefined);
    await client.shutdown();
    const search = await connectTestSearch();
    await search.indices
      .delete({ index: "demo-*", ignore_unavailable: true, allow_no_indices: true })
      .catch(() => undefined);
    await search.close();
  });

  it("converges both sides in its first run, and its rerun writes nothing", async () => {
    const state = await mkdtemp(join(tmpdir(), "demo-"));
    try {
      await demoData("setup");
      const before = shown(await demoData("show"));
      assert.deepEqual(before.get("Elasticsearch bob"), { email: "bob@new.example.com" });
      assert.deepEqual(before.get("Cassandra lamp"), { price: "12.50", deleted: false });
      const args = ["-k", "demo", "-i", "demo", "--state", state, ...serverArgs()];
      const first = await runSynced(args, serverSecrets());
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /outcome: success, 6 written, 0 dead-lettered/);
      const converged = shown(await demoData("show"));
      assert.deepEqual(converged.get("Cassandra bob"), { email: "bob@new.example.com", deleted: false });
      assert.deepEqual(converged.get("Elasticsearch bob"), { email: "bob@new.example.com" });
      for (const [name, price, deleted] of [
        ["lamp", "12.50", false],
        ["desk", "120.00", true],
      ] as const) {
        assert.deepEqual(converged.get(`Cassandra ${name}`), { price, deleted });
        assert.deepEqual(converged.get(`Elasticsearch ${name}`), { price, deleted });
      }
      const again = await runSynced([...args, "-b", "0"], serverSecrets());
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /outcome: success, 0 written, 0 dead-lettered/);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
