// What the TLS tests share: the certificates of scripts/certs.sh (which the test servers use too, in
// SYNCED_TEST_TLS_DIR), a check that a secret appears nowhere, and a count of what a run wrote.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { CliResult } from "./cli.js";

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
