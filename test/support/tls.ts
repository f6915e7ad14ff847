// What the TLS tests share: the certificates of scripts/certs.sh (which the test servers use too, in
// SYNCED_TEST_TLS_DIR), the one row they sync and their runs into an index of their own, a check that
// a secret appears nowhere, and a count of what a run wrote.
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import cassandra from "cassandra-driver";
import { join } from "node:path";
import type { CliResult } from "./cli.js";
import type { Harness } from "./harness.js";

export const tlsDir = process.env["SYNCED_TEST_TLS_DIR"];

/** Why the TLS tests cannot run, or false. */
export const noTlsDir =
  tlsDir === undefined
    ? "SYNCED_TEST_TLS_DIR is not set: run through scripts/test.sh, or set it to the certificates of scripts/certs.sh"
    : false;

/** A file of scripts/certs.sh, such as `ca.crt` or `wrong-ca.crt`. */
export const cert = (name: string): string => join(tlsDir ?? "", name);

/** Text a run left somewhere, and where: output, a log, a state file. */
export interface Place {
  readonly path: string;
  readonly text: string;
}

export function assertNoSecret(secret: string, places: readonly Place[]): void {
  for (const place of places) {
    assert.equal(place.text.includes(secret), false, `a secret appears in ${place.path}:\n${place.text}`);
  }
}

/** A run's stdout and stderr, as places a secret must not appear. */
export const outputs = (what: string, result: CliResult): Place[] => [
  { path: `${what} stdout`, text: result.stdout },
  { path: `${what} stderr`, text: result.stderr },
];

/** The search fixture, or a client of the Elasticsearch client's own. */
interface CountingClient {
  readonly indices: { refresh(request: { index: string }): Promise<unknown> };
  count(request: { index: string }): Promise<{ count: number }>;
}

/** How many documents the index of table `items` under `index` holds. */
export async function written(client: CountingClient, index: string): Promise<number> {
  await client.indices.refresh({ index: `${index}-items` });
  return (await client.count({ index: `${index}-items` })).count;
}

/** The table the TLS runs sync, `items`, with one row of `name` a minute old. */
export async function createItems(h: Harness, name: string): Promise<void> {
  await h.cassandra.execute(
    `CREATE TABLE ${h.keyspace}.items (id uuid PRIMARY KEY, tmstmp timestamp, name text)`,
  );
  await h.cassandra.execute(
    `INSERT INTO ${h.keyspace}.items (id, tmstmp, name) VALUES (?, ?, ?)`,
    [cassandra.types.Uuid.random(), new Date(Date.now() - 60_000), name],
    { prepare: true },
  );
}

/** A run of ownIndexRuns, with the index and the state folder it had to itself. */
export type OwnIndexRun = CliResult & { readonly index: string; readonly state: string };

/**
 * Runs the real command, Cassandra to the search node, each time into an index and a state folder of
 * its own, so that each run writes the row anew; `nodes` replaces the harness's search node.
 */
export function ownIndexRuns(
  h: Harness,
): (
  nodes: string | undefined,
  extra: readonly string[],
  env?: Record<string, string>,
) => Promise<OwnIndexRun> {
  let runs = 0;
  return async (nodes, extra, env = {}) => {
    runs += 1;
    const index = `${h.index}_${runs}`;
    const state = await mkdtemp(join(h.stateDir, "run-"));
    const replaced: Record<string, string> = { "-i": index, "--state": state };
    if (nodes !== undefined) replaced["--es-nodes"] = nodes;
    const result = await h.cli([...h.argsWith(replaced), "--direction", "to-es", "--json", ...extra], env);
    return { ...result, index, state };
  };
}
