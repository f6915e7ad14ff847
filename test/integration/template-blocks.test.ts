// An index template whose settings block writes (`index.blocks.write`, `index.blocks.read_only` or
// `index.blocks.read_only_allow_delete`) gives the block to the index synced creates from it. Tried as
// an operator would, plan and --dry-run said every record would be written; the run created the index,
// met the block at its first write and refused the table with words that named the index's setting
// and not the template, so that the next index the template matched was blocked again, or (for the
// allow-delete block) waited out --retry-window and stopped blaming a full disk; and the blocked index
// stayed behind. Now each refuses the table up front, naming the template, the setting and both ways
// out, and leaves no index.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness, tableStats } from "../support/harness.js";

const BLOCKS = {
  locked: "index.blocks.write",
  frozen: "index.blocks.read_only",
  flooded: "index.blocks.read_only_allow_delete",
} as const;
type Blocked = keyof typeof BLOCKS;
const BLOCKED = Object.keys(BLOCKS).sort() as Blocked[];

describe("an index template whose settings block writes", () => {
  let h: Harness;
  const index = (table: string): string => `${h.index}-${table}`;
  const template = (table: Blocked): string => `${h.index}_${table}_block`;
  /** `frozen`'s comes from a legacy template, as clusters upgraded from 6.x and 7.x keep. */
  const named = (table: Blocked): RegExp =>
    new RegExp(`${table === "frozen" ? "legacy index template" : "index template"} ${template(table)}\\b`);

  before(async () => {
    h = await Harness.create("tplblock");
    for (const table of [...BLOCKED, "plain"]) await h.tableWithRow(table);
    for (const table of BLOCKED) {
      const request = { name: template(table), pattern: index(table), settings: { [BLOCKS[table]]: true } };
      if (table === "frozen") await h.es.indices.putLegacyTemplate(request);
      else await h.es.indices.putIndexTemplate(request);
    }
  });
  after(async () => {
    for (const table of BLOCKED) {
      const drop =
        table === "frozen"
          ? h.es.indices.deleteLegacyTemplate({ name: template(table) })
          : h.es.indices.deleteIndexTemplate({ name: template(table) });
      await drop.catch(() => undefined);
      // A read-only index refuses to be deleted: an index left behind is unblocked for the clean-up.
      if (await h.es.indices.exists({ index: index(table) }))
        await h.es.indices.putSettings({ index: index(table), settings: { [BLOCKS[table]]: null } });
    }
    await h.cleanup();
  });

  /** Each blocked table's refusal names its template, its setting and both ways out. */
  const assertRefusals = (what: string, refused: readonly { name: string; reason: string }[]): void => {
    assert.deepEqual(refused.map((r) => r.name).sort(), BLOCKED, `${what}: ${JSON.stringify(refused)}`);
    for (const table of BLOCKED) {
      const reason = refused.find((r) => r.name === table)?.reason ?? "";
      assert.match(reason, named(table), `${what}: ${reason}`);
      assert.ok(reason.includes(`the setting ${BLOCKS[table]}: true`), `${what}: ${reason}`);
      assert.ok(reason.includes("Drop that setting from the template"), `${what}: ${reason}`);
      assert.ok(
        reason.includes(`PUT ${index(table)} {"settings": {"${BLOCKS[table]}": false}}`),
        `${what}: ${reason}`,
      );
      assert.ok(reason.includes(`tables.${table}.index`), `${what}: ${reason}`);
    }
  };

  it("plan and --dry-run refuse each table a run would write to, naming the template and the setting, and make nothing", async () => {
    const plan = await h.cli(["plan", ...h.baseArgs(), "-b", "0", "--json"]);
    const dry = await h.run(["-b", "0", "--dry-run"]);
    for (const [what, code, planned] of [
      ["plan", plan.code, JSON.parse(plan.stdout) as Record<string, unknown>],
      ["--dry-run", dry.code, dry.summary],
    ] as const) {
      assert.equal(code, EXIT.failure, `${what}: ${JSON.stringify(planned)}`);
      assertRefusals(what, planned["refused"] as { name: string; reason: string }[]);
      for (const table of BLOCKED) {
        const reason = (planned["refused"] as { name: string; reason: string }[]).find(
          (r) => r.name === table,
        )?.reason;
        assert.match(reason ?? "", /a run would refuse the table before writing to it/, what);
      }
      assert.equal(tableStats(planned, "plain", "to-es")["written"], 1, what);
      for (const table of BLOCKED)
        assert.equal(await h.es.indices.exists({ index: index(table) }), false, `${what}: ${table}`);
    }
  });

  it("a run refuses each table before writing to it, leaves no blocked index, dead-letters nothing and keeps its checkpoint", async () => {
    for (const attempt of ["first", "second"]) {
      const { code, summary } = await h.run(["-b", "0"]);
      assert.equal(code, EXIT.failure, `${attempt}: ${JSON.stringify(summary)}`);
      const refused = summary["refused"] as { name: string; reason: string }[];
      assertRefusals(attempt, refused);
      for (const { reason } of refused)
        assert.match(reason, /synced deleted the index again before writing to it/, attempt);
      assert.equal((summary["deadLetters"] as { count: number }).count, 0, attempt);
      assert.equal((summary["checkpoint"] as { after: unknown }).after, null, attempt);
      for (const table of BLOCKED)
        assert.equal(await h.es.indices.exists({ index: index(table) }), false, `${attempt}: ${table}`);
    }
  });

  // Both ways out the refusal names: the setting dropped from the template, or the index made by hand
  // without the block, which the run maps as one made ahead.
  it("copies each table whole once the setting is dropped from its template or its index is made without it", async () => {
    for (const table of ["locked", "flooded"] as const) {
      const request = { name: template(table), pattern: index(table), settings: { number_of_replicas: 0 } };
      await h.es.indices.putIndexTemplate(request);
    }
    await h.es.indices.create({ index: index("frozen"), settings: { [BLOCKS.frozen]: false } });
    const { code, summary } = await h.run(["-b", "0"]);
    assert.equal(code, EXIT.success, JSON.stringify(summary));
    for (const table of BLOCKED) assert.equal(tableStats(summary, table, "to-es")["written"], 1, table);
    assert.deepEqual(summary["mappedIndices"], [index("frozen")]);
  });
});
