// Records whose ids and values hold control characters, tried as an attacker who writes documents
// would: the dry run's letters, `dead-letters list` and `verify` printed them raw, so an escape sequence
// or a carriage return in an id recoloured, erased or rewrote the operator's terminal lines (a letter
// could hide itself behind a line synced never wrote). Each is now shown as its escape.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { isControl } from "../../src/cli/visible-text.js";
import { Harness } from "../support/harness.js";

// Red text, a return to the line's start, the line erased, and a line of synced's own words.
const HOSTILE_ID = "x\u001b[31mred\u001b[0m\r\u001b[2Koutcome: success\u009b2K\nforged line";
const SHOWN_ID = "x\\u001b[31mred\\u001b[0m\\u000d\\u001b[2Koutcome: success\\u009b2K\\u000aforged line";

describe("control characters in the data synced prints", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("controls");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.notes (id text PRIMARY KEY, tmstmp timestamp, t text)`,
    );
    assert.equal((await h.run()).code, EXIT.success);
    // A document whose key field gives another _id: a dead letter that names the id.
    await h.es.index({
      index: `${h.index}-notes`,
      id: "planted",
      document: { id: HOSTILE_ID, tmstmp: new Date(Date.now() - 60_000).toISOString(), t: "x" },
      refresh: true,
    });
  });
  after(() => h.cleanup());

  it("shows them as escapes in the dry run, the letters' list and verify, and keeps them in JSON", async () => {
    const dry = await h.cli([...h.baseArgs(), "-b", "0", "--dry-run"]);
    const run = await h.cli([...h.baseArgs(), "-b", "0"]);
    assert.equal(run.code, EXIT.partial, run.stderr);
    const list = await h.cli(["dead-letters", "list", ...h.baseArgs()]);
    const verify = await h.cli(["verify", ...h.baseArgs(), "-b", "0"]);
    for (const [name, result] of Object.entries({ dry, run, list, verify })) {
      const printed = result.stdout + result.stderr;
      const controls = Array.from(printed, (c) => c.codePointAt(0) ?? 0).filter((c) => isControl(c, false));
      assert.deepEqual(controls, [], `${name}: ${printed}`);
      assert.doesNotMatch(printed, /^forged line/mu, name);
    }
    for (const [name, result] of Object.entries({ dry, list, verify })) {
      assert.ok(result.stdout.includes(SHOWN_ID), `${name}: ${result.stdout}`);
    }
    const json = await h.cli(["dead-letters", "list", ...h.baseArgs(), "--json"]);
    const letters = (JSON.parse(json.stdout) as { letters: { id: string }[] }).letters;
    assert.deepEqual(
      letters.map((letter) => letter.id),
      [HOSTILE_ID],
    );
  });
});
