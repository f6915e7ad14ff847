// nodetool against the test command's Cassandra node (scripts/servers.sh nodetool), for what a test
// needs of the node beyond CQL: flushing a table to SSTables, recomputing its size estimates. Only a
// node the test command started is touched (SYNCED_TEST_RESTARTABLE lists them).
import { execFile } from "node:child_process";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

const SERVERS = fileURLToPath(new URL("../../../scripts/servers.sh", import.meta.url));

/** Skips the test, saying why, where the Cassandra node is not one the test command started. */
export function skippedWithoutNodetool(t: TestContext, env: NodeJS.ProcessEnv = process.env): boolean {
  const started = (env["SYNCED_TEST_RESTARTABLE"] ?? "").split(/\s+/);
  if (started.includes("cassandra")) return false;
  t.skip("needs nodetool on a Cassandra node the test command started (SYNCED_TEST_RESTARTABLE)");
  return true;
}

export function nodetool(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      [SERVERS, "nodetool", "cassandra", ...args],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`nodetool ${args.join(" ")} failed: ${error.message}\n${stdout}${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Flushes the table to SSTables and has the node recompute its size estimates from them now. */
export async function refreshSizeEstimates(keyspace: string, table: string): Promise<void> {
  await nodetool("flush", keyspace, table);
  await nodetool("refreshsizeestimates");
}
