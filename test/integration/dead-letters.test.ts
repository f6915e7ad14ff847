// Dead letters live beside the state, in each backend, and the user lists, shows, replays and purges
// them with `synced dead-letters`: a record fixed at its source is written by the replay and its letter
// removed; one that still fails stays, with its new reason; the run's exit code says letters wait.
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { STATE_FORMAT } from "../../src/state/state-format.js";
import { Harness } from "../support/harness.js";

const { Uuid } = cassandra.types;

interface ListedLetter {
  readonly letterId: string;
  readonly id: string | null;
  readonly reason: string;
  readonly runId: string;
}

const BACKENDS = ["file", "cassandra", "elasticsearch"] as const;

describe("dead letters in each state backend", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("letters");
    for (const backend of BACKENDS) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.things_${backend} (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
      );
    }
    // The first run creates the indices.
    assert.equal((await h.run()).code, EXIT.success);
  });
  after(() => h.cleanup());

  for (const backend of BACKENDS) {
    it(`keeps them in ${backend}, and lists, shows, replays and purges them`, async () => {
      const table = `things_${backend}`;
      const state = h.stateIn(backend);
      const args = [...h.argsWith({ "--state": state }), "--name", `letters-${backend}`, "--tables", table];
      const run = (extra: readonly string[] = []) =>
        h.run(["--name", `letters-${backend}`, "--tables", table, "--direction", "to-cassandra", ...extra], {
          state,
        });
      const list = async (): Promise<{ waiting: number; letters: ListedLetter[] }> => {
        const result = await h.cli(["dead-letters", "list", ...args, "--json"]);
        assert.equal(result.code, EXIT.success, result.stderr);
        return JSON.parse(result.stdout) as { waiting: number; letters: ListedLetter[] };
      };

      const good = Uuid.random().toString();
      const notAnInt = Uuid.random().toString();
      const untimed = Uuid.random().toString();
      const at = new Date(Date.now() - 5_000).toISOString();
      const index = `${h.index}-${table}`;
      await h.es.index({ index, id: good, document: { id: good, tmstmp: at, n: 1 } });
      // Elasticsearch keeps 1.5 in the source of its integer field; Cassandra's int refuses it.
      await h.es.index({ index, id: notAnInt, document: { id: notAnInt, tmstmp: at, n: 1.5 } });
      await h.es.index({ index, id: untimed, document: { id: untimed, n: 3 } });
      await h.refresh();

      const first = await run();
      assert.equal(first.code, EXIT.partial, JSON.stringify(first.summary));
      assert.deepEqual(first.summary["deadLetters"], {
        ...(first.summary["deadLetters"] as object),
        count: 2,
        waiting: 2,
      });

      // Where the state is, and nowhere else.
      if (backend === "cassandra") {
        const rows = await h.cassandra.execute(
          `SELECT COUNT(*) AS n FROM ${h.keyspace}.synced_state_dead_letters`,
        );
        assert.equal(Number(rows.rows[0]?.get("n")), 2);
      }
      if (backend === "elasticsearch") {
        const { count } = await h.es.count({ index: `${h.index}_state-dead-letters` });
        assert.equal(count, 2);
      }
      if (backend !== "file") {
        assert.deepEqual(
          (await readdir(h.stateDir)).filter((f) => f.includes(`letters-${backend}`)),
          [],
        );
      }

      const listed = await list();
      assert.equal(listed.waiting, 2);
      // Listing needs only the store that holds the letters: the other may be away.
      if (backend !== "file") {
        const alone = await h.cli([
          ...["dead-letters", "list", ...h.argsWithOnly(backend)],
          ...["--name", `letters-${backend}`, "--tables", table, "--json"],
        ]);
        assert.equal(alone.code, EXIT.success, alone.stderr);
        assert.equal((JSON.parse(alone.stdout) as { waiting: number }).waiting, 2);
      }
      const letterOf = (id: string): ListedLetter => {
        const letter = listed.letters.find((l) => l.id === id);
        assert.ok(letter, `no letter for ${id} in ${JSON.stringify(listed)}`);
        return letter;
      };
      assert.match(letterOf(untimed).reason, /no 'tmstmp' field/);
      // What reads the same in every backend is tried once.
      if (backend === "file") {
        const human = await h.cli(["dead-letters", "list", ...args]);
        assert.match(human.stdout, /^2 dead letters of state key letters-\w+ in /);
        assert.ok(human.stdout.includes(letterOf(notAnInt).letterId), human.stdout);
        const unknown = await h.cli(["dead-letters", "show", "0123456789abcdef", ...args]);
        assert.equal(unknown.code, EXIT.usage);
        assert.match(unknown.stderr, /no dead letter 0123456789abcdef .*synced dead-letters list/);
      }

      const shown = await h.cli(["dead-letters", "show", letterOf(notAnInt).letterId, ...args]);
      assert.equal(shown.code, EXIT.success, shown.stderr);
      const whole = JSON.parse(shown.stdout) as { record: unknown; table: string };
      assert.equal(whole.table, table);
      assert.match(JSON.stringify(whole.record), /1\.5/);
      // A document without a timestamp is met by every run, and its letter replaced, not doubled; the
      // one whose range is behind the checkpoint (and its look-back window) is not met again, but
      // still waits.
      const again = await run(["--lookback", "0"]);
      assert.equal(again.code, EXIT.partial, JSON.stringify(again.summary));
      assert.equal((again.summary["deadLetters"] as { count: number; waiting: number }).count, 1);
      assert.equal((again.summary["deadLetters"] as { count: number; waiting: number }).waiting, 2);

      // The user fixes one record at its source; the other stays broken.
      await h.es.index({ index, id: notAnInt, document: { id: notAnInt, tmstmp: at, n: 2 }, refresh: true });
      if (backend === "file") {
        // Tried as a new user would: --dry-run, which the dead-letters commands list, wrote the records
        // and removed their letters; a letter id of another configuration listed nothing, exit 0.
        const dry = await h.cli(["dead-letters", "replay", ...args, "--dry-run"]);
        assert.equal(dry.code, EXIT.partial, dry.stdout + dry.stderr);
        assert.match(dry.stdout, /^would replay 1 .* 1 would fail again; dry run: nothing was written/);
        const unwritten = await h.cassandra.execute(
          `SELECT n FROM ${h.keyspace}.${table} WHERE id = ?`,
          [notAnInt],
          {
            prepare: true,
          },
        );
        assert.equal(unwritten.rowLength, 0);
        const purgeDry = await h.cli(["dead-letters", "purge", ...args, "--all", "--dry-run"]);
        assert.equal(purgeDry.code, EXIT.success, purgeDry.stderr);
        assert.match(purgeDry.stdout, /^would purge 2 dead letters .*nothing was purged/);
        assert.equal((await list()).waiting, 2);
        for (const action of ["list", "replay"]) {
          const unknown = await h.cli(["dead-letters", action, ...args, "--letter", "0123456789abcdef"]);
          assert.equal(unknown.code, EXIT.usage, unknown.stdout + unknown.stderr);
          assert.match(unknown.stderr, /no dead letter 0123456789abcdef of state key .*nothing was done/);
        }
      }
      const replayed = await h.cli(["dead-letters", "replay", ...args]);
      assert.equal(replayed.code, EXIT.partial, replayed.stdout + replayed.stderr);
      assert.match(replayed.stdout, /replayed 1 .* 0 gone from their source, 1 failed again/);
      const row = await h.cassandra.execute(`SELECT n FROM ${h.keyspace}.${table} WHERE id = ?`, [notAnInt], {
        prepare: true,
      });
      assert.equal(row.rows[0]?.get("n"), 2);
      const left = await list();
      assert.deepEqual(
        left.letters.map((l) => l.id),
        [untimed],
      );
      assert.match(left.letters[0]?.reason ?? "", /no 'tmstmp' field/);
      assert.notEqual(
        left.letters[0]?.runId,
        letterOf(untimed).runId,
        "the failed replay rewrote the letter",
      );

      // Purging needs a confirmation.
      const unconfirmed = await h.cli(["dead-letters", "purge", ...args, "--all"]);
      assert.equal(unconfirmed.code, EXIT.usage);
      assert.match(
        unconfirmed.stderr,
        /purging deletes 1 dead letter for good; nothing was purged\. Add --yes/,
      );
      assert.equal((await list()).waiting, 1);
      const purged = await h.cli([
        "dead-letters",
        "purge",
        ...args,
        "--letter",
        letterOf(untimed).letterId,
        "--yes",
      ]);
      assert.equal(purged.code, EXIT.success, purged.stderr);
      assert.equal((await list()).waiting, 0);

      // Once the document is gone from its source, no run meets it, and with no letter waiting a run
      // succeeds again.
      await h.es.delete({ index, id: untimed, refresh: true });
      const clean = await run();
      assert.equal(clean.code, EXIT.success, JSON.stringify(clean.summary));
    });
  }

  // Tried as an operator would after rolling back to an earlier synced: a run only logged that it could
  // not read a letter the later synced wrote, then put its own letter of the same record over it, and
  // `dead-letters purge --all` deleted it unread.
  for (const backend of BACKENDS) {
    it(`keeps the letters a later synced wrote, refusing a run and purging only its own, in ${backend}`, async () => {
      const table = `later_${backend}`;
      const state = h.stateIn(backend);
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
      );
      const key = `later-${backend}`;
      const name = ["--name", key, "--tables", table, "--direction", "to-cassandra"];
      const args = [...h.argsWith({ "--state": state }), ...name];
      assert.equal((await h.run(name, { state })).code, EXIT.success);
      const at = new Date(Date.now() - 5_000).toISOString();
      for (const id of [Uuid.random().toString(), Uuid.random().toString()])
        await h.es.index({ index: `${h.index}-${table}`, id, document: { id, tmstmp: at, n: 1.5 } });
      await h.refresh();
      assert.equal((await h.run(name, { state })).code, EXIT.partial);
      const listed = await h.cli(["dead-letters", "list", ...args, "--json"]);
      const letters = (JSON.parse(listed.stdout) as { letters: ListedLetter[] }).letters;
      // The last: a letters file that begins with a later one is refused before anything connects.
      const later = letters.at(-1)?.letterId ?? "";
      const format = STATE_FORMAT + 1;
      const stored = storedFormats(h, backend, key);
      await stored.set(later, format);

      const refused = await h.cli([...args, "--lookback", "1h"]);
      assert.equal(refused.code, EXIT.usage, refused.stdout + refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(`1 dead letter of state key ${key} in .* \\(letter ${later}\\)`),
      );
      assert.match(refused.stderr, new RegExp(`is in state format ${format}, written by a later synced`));
      assert.match(refused.stderr, /would replace it with its own letter of the same record/);
      assert.equal(await stored.get(later), format);

      // Its own letters are listed, shown and replayed; the later one is left unread and untouched.
      const own = letters[0]?.letterId ?? "";
      const ownList = await h.cli(["dead-letters", "list", ...args, "--json"]);
      assert.equal(ownList.code, EXIT.partial, ownList.stdout + ownList.stderr);
      const ownListed = JSON.parse(ownList.stdout) as Record<string, unknown> & { letters: ListedLetter[] };
      assert.deepEqual(
        ownListed.letters.map((l) => l.letterId),
        [own],
      );
      assert.equal(ownListed["waiting"], 1);
      assert.equal(ownListed["kept"], 1);
      assert.equal(ownListed["laterFormat"], format);
      const ownText = await h.cli(["dead-letters", "list", ...args]);
      assert.equal(ownText.code, EXIT.partial, ownText.stdout + ownText.stderr);
      assert.match(
        ownText.stdout,
        new RegExp(
          `^1 dead letter of state key ${key} in .*; left 1 unread, written by a later synced in state format ${format}, `,
        ),
      );
      assert.match(ownText.stdout, /: list it with that synced or a newer one/);
      const shown = await h.cli(["dead-letters", "show", own, ...args]);
      assert.equal(shown.code, EXIT.success, shown.stdout + shown.stderr);
      assert.equal((JSON.parse(shown.stdout) as ListedLetter).letterId, own);
      const unshown = await h.cli(["dead-letters", "show", later, ...args]);
      assert.equal(unshown.code, EXIT.usage, unshown.stdout + unshown.stderr);
      assert.match(
        unshown.stderr,
        new RegExp(
          `dead letter ${later} of state key ${key} in .* is in state format ${format}, written by a later synced`,
        ),
      );
      assert.match(unshown.stderr, /show it with that synced or a newer one/);
      const dryReplay = await h.cli(["dead-letters", "replay", ...args, "--dry-run"]);
      assert.equal(dryReplay.code, EXIT.partial, dryReplay.stdout + dryReplay.stderr);
      assert.match(
        dryReplay.stdout,
        /^would replay 0 .* 1 would fail again; .*; would leave 1 unread, written by a later synced/,
      );
      const laterReplay = await h.cli(["dead-letters", "replay", ...args, "--letter", later, "--json"]);
      assert.equal(laterReplay.code, EXIT.partial, laterReplay.stdout + laterReplay.stderr);
      assert.deepEqual(
        { ...(JSON.parse(laterReplay.stdout) as Record<string, unknown>), location: null },
        {
          key,
          location: null,
          dryRun: false,
          letters: 0,
          replayed: 0,
          gone: 0,
          failed: 0,
          failedLetters: [],
          kept: 1,
          laterFormat: format,
        },
      );
      // The own record still fails (1.5 in an int column): its letter is put again, beside the later one.
      const replayed = await h.cli(["dead-letters", "replay", ...args]);
      assert.equal(replayed.code, EXIT.partial, replayed.stdout + replayed.stderr);
      assert.match(
        replayed.stdout,
        /^replayed 0 .* 1 failed again and wait in .*; left 1 unread, written by a later synced/,
      );
      assert.match(replayed.stdout, /: replay it with that synced or a newer one/);
      assert.equal(await stored.get(later), format);
      assert.equal(await stored.count(), 2);

      const dry = await h.cli(["dead-letters", "purge", ...args, "--all", "--dry-run"]);
      assert.equal(dry.code, EXIT.partial, dry.stdout + dry.stderr);
      assert.match(dry.stdout, /^would purge 1 dead letter .*; would keep 1 written by a later synced/);
      const purged = await h.cli(["dead-letters", "purge", ...args, "--all", "--yes"]);
      assert.equal(purged.code, EXIT.partial, purged.stdout + purged.stderr);
      assert.match(purged.stdout, /^purged 1 dead letter of state key .*; kept 1 written by a later synced/);
      assert.match(purged.stdout, new RegExp(`in state format ${format}, .*: purge it with that synced`));
      const named = await h.cli(["dead-letters", "purge", ...args, "--letter", later, "--yes", "--json"]);
      assert.equal(named.code, EXIT.partial, named.stdout + named.stderr);
      assert.deepEqual(JSON.parse(named.stdout), {
        key,
        location: (JSON.parse(named.stdout) as { location: string }).location,
        dryRun: false,
        purged: 0,
        matched: 1,
        kept: 1,
        laterFormat: format,
      });
      assert.equal(await stored.get(later), format);
      assert.equal(await stored.count(), 1);
      // Runs of every table in this world must not meet these records.
      await h.es.indices.delete({ index: `${h.index}-${table}` });
      await h.cassandra.execute(`DROP TABLE ${h.keyspace}.${table}`);
    });
  }

  // Tried as an operator would: the state in a table of the synced keyspace (the one keyspace a
  // deployment may be granted). Its tables were planned as the keyspace's own: each run listed the
  // state and dead-letter tables as skipped, and a typo in --tables was offered their columns.
  it("leaves the state's own tables in the synced keyspace out of the tables it syncs", async () => {
    const result = await h.run(["--name", "own-tables"], { state: h.stateIn("cassandra") });
    assert.equal(result.code, EXIT.success, JSON.stringify(result.summary));
    const skipped = (result.summary["skipped"] as { name: string }[]).map((s) => s.name);
    assert.deepEqual(
      skipped.filter((name) => name.startsWith("synced_state")),
      [],
      JSON.stringify(skipped),
    );
  });

  // Tried as an operator would: an application indexed a document under an _id other than its id
  // field. The run dead-lettered it; the replay looked it up by its id, did not find it, and removed
  // the letter as "gone from its source" while the document stayed, never synced.
  it("keeps the letter of a document whose _id is not its id, which a lookup by id does not find", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.misplaced (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
    );
    const name = ["--name", "misplaced", "--tables", "misplaced"];
    assert.equal((await h.run(name)).code, EXIT.success);
    const [under, field] = [Uuid.random().toString(), Uuid.random().toString()];
    const at = new Date(Date.now() - 5_000).toISOString();
    await h.es.index({
      index: `${h.index}-misplaced`,
      id: under,
      document: { id: field, tmstmp: at, n: 1 },
      refresh: true,
    });
    const run = await h.run([...name, "--direction", "to-cassandra"]);
    assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));

    const args = [...h.baseArgs(), ...name];
    const replayed = await h.cli(["dead-letters", "replay", ...args]);
    assert.equal(replayed.code, EXIT.partial, replayed.stdout + replayed.stderr);
    assert.match(replayed.stdout, /replayed 0 .* 0 gone from their source, 1 failed again/);
    assert.match(replayed.stdout, new RegExp(`has _id '${under}', not the id its key fields give`));
    const listed = await h.cli(["dead-letters", "list", ...args, "--json"]);
    assert.equal((JSON.parse(listed.stdout) as { waiting: number }).waiting, 1, listed.stdout);

    // A row of the key, newer, is written as a document of its own: the one the letter names is still
    // unsynced, so a run keeps its letter as the replay did.
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.misplaced (id, tmstmp, n, deleted) VALUES (?, ?, 2, false)`,
      [field, new Date()],
      { prepare: true },
    );
    const wrote = await h.run(name);
    assert.equal(wrote.code, EXIT.partial, JSON.stringify(wrote.summary));
    assert.deepEqual(wrote.summary["deadLetters"], {
      ...(wrote.summary["deadLetters"] as object),
      settled: 0,
      waiting: 1,
    });

    // A replay now finds a document under the key's own _id, but not the one the letter names, which
    // stays unsynced: the letter stays too (a replay removed it as replayed, and verify then agreed).
    const again = await h.cli(["dead-letters", "replay", ...args]);
    assert.equal(again.code, EXIT.partial, again.stdout + again.stderr);
    assert.match(again.stdout, /replayed 0 .* 1 failed again/);
    assert.match(again.stdout, /a document under that id exists as well/);
    assert.match(again.stdout, /delete the other, and replay this letter/);
    const kept = await h.cli(["dead-letters", "list", ...args, "--json"]);
    assert.equal((JSON.parse(kept.stdout) as { waiting: number }).waiting, 1, kept.stdout);

    // The user keeps the document under the key's _id and deletes the misplaced one, as the letter
    // says: the replay reads the record by its id and settles the letter (it failed for good, saying
    // the deleted document still existed, and no incremental run reached a record that old).
    await h.es.delete({ index: `${h.index}-misplaced`, id: under, refresh: true });
    const settled = await h.cli(["dead-letters", "replay", ...args]);
    assert.equal(settled.code, EXIT.success, settled.stdout + settled.stderr);
    assert.match(settled.stdout, /replayed 1 /);
    const none = await h.cli(["dead-letters", "list", ...args, "--json"]);
    assert.equal((JSON.parse(none.stdout) as { waiting: number }).waiting, 0, none.stdout);
  });

  // Tried as an operator would: the user fixed a record at its source, and the next run wrote it;
  // its letter stayed, so every later run exited 3 until a replay found the record already held.
  for (const backend of BACKENDS) {
    it(`settles the letter of a record a later run writes, as a replay would, in ${backend}`, async () => {
      const table = `fixed_${backend}`;
      const state = h.stateIn(backend);
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
      );
      const name = ["--name", `fixed-${backend}`, "--tables", table, "--direction", "to-cassandra"];
      assert.equal((await h.run(name, { state })).code, EXIT.success);
      const index = `${h.index}-${table}`;
      const [mended, broken] = [Uuid.random().toString(), Uuid.random().toString()];
      const at = new Date(Date.now() - 10_000).toISOString();
      for (const id of [mended, broken])
        await h.es.index({ index, id, document: { id, tmstmp: at, n: 1.5 } });
      await h.refresh();
      const first = await h.run(name, { state });
      assert.equal(first.code, EXIT.partial, JSON.stringify(first.summary));
      assert.equal((first.summary["deadLetters"] as { waiting: number }).waiting, 2);

      // Dated after the first run's checkpoint, as an edit made now is.
      const later = new Date().toISOString();
      await h.es.index({ index, id: mended, document: { id: mended, tmstmp: later, n: 2 }, refresh: true });
      // Without a look-back window, the run meets the mended record and not the broken one.
      const second = await h.run([...name, "--lookback", "0"], { state });
      assert.equal(second.code, EXIT.partial, JSON.stringify(second.summary));
      assert.deepEqual(second.summary["deadLetters"], {
        ...(second.summary["deadLetters"] as object),
        count: 0,
        settled: 1,
        waiting: 1,
      });
      const row = await h.cassandra.execute(`SELECT n FROM ${h.keyspace}.${table} WHERE id = ?`, [mended], {
        prepare: true,
      });
      assert.equal(row.rows[0]?.get("n"), 2);
      const listed = await h.cli([
        "dead-letters",
        "list",
        ...h.argsWith({ "--state": state }),
        ...name,
        "--json",
      ]);
      const letters = (JSON.parse(listed.stdout) as { letters: ListedLetter[] }).letters;
      assert.deepEqual(
        letters.map((l) => l.id),
        [broken],
      );

      // The broken one, mended too, is the last: the run that writes it exits 0.
      const last = new Date().toISOString();
      await h.es.index({ index, id: broken, document: { id: broken, tmstmp: last, n: 3 }, refresh: true });
      const third = await h.cli([...h.argsWith({ "--state": state }), ...name]);
      assert.equal(third.code, EXIT.success, third.stdout + third.stderr);
      assert.match(third.stdout, /dead letters: 0 put by this run, 1 settled, 0 waiting/);
    });
  }

  // The letter of a document holding a field that no column holds says to replay it with
  // --create-columns: the replay adds the column, as a run with the flag would, and writes the record.
  it("replays with --create-columns: the column is made, the record written, the letter gone", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.grown (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
    );
    const name = ["--name", "grown", "--tables", "grown", "--direction", "to-cassandra"];
    assert.equal((await h.run(name)).code, EXIT.success);
    const id = Uuid.random().toString();
    await h.es.index({
      index: `${h.index}-grown`,
      id,
      document: { id, tmstmp: new Date().toISOString(), n: 1, colour: "teal" },
      refresh: true,
    });
    const run = await h.run(name);
    assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));
    const args = [...h.baseArgs(), ...name];
    const listed = await h.cli(["dead-letters", "list", ...args, "--json"]);
    const [letter] = (JSON.parse(listed.stdout) as { letters: ListedLetter[] }).letters;
    assert.match(letter?.reason ?? "", /field 'colour' has no column .*--create-columns/);

    const replayed = await h.cli(["dead-letters", "replay", ...args, "--create-columns"]);
    assert.equal(replayed.code, EXIT.success, replayed.stdout + replayed.stderr);
    assert.match(replayed.stdout, /replayed 1 /);
    const row = await h.cassandra.execute(`SELECT colour FROM ${h.keyspace}.grown WHERE id = ?`, [id], {
      prepare: true,
    });
    assert.equal(row.rows[0]?.get("colour"), "teal");
    const left = await h.cli(["dead-letters", "list", ...args, "--json"]);
    assert.equal((JSON.parse(left.stdout) as { waiting: number }).waiting, 0, left.stdout);
  });

  // Tried as an operator would: with the letters' index deleted, replay --dry-run said every letter
  // would be replayed, reading nothing, where the replay makes the index again, reads each record
  // from its source, and finds one gone and one still refused.
  it("says in a dry run what a replay would do with letters whose index is gone", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.unindexed (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
    );
    const name = ["--name", "unindexed", "--tables", "unindexed", "--direction", "to-es"];
    const [mended, gone, ahead] = [
      Uuid.random().toString(),
      Uuid.random().toString(),
      Uuid.random().toString(),
    ];
    // Beyond --max-future (1 h): dead-lettered by the run, and by a replay until it is mended.
    const far = new Date(Date.now() + 2 * 86_400_000);
    for (const id of [mended, gone, ahead]) {
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.unindexed (id, tmstmp, n, deleted) VALUES (?, ?, 1, false)`,
        [id, far],
        { prepare: true },
      );
    }
    const run = await h.run(name);
    assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));
    assert.equal((run.summary["deadLetters"] as { waiting: number }).waiting, 3);
    await h.cassandra.execute(
      `UPDATE ${h.keyspace}.unindexed SET tmstmp = ? WHERE id = ?`,
      [new Date(), mended],
      {
        prepare: true,
      },
    );
    await h.cassandra.execute(`DELETE FROM ${h.keyspace}.unindexed WHERE id = ?`, [gone], { prepare: true });
    const index = `${h.index}-unindexed`;
    await h.es.indices.delete({ index });

    const args = [...h.baseArgs(), ...name];
    const dry = await h.cli(["dead-letters", "replay", ...args, "--dry-run"]);
    assert.equal(dry.code, EXIT.partial, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /^would replay 1 .*, 1 gone from their source, 1 would fail again; dry run/);
    assert.match(dry.stdout, new RegExp(`${ahead}: its timestamp .* is far in the future`));
    assert.equal(await h.es.indices.exists({ index }), false);
    // What the replay then does.
    const replayed = await h.cli(["dead-letters", "replay", ...args]);
    assert.equal(replayed.code, EXIT.partial, replayed.stdout + replayed.stderr);
    assert.match(replayed.stdout, /^replayed 1 .*, 1 gone from their source, 1 failed again/);
    assert.equal(await h.es.exists({ index, id: mended }), true);
  });

  // Tried as an operator would: replay --dry-run counted as replayed the letters of a table whose new
  // index a template would spoil, whose writes go through an ingest pipeline that does not exist, or
  // whose index is blocked for writes, where the replay meets the refusal: it now names it as the
  // replay does, and makes nothing. The letters' reasons spoke of a run and its checkpoint, where
  // they wait for a replay.
  it("says in a dry run that a template, a missing pipeline or a block would refuse a replay, as the replay does", async () => {
    const far = new Date(Date.now() + 2 * 86_400_000);
    const ids = {
      templated: Uuid.random().toString(),
      unpiped: Uuid.random().toString(),
      frozen: Uuid.random().toString(),
    };
    for (const [table, id] of Object.entries(ids)) {
      await h.cassandra.execute(
        `CREATE TABLE ${h.keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
      );
      await h.cassandra.execute(
        `INSERT INTO ${h.keyspace}.${table} (id, tmstmp, n, deleted) VALUES (?, ?, 1, false)`,
        [id, far],
        { prepare: true },
      );
    }
    const name = ["--name", "refusing", "--tables", "templated,unpiped,frozen", "--direction", "to-es"];
    const run = await h.run(name);
    assert.equal((run.summary["deadLetters"] as { waiting: number }).waiting, 3, JSON.stringify(run.summary));
    for (const [table, id] of Object.entries(ids)) {
      await h.cassandra.execute(
        `UPDATE ${h.keyspace}.${table} SET tmstmp = ? WHERE id = ?`,
        [new Date(), id],
        {
          prepare: true,
        },
      );
    }
    const templated = `${h.index}-templated`;
    const template = `${h.index}_templated_shape`;
    const absent = `${h.index}_absent`;
    await h.es.indices.delete({ index: templated });
    await h.es.indices.putIndexTemplate({
      name: template,
      pattern: templated,
      mappings: { _source: { excludes: ["n"] } },
    });
    await h.es.indices.putSettings({
      index: `${h.index}-unpiped`,
      settings: { "index.default_pipeline": absent },
    });
    const frozen = `${h.index}-frozen`;
    await h.es.indices.putSettings({ index: frozen, settings: { "index.blocks.write": true } });
    try {
      const args = [...h.baseArgs(), ...name];
      const said = async (dryRun: boolean) => {
        const result = await h.cli(["dead-letters", "replay", ...args, ...(dryRun ? ["--dry-run"] : [])]);
        const what = `${dryRun ? "dry run" : "replay"}: ${result.stdout}${result.stderr}`;
        assert.equal(result.code, EXIT.partial, what);
        assert.match(
          result.stdout,
          dryRun ? /^would replay 0 .* 3 would fail again/ : /^replayed 0 .* 3 failed again/,
          what,
        );
        assert.match(
          result.stdout,
          new RegExp(`templated ${ids.templated}: .*index template ${template}\\b`),
          what,
        );
        assert.match(
          result.stdout,
          new RegExp(`unpiped ${ids.unpiped}: .*ingest pipeline ${absent}, which does not exist`),
          what,
        );
        assert.match(
          result.stdout,
          new RegExp(
            `frozen ${ids.frozen}: index ${frozen} is blocked for writes .*` +
              `PUT ${frozen}/_settings \\{"index.blocks.write": null\\}`,
          ),
          what,
        );
        assert.doesNotMatch(result.stdout, /The (dry )?run (stopped|wrote)/, what);
        // Each letter waits for a replay: none speaks of a run or its checkpoint.
        for (const id of Object.values(ids)) {
          const line = result.stdout.split("\n").find((l) => l.includes(id)) ?? "";
          assert.match(line, /; then replay this letter\.$/, what);
          assert.doesNotMatch(line, /run again|checkpoint|a run would|none was dead-lettered/, what);
        }
        return result.stdout;
      };
      await said(true);
      assert.equal(await h.es.indices.exists({ index: templated }), false);
      await said(false);
      assert.equal(await h.es.indices.exists({ index: templated }), false);
      const left = await h.cli(["dead-letters", "list", ...args, "--json"]);
      assert.equal((JSON.parse(left.stdout) as { waiting: number }).waiting, 3, left.stdout);
    } finally {
      await h.es.indices.putSettings({ index: frozen, settings: { "index.blocks.write": null } });
      await h.es.indices.deleteIndexTemplate({ name: template });
      await h.es.indices.putSettings({
        index: `${h.index}-unpiped`,
        settings: { "index.default_pipeline": null },
      });
    }
  });

  // Tried as an operator would: a document whose id field holds no UUID has no record id, and its
  // letter was known by its content, so every update of the document added one more letter.
  it("keeps one letter for a document without a usable id, however often it changes", async () => {
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.noid (id uuid PRIMARY KEY, tmstmp timestamp, n int, deleted boolean)`,
    );
    const name = ["--name", "noid", "--tables", "noid"];
    assert.equal((await h.run(name)).code, EXIT.success);
    const index = `${h.index}-noid`;
    for (const n of [1, 2]) {
      const tmstmp = new Date(Date.now() - 5_000).toISOString();
      await h.es.index({ index, id: "not-a-uuid", document: { id: "not-a-uuid", tmstmp, n }, refresh: true });
      const run = await h.run([...name, "--direction", "to-cassandra"]);
      assert.equal(run.code, EXIT.partial, JSON.stringify(run.summary));
      assert.equal(
        (run.summary["deadLetters"] as { waiting: number }).waiting,
        1,
        JSON.stringify(run.summary),
      );
    }
  });
});

