// A run reads an index through search, which sees a document only after the index's next refresh. An
// index that refreshes less often than --lag lets a run pass a document written just before its end,
// unseen: the run says so, with the setting, and what fixes it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

describe("an index that refreshes less often than --lag", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("refresh");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id uuid PRIMARY KEY, tmstmp timestamp, body text)`,
    );
  });
  after(() => h.cleanup());

  const lag = (value: string): { replaced: Record<string, string> } => ({ replaced: { "--lag": value } });
  const notices = (summary: Record<string, unknown>): string[] =>
    (summary["notices"] as string[] | undefined) ?? [];

  it("is named in the run's notices, with the interval, --lag, --lookback and the fix", async () => {
    const config = ["--tables", "notes", "--name", "notes"];
    assert.equal((await h.run(config)).code, EXIT.success);
    const index = `${h.index}-notes`;
    // A range of its own for each run below: a run right after another, 5 s behind now, has none.
    const ranged = ["-b", String(Math.floor(Date.now() / 1000) - 7_200), ...config];
    await h.es.indices.putSettings({ index, settings: { index: { refresh_interval: "30s" } } });

    const lagging = await h.run(ranged, lag("5s"));
    assert.equal(lagging.code, EXIT.success, JSON.stringify(lagging.summary));
    const said = notices(lagging.summary).find((n) => n.includes("refresh_interval")) ?? "";
    assert.match(said, new RegExp(`index ${index} refreshes every 30s \\(index\\.refresh_interval\\)`), said);
    assert.match(said, /--lag 5s/, said);
    assert.match(said, /--lookback/, said);
    assert.match(said, /--lag 30s/, said);

    // Refreshed less often than the look-back window as well: no incremental run may see such a document.
    const blind = await h.run([...ranged, "--lookback", "10s"], lag("5s"));
    const worse = notices(blind.summary).find((n) => n.includes("refresh_interval")) ?? "";
    assert.match(worse, /no incremental run/, worse);

    const covered = await h.run(ranged, lag("30s"));
    assert.deepEqual(
      notices(covered.summary).filter((n) => n.includes("refresh_interval")),
      [],
      JSON.stringify(covered.summary),
    );

    // Refreshes turned off (as for a bulk import): nothing written since the last refresh is seen.
    await h.es.indices.putSettings({ index, settings: { index: { refresh_interval: "-1" } } });
    const off = await h.run(ranged, lag("1h"));
    const offSaid = notices(off.summary).find((n) => n.includes("refresh_interval")) ?? "";
    assert.match(
      offSaid,
      new RegExp(`index ${index} does not refresh \\(index\\.refresh_interval -1\\)`),
      offSaid,
    );
  });
});
