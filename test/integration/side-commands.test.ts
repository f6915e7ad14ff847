// The commands beside the run print for scripts what they print for people (--json), and where the
// options reach another state key than the run's (a mistyped --name), they say so and name the keys
// the store holds. Through the real command, on the real servers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;

interface ReplayJson {
  readonly key: string;
  readonly dryRun: boolean;
  readonly letters: number;
  readonly replayed: number;
  readonly gone: number;
  readonly failed: number;
  readonly failedLetters: readonly { readonly letterId: string; readonly reason: string }[];
  readonly otherKeysWithLetters?: readonly string[];
}

describe("dead-letters and state beside the run", () => {
  let h: Harness;
  const name = "sidecmd-run";
  const args = (key = name): string[] => [...h.baseArgs(), "--name", key, "--tables", "things"];
  before(async () => {
    h = await Harness.create("sidecmd");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    assert.equal((await h.run(["--name", name])).code, EXIT.success);
    // Elasticsearch keeps 1.5 in the source of its integer field; Cassandra's int refuses it.
    const id = Uuid.random().toString();
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({ index: `${h.index}-things`, id, document: { id, tmstmp: at, n: 1.5 } });
    await h.refresh();
    assert.equal((await h.run(["--name", name, "--tables", "things"])).code, EXIT.partial);
  });
  after(() => h.cleanup());

  it("prints replay and purge as JSON with --json", async () => {
    const replay = await h.cli(["dead-letters", "replay", ...args(), "--json"]);
    assert.equal(replay.code, EXIT.partial, replay.stderr);
    const replayed = JSON.parse(replay.stdout) as ReplayJson;
    assert.deepEqual(
      { key: replayed.key, dryRun: replayed.dryRun, letters: replayed.letters, replayed: replayed.replayed },
      { key: name, dryRun: false, letters: 1, replayed: 0 },
    );
    assert.equal(replayed.failed, 1);
    assert.equal(replayed.failedLetters.length, 1);

    const dry = await h.cli(["dead-letters", "purge", ...args(), "--all", "--dry-run", "--json"]);
    assert.equal(dry.code, EXIT.success, dry.stderr);
    assert.deepEqual(JSON.parse(dry.stdout), {
      key: name,
      location: (JSON.parse(dry.stdout) as { location: string }).location,
      dryRun: true,
      purged: 0,
      matched: 1,
    });
  });

  it("names the keys that hold letters when the options reach a key without any", async () => {
    const typo = "sidecmd-rnu";
    for (const action of ["list", "replay", "purge"]) {
      const extra = action === "purge" ? ["--all", "--yes"] : [];
      const json = await h.cli(["dead-letters", action, ...args(typo), ...extra, "--json"]);
      assert.equal(json.code, EXIT.success, `${action}: ${json.stderr}`);
      assert.deepEqual(
        (JSON.parse(json.stdout) as { otherKeysWithLetters: string[] }).otherKeysWithLetters,
        [name],
        action,
      );
      const text = await h.cli(["dead-letters", action, ...args(typo), ...extra]);
      assert.equal(text.code, EXIT.success, `${action}: ${text.stderr}`);
      assert.match(text.stdout, new RegExp(`Letters wait under other state keys: ${name}\\.`), action);
    }
    // The run's own letters are still there.
    const listed = await h.cli(["dead-letters", "list", ...args(), "--json"]);
    assert.equal((JSON.parse(listed.stdout) as { waiting: number }).waiting, 1);
  });

  it("prints state set as JSON, and says when no run of the key saved a checkpoint", async () => {
    const status = await h.cli(["status", "--state", h.stateDir, "--json"]);
    const saved = (
      JSON.parse(status.stdout) as { configurations: { key: string; checkpoint: { position: string } }[] }
    ).configurations.find((c) => c.key === name)?.checkpoint.position;
    assert.ok(saved, status.stdout);
    const to = "2026-01-01T00:00:00.000000Z";
    const set = await h.cli(["state", "set", ...args(), "--to", to, "--yes", "--json"]);
    assert.equal(set.code, EXIT.success, set.stderr);
    const moved = JSON.parse(set.stdout) as Record<string, unknown>;
    assert.deepEqual(moved["checkpoint"], { before: saved, after: to });
    assert.equal(moved["key"], name);
    assert.equal(moved["nearestKeys"], undefined);

    const typo = "sidecmd-rnu";
    const unconfirmed = await h.cli(["state", "set", ...args(typo), "--to", to]);
    assert.equal(unconfirmed.code, EXIT.usage);
    assert.match(
      unconfirmed.stderr,
      new RegExp(`No run of ${typo} has saved a checkpoint: its first run will begin at ${to}`),
    );
    assert.match(unconfirmed.stderr, new RegExp(`holds ${name}: check --name`));
    const seeded = await h.cli(["state", "set", ...args(typo), "--to", to, "--yes"]);
    assert.equal(seeded.code, EXIT.success, seeded.stderr);
    assert.match(
      seeded.stdout,
      new RegExp(`No run of ${typo} has saved a checkpoint: its first run will begin at ${to}`),
    );
    const again = await h.cli(["state", "set", ...args("sidecmd-nur"), "--to", to, "--yes", "--json"]);
    const shown = JSON.parse(again.stdout) as { checkpoint: unknown; nearestKeys: string[] };
    assert.deepEqual(shown.checkpoint, { before: null, after: to });
    assert.ok(shown.nearestKeys.includes(name), again.stdout);
  });
});