/** The letters of one key where a backend keeps them: their state formats, and how many there are. */
interface StoredFormats {
  get(letterId: string): Promise<unknown>;
  /** Marks the letter as written in `format`, as a later synced would. */
  set(letterId: string, format: number): Promise<void>;
  count(): Promise<number>;
}

function storedFormats(h: Harness, backend: (typeof BACKENDS)[number], key: string): StoredFormats {
  if (backend === "file") {
    const path = join(h.stateDir, `${key}.dead-letters.ndjson`);
    const lines = async () =>
      (await readFile(path, "utf8"))
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    return {
      get: async (id) => (await lines()).find((l) => l["letterId"] === id)?.["format"],
      set: async (id, format) => {
        const marked = (await lines()).map((l) => (l["letterId"] === id ? { ...l, format } : l));
        await writeFile(path, marked.map((l) => `${JSON.stringify(l)}\n`).join(""));
      },
      count: async () => (await lines()).length,
    };
  }
  if (backend === "cassandra") {
    const table = `${h.keyspace}.synced_state_dead_letters`;
    return {
      get: async (id) =>
        (
          await h.cassandra.execute(
            `SELECT format FROM ${table} WHERE key = ? AND letter_id = ?`,
            [key, id],
            {
              prepare: true,
            },
          )
        ).rows[0]?.get("format") as unknown,
      set: async (id, format) => {
        await h.cassandra.execute(
          `UPDATE ${table} SET format = ? WHERE key = ? AND letter_id = ?`,
          [format, key, id],
          {
            prepare: true,
          },
        );
      },
      count: async () =>
        Number(
          (
            await h.cassandra.execute(`SELECT COUNT(*) AS n FROM ${table} WHERE key = ?`, [key], {
              prepare: true,
            })
          ).rows[0]?.get("n"),
        ),
    };
  }
  const index = `${h.index}_state-dead-letters`;
  return {
    get: async (id) => (await h.es.get<{ format?: number }>({ index, id: `${key}:${id}` }))._source?.format,
    set: async (id, format) => {
      await h.es.update({ index, id: `${key}:${id}`, doc: { format }, refresh: true });
    },
    count: async () => (await h.es.count({ index, query: { term: { key } } })).count,
  };
}
