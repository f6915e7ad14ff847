// One node of several in --es-nodes down, as in a rolling restart: the client's connection pool
// sends each request that finds a node refusing to another, so runs and side commands go on while
// one listed node answers, whichever place the down node has in the list. With every node down the
// run still stops at once with exit code 5. Through the real command, on the real servers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, withoutSelection } from "../support/harness.js";
import { closedPorts } from "../support/tcp.js";

// Generous next to a refused connection, tight next to the minute a request may take.
const WELL_WITHIN_MS = 15_000;

describe("one node of --es-nodes down", () => {
  let h: Harness;
  let down: string;
  /** A second node down, not the same port as `down`. */
  let other: string;
  let rowId: string;

  before(async () => {
    h = await Harness.create("downnode");
    rowId = await h.tableWithRow("things");
    [down, other] = (await closedPorts(2)).map((port) => `http://127.0.0.1:${port}`) as [string, string];
  });
  after(() => h.cleanup());

  const nodes = (place: "first" | "last"): string =>
    place === "first" ? `${down},${h.servers.elasticsearchUrl}` : `${h.servers.elasticsearchUrl},${down}`;

  for (const place of ["first", "last"] as const) {
    it(`runs, verifies and shows the state with the down node ${place} in the list`, async () => {
      const args = h.argsWith({ "--es-nodes": nodes(place), "--state": h.stateIn("elasticsearch") });
      const run = await h.cli([...args, "--name", place, "--json"]);
      assert.equal(run.code, EXIT.success, run.stderr);
      // Passed over at once: no request waited for a store's retry.
      assert.doesNotMatch(run.stderr, /failed transiently/);
      const copy = await h.es.get<Record<string, unknown>>({ index: `${h.index}-things`, id: rowId });
      assert.equal(copy._source?.["n"], 1);

      const verify = await h.cli(["verify", ...args, "--json"]);
      assert.equal(verify.code, EXIT.success, verify.stderr);

      const status = await h.cli(["status", ...withoutSelection(args), "--json"]);
      assert.equal(status.code, EXIT.success, status.stderr);
      const keys = (JSON.parse(status.stdout) as { configurations: { key: string }[] }).configurations;
      assert.ok(
        keys.some((c) => c.key === place),
        `status lists the run's configuration: ${status.stdout}`,
      );
    });
  }

  it("stops at once with exit code 5 when every listed node is down", async () => {
    const args = h.argsWith({ "--es-nodes": `${down},${other}` });
    const result = await h.cli(args);
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.match(
      result.stderr,
      /cannot reach (Elasticsearch|OpenSearch) at http:\/\/127\.0\.0\.1:\d+, http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
    assert.ok(result.elapsedMs < WELL_WITHIN_MS, `took ${result.elapsedMs} ms`);
  });
});
