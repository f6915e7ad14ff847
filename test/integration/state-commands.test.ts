// `synced status` shows what each state backend holds for every configuration, and `synced state
// set|reset` moves or clears one configuration's checkpoint: only with --yes, and never while a run
// of that configuration holds the lease. Through the real command, on the real servers.
import assert from "node:assert/strict";
import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { EXIT } from "../../src/cli/exit-codes.js";
import { parseStateLocation } from "../../src/core/state-location.js";
import { commandOwner } from "../../src/reconcile/lease-owner.js";
import { openStateStore } from "../../src/state/open-state-store.js";
import { Harness, withoutSelection } from "../support/harness.js";

const BACKENDS = ["file", "cassandra", "elasticsearch"] as const;

interface StatusJson {
  readonly state: { readonly backend: string; readonly location: string };
  readonly configurations: readonly {
    readonly key: string;
    readonly checkpoint: {
      readonly position: string;
      readonly runId: string;
      readonly covers: readonly string[] | null;
    } | null;
    readonly lease: { readonly owner: string; readonly live: boolean } | null;
    readonly runs: readonly { readonly outcome: string; readonly range: { readonly end: string } }[];
  }[];
}

describe("synced status and synced state", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create("statecmd");
    await h.cassandra.execute(
      `CREATE TABLE ${h.keyspace}.things (id uuid PRIMARY KEY, tmstmp timestamp, n int)`,
    );
    await h.cassandra.execute(
      `INSERT INTO ${h.keyspace}.things (id, tmstmp, n) VALUES (?, ?, 1)`,
      [cassandra.types.Uuid.random(), new Date(Date.now() - 5_000)],
      { prepare: true },
    );
  });
  after(() => h.cleanup());

  for (const backend of BACKENDS) {
    it(`shows and changes the state in ${backend}`, async () => {
      const state = h.stateIn(backend);
      const name = `statecmd-${backend}`;
      const runArgs = [...h.argsWith({ "--state": state }), "--name", name];
      // status needs no -k and -i: it reads every configuration of the store.
      const storeArgs = withoutSelection(runArgs);
      const status = async (): Promise<StatusJson["configurations"][number] | undefined> => {
        const result = await h.cli(["status", ...storeArgs, "--json"]);
        assert.equal(result.code, EXIT.success, result.stderr);
        const parsed = JSON.parse(result.stdout) as StatusJson;
        assert.equal(parsed.state.backend, backend);
        return parsed.configurations.find((c) => c.key === name);
      };

      const run = await h.cli([...runArgs, "--json"]);
      assert.equal(run.code, EXIT.success, run.stderr);
      const saved = (JSON.parse(run.stdout) as { checkpoint: { after: string } }).checkpoint.after;
      const shown = await status();
      assert.ok(shown, "status lists the configuration");
      assert.equal(shown.checkpoint?.position, saved);
      // Each table and direction with the uuid of the index and the id of the table it was synced
      // between, and the digest of the columns its settings chose; status shows the tables.
      const covers = shown.checkpoint.covers ?? [];
      assert.deepEqual(
        covers.map((item) => item.replace(/@[\w-]+\/[\w-]+\/[0-9a-f]+$/, "")),
        ["things:to-cassandra", "things:to-es"],
      );
      assert.equal(new Set(covers.map((item) => item.split("@")[1])).size, 1);
      assert.equal(shown.lease, null);
      assert.deepEqual(
        shown.runs.map((r) => [r.outcome, r.range.end]),
        [["success", saved]],
      );
      const text = await h.cli(["status", ...storeArgs]);
      assert.match(text.stdout, new RegExp(`^${name}\\n  checkpoint  ${saved.replace(/\./g, "\\.")}`, "m"));
      assert.match(text.stdout, /^ {2}covers {6}things \(both directions\)$/m);

      // Without --yes nothing changes, and the message says what would.
      const to = "2026-01-01T00:00:00.000000Z";
      const unconfirmed = await h.cli(["state", "set", ...runArgs, "--to", to]);
      assert.equal(unconfirmed.code, EXIT.usage);
      assert.match(unconfirmed.stderr, new RegExp(`from ${saved.replace(/\./g, "\\.")} to ${to}.*Add --yes`));
      assert.equal((await status())?.checkpoint?.position, saved);

      // --dry-run, which --help says writes nothing and keeps the checkpoint, does so with --yes too.
      for (const action of [["set", "--to", to], ["reset"]]) {
        const dry = await h.cli(["state", ...action, ...runArgs, "--yes", "--dry-run"]);
        assert.equal(dry.code, EXIT.success, dry.stderr);
        assert.match(
          dry.stdout,
          /^would (move|clear) the checkpoint of state key .*dry run: nothing was changed/,
        );
        assert.equal((await status())?.checkpoint?.position, saved);
      }
      const dryJson = await h.cli(["state", "set", ...runArgs, "--to", to, "--dry-run", "--json"]);
      assert.equal(dryJson.code, EXIT.success, dryJson.stderr);
      assert.equal((JSON.parse(dryJson.stdout) as { dryRun: boolean }).dryRun, true);
      assert.equal((await status())?.checkpoint?.position, saved);

      const set = await h.cli(["state", "set", ...runArgs, "--to", to, "--yes"]);
      assert.equal(set.code, EXIT.success, set.stderr);
      // Moved by hand, it covers what it covered.
      const moved = (await status())?.checkpoint;
      assert.equal(moved?.position, to);
      assert.deepEqual(moved.covers, covers);

      // A run of the configuration holds the lease: the checkpoint is not touched.
      const store = await openStateStore(parseStateLocation(state), {
        cassandra: h.cassandra,
        elasticsearch: h.search,
      });
      try {
        const held = await store.acquireLease(name, "run-elsewhere", "other-host:1:1", 60_000);
        assert.ok(held.acquired);
        const refused = await h.cli(["state", "reset", ...runArgs, "--yes"]);
        assert.equal(refused.code, EXIT.leaseHeld, refused.stderr);
        assert.match(refused.stderr, /run run-elsewhere on other-host:1:1 holds the lease/);
        assert.deepEqual(
          { owner: (await status())?.lease?.owner, live: (await status())?.lease?.live },
          { owner: "run-elsewhere", live: true },
        );
        await store.releaseLease(held.lease);
      } finally {
        await store.close();
      }

      const reset = await h.cli(["state", "reset", ...runArgs, "--yes"]);
      assert.equal(reset.code, EXIT.success, reset.stderr);
      // The value cleared is the one it was, not the checkpoint now.
      assert.match(reset.stdout, /^done: cleared the checkpoint of state key .* \(it was \d{4}-/);
      assert.equal((await status())?.checkpoint, null);
      // The next run begins at the earliest version again.
      const again = await h.cli([...runArgs, "--json"]);
      assert.equal(again.code, EXIT.success, again.stderr);
      const range = (JSON.parse(again.stdout) as { range: { begin: string } }).range;
      assert.equal(range.begin, "0001-01-01T00:00:00.000000Z");

      // Only the store that holds the state is needed: the other may be away.
      if (backend !== "file") {
        const alone = await h.cli(["status", ...withoutSelection(h.argsWithOnly(backend)), "--json"]);
        assert.equal(alone.code, EXIT.success, alone.stderr);
        assert.ok((JSON.parse(alone.stdout) as StatusJson).configurations.some((c) => c.key === name));
      }
    });
  }

  // A first run of a new configuration that is slow, or was killed before it saved anything, leaves
  // only its lease: status shows it, as the run it keeps out says.
  for (const backend of BACKENDS) {
    it(`shows a configuration whose only state is a lease in ${backend}`, async () => {
      const state = h.stateIn(backend);
      const name = `statecmd-leased-${backend}`;
      const runArgs = [...h.argsWith({ "--state": state }), "--name", name];
      const storeArgs = withoutSelection(runArgs);
      const store = await openStateStore(parseStateLocation(state), {
        cassandra: h.cassandra,
        elasticsearch: h.search,
      });
      try {
        const held = await store.acquireLease(name, "run-first", "other-host:1:1", 600_000);
        assert.ok(held.acquired);
        const refused = await h.cli([...runArgs, "--json"]);
        assert.equal(refused.code, EXIT.leaseHeld, refused.stderr);
        assert.match(refused.stderr, /run run-first on other-host:1:1 holds the lease/);

        const json = await h.cli(["status", ...storeArgs, "--json"]);
        assert.equal(json.code, EXIT.success, json.stderr);
        const shown = (JSON.parse(json.stdout) as StatusJson).configurations.find((c) => c.key === name);
        assert.ok(shown, `status lists ${name}: ${json.stdout}`);
        assert.deepEqual(
          {
            checkpoint: shown.checkpoint,
            owner: shown.lease?.owner,
            live: shown.lease?.live,
            runs: shown.runs,
          },
          { checkpoint: null, owner: "run-first", live: true, runs: [] },
        );
        const text = await h.cli(["status", ...storeArgs]);
        assert.match(
          text.stdout,
          new RegExp(
            `^${name}\n  checkpoint  none\n  lease       held: run run-first on other-host:1:1 until `,
            "m",
          ),
        );

        // Killed, its lease runs out: still shown, as expired, until the next run takes it over.
        await store.releaseLease(held.lease);
        const stale = await store.acquireLease(
          name,
          "run-killed",
          "other-host:2:1",
          1_000,
          new Date(Date.now() - 60_000),
        );
        assert.ok(stale.acquired);
        const expired = await h.cli(["status", ...storeArgs]);
        assert.match(
          expired.stdout,
          new RegExp(`^${name}\n  checkpoint  none\n  lease       expired: run run-killed `, "m"),
        );
        await store.releaseLease(stale.lease);
      } finally {
        await store.close();
      }
      // Released, nothing is left of it to show.
      const gone = await h.cli(["status", ...storeArgs, "--json"]);
      assert.equal(gone.code, EXIT.success, gone.stderr);
      assert.ok(!(JSON.parse(gone.stdout) as StatusJson).configurations.some((c) => c.key === name));
    });
  }

  // Seen under load: a run kept out by a replay was told "run <id> ... holds the lease", and no such run
  // was in synced status, since a replay (like a change of the checkpoint) records none.
  it("names a replay or a state command that holds the lease, in the refusal and in status", async () => {
    const name = "statecmd-held-by-command";
    const runArgs = [...h.baseArgs(), "--name", name];
    const store = await openStateStore(parseStateLocation(h.stateDir), {});
    try {
      for (const command of ["dead-letters replay", "state set"] as const) {
        const id = `id-${command.length}`;
        const held = await store.acquireLease(name, commandOwner(command, id), "other-host:1:1", 600_000);
        assert.ok(held.acquired);
        const refused = await h.cli(runArgs);
        assert.equal(refused.code, EXIT.leaseHeld, refused.stderr);
        assert.ok(
          refused.stderr.includes(
            `synced: a ${command} of this configuration (state key '${name}') is in progress: ` +
              `${command} ${id} on other-host:1:1 holds the lease`,
          ),
          refused.stderr,
        );
        const status = await h.cli(["status", ...withoutSelection(runArgs)]);
        assert.match(
          status.stdout,
          new RegExp(`^  lease       held: ${command} ${id} on other-host:1:1 until `, "m"),
        );
        await store.releaseLease(held.lease);
      }
    } finally {
      await store.close();
    }
  });

  // A mistyped --state must not leave a new directory, table or index behind for the next look to find.
  for (const backend of BACKENDS) {
    it(`creates nothing where ${backend} holds no state, and says so, for every command that reads`, async () => {
      const missing = {
        file: join(h.stateDir, "nosuch", "state"),
        cassandra: `cassandra:${h.keyspace}.nosuch_state`,
        elasticsearch: `es:${h.index}_nosuch`,
      }[backend];
      const where = {
        file: /directory .*nosuch\/state/,
        cassandra: new RegExp(`Cassandra table ${h.keyspace}\\.nosuch_state`),
        elasticsearch: new RegExp(`Elasticsearch index ${h.index}_nosuch`),
      }[backend];
      const args = [...h.argsWith({ "--state": missing }), "--name", "nosuch"];
      const commands = [
        ["status", ...withoutSelection(args)],
        ["dead-letters", "list", ...args],
        ["dead-letters", "show", "0123456789abcdef", ...args],
        ["dead-letters", "purge", "--all", "--yes", ...args],
      ];
      for (const command of commands) {
        const result = await h.cli(command);
        assert.equal(result.code, EXIT.usage, `${command.join(" ")}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, /flag --state: there is no (state|dead-letter store) in /, command[0]);
        assert.match(result.stderr, where, command.join(" "));
        assert.match(result.stderr, /nothing was created/);
      }
      if (backend === "cassandra") {
        // A keyspace no run makes: the message says to create it, not that a run would.
        const keyspace = `${h.keyspace}_nosuchks`;
        const inKeyspace = h.argsWith({ "--state": `cassandra:${keyspace}.state` });
        for (const command of [
          ["status", ...withoutSelection(inKeyspace)],
          ["dead-letters", "list", ...inKeyspace],
        ]) {
          const result = await h.cli(command);
          assert.equal(result.code, EXIT.usage, result.stderr);
          assert.match(
            result.stderr,
            new RegExp(`its keyspace ${keyspace} does not exist; nothing was created`),
          );
          assert.match(result.stderr, /create the keyspace with the replication your cluster needs/);
          assert.doesNotMatch(result.stderr, /a run creates the store there/);
        }
        const found = await h.cassandra.execute(
          "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
          [keyspace],
          { prepare: true },
        );
        assert.equal(found.rowLength, 0);
      }
      if (backend === "file") {
        await assert.rejects(access(join(h.stateDir, "nosuch")), /ENOENT/);
      } else if (backend === "cassandra") {
        const tables = await h.cassandra.execute(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
          [h.keyspace],
          { prepare: true },
        );
        const names = tables.rows.map((row) => row.get("table_name") as string);
        assert.deepEqual(
          names.filter((name) => name.startsWith("nosuch")),
          [],
        );
      } else {
        for (const index of [`${h.index}_nosuch`, `${h.index}_nosuch-dead-letters`]) {
          assert.equal(await h.es.indices.exists({ index }), false, index);
        }
      }
    });
  }

  // Tried as an operator would: one configuration's checkpoint file cut short (a disk that filled, a
  // hand edit) made synced status fail with exit 1 and print nothing for any configuration, so a
  // script that watched every job through status --json went blind to all of them.
  it("shows every configuration when one of them cannot be read, naming its file, and exits 1", async () => {
    const dir = join(h.stateDir, "status-one-corrupt");
    const args = [...h.argsWith({ "--state": dir })];
    for (const name of ["good-job", "broken-job"]) {
      const run = await h.cli([...args, "--name", name]);
      assert.equal(run.code, EXIT.success, run.stderr);
    }
    const broken = join(dir, "broken-job", "checkpoint.json");
    await writeFile(broken, '{"version":1,');
    const storeArgs = withoutSelection(args);

    const text = await h.cli(["status", ...storeArgs]);
    assert.equal(text.code, EXIT.failure, text.stderr);
    assert.match(text.stdout, /^good-job\n {2}checkpoint {2}\d{4}-/m);
    assert.match(
      text.stdout,
      new RegExp(
        `^broken-job\\n {2}unreadable  corrupt state in ${broken.replace(/[.]/g, "\\.")}: it is not valid JSON`,
        "m",
      ),
    );
    // What could be read of it is shown too, and what could not is not shown as none.
    assert.match(
      text.stdout,
      /^broken-job\n(?:.*\n)*? {2}checkpoint {2}unreadable \(above\)\n {2}lease {7}free$/m,
    );
    assert.match(text.stderr, /1 configuration of the state store could not be read \(broken-job\)/);

    const json = await h.cli(["status", ...storeArgs, "--json"]);
    assert.equal(json.code, EXIT.failure, json.stderr);
    const parsed = JSON.parse(json.stdout) as {
      configurations: { key: string; checkpoint: unknown; problems?: { part: string; message: string }[] }[];
    };
    const byKey = new Map(parsed.configurations.map((c) => [c.key, c]));
    assert.notEqual(byKey.get("good-job")?.checkpoint, null);
    assert.equal(byKey.get("good-job")?.problems, undefined);
    assert.equal(byKey.get("broken-job")?.checkpoint, null);
    assert.deepEqual(
      byKey.get("broken-job")?.problems?.map((p) => p.part),
      ["checkpoint"],
    );
    assert.match(
      byKey.get("broken-job")?.problems?.[0]?.message ?? "",
      /corrupt state in .*checkpoint\.json/,
    );

    // The commands that place and clear a checkpoint are the way out of one that cannot be read: they
    // refused it with the same error as the run did.
    const jobArgs = [...args, "--name", "broken-job"];
    const refused = await h.cli(jobArgs);
    assert.equal(refused.code, EXIT.failure, refused.stderr);
    assert.match(refused.stderr, /synced state set --to <time> --yes/);
    const to = "2026-01-01T00:00:00.000000Z";
    const set = await h.cli(["state", "set", ...jobArgs, "--to", to, "--yes"]);
    assert.equal(set.code, EXIT.success, set.stderr);
    assert.match(set.stdout, new RegExp(`from an unreadable checkpoint \\(corrupt state in .*\\) to ${to}`));
    const placed = JSON.parse((await h.cli(["status", ...storeArgs, "--json"])).stdout) as StatusJson;
    assert.equal(placed.configurations.find((c) => c.key === "broken-job")?.checkpoint?.position, to);

    await writeFile(broken, "");
    const reset = await h.cli(["state", "reset", ...jobArgs, "--yes", "--json"]);
    assert.equal(reset.code, EXIT.success, reset.stderr);
    const cleared = JSON.parse(reset.stdout) as { checkpoint: { before: unknown; unreadable?: string } };
    assert.equal(cleared.checkpoint.before, null);
    assert.match(cleared.checkpoint.unreadable ?? "", /the file is empty/);
    await assert.rejects(access(broken));
  });

  it("creates no dead-letter store that --dead-letter names and no run made", async () => {
    const cases = [
      [join(h.stateDir, "noletters", "letters.ndjson"), /directory .*noletters/],
      // A directory where the file should be, as a run refuses it (it answered exit 1 here).
      [h.stateDir, /is a directory, not a file/],
      [`es:${h.index}_noletters`, new RegExp(`Elasticsearch index ${h.index}_noletters`)],
      [`cassandra:${h.keyspace}.noletters`, new RegExp(`Cassandra table ${h.keyspace}\\.noletters`)],
    ] as const;
    for (const [location, where] of cases) {
      const result = await h.cli(["dead-letters", "list", ...h.baseArgs(), "--dead-letter", location]);
      assert.equal(result.code, EXIT.usage, result.stderr);
      assert.match(result.stderr, /flag --dead-letter: there is no dead-letter store in /);
      assert.match(result.stderr, where);
    }
    await assert.rejects(access(join(h.stateDir, "noletters")), /ENOENT/);
    assert.equal(await h.es.indices.exists({ index: `${h.index}_noletters` }), false);
    const table = await h.cassandra.execute(
      "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'noletters'",
      [h.keyspace],
      { prepare: true },
    );
    assert.equal(table.rowLength, 0);
  });
});
