// One contract for every state backend, run against the real servers: a temporary directory, a
// per-run Cassandra keyspace and a per-run Elasticsearch index, all removed afterwards.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import type { estypes } from "@elastic/elasticsearch";
import type { Lease, RunRecord, StateStore } from "../../src/state/state-store.js";
import { openStateStore } from "../../src/state/open-state-store.js";
import { CassandraDeadLetterStore } from "../../src/state/cassandra/cassandra-dead-letters.js";
import { CorruptStateError, LeaseLostError, StateError } from "../../src/state/state-errors.js";
import { NewerStateError, STATE_FORMAT } from "../../src/state/state-format.js";
import { cassandraOptions, connectTestSearch, runScopedName } from "../support/servers.js";
import { holderName, thisProcess } from "../../src/state/lease-holder.js";
import { spawnSync } from "node:child_process";
import { COLUMNS } from "../../src/state/cassandra/cassandra-schema.js";
import { CASSANDRA_ENCODING } from "../../src/stores/values/driver-options.js";
import { STATE_MAPPINGS } from "../../src/state/elasticsearch/elasticsearch-schema.js";
import { EXIT, exitCodeForError } from "../../src/cli/exit-codes.js";

const HISTORY_LIMIT = 4;

/** Marks what the store holds of `kind` for `key` as written in state format `format`, as a later synced would. */
type Relabel = (kind: "checkpoint" | "lease" | "run", key: string, format: number) => Promise<void>;

interface Backend {
  readonly name: string;
  open(): Promise<{ store: StateStore; cleanup: () => Promise<void>; directory?: string; relabel: Relabel }>;
}

const backends: Backend[] = [
  {
    name: "file",
    async open() {
      const directory = await mkdtemp(join(tmpdir(), "synced-state-"));
      const store = await openStateStore({ backend: "file", directory }, {}, { historyLimit: HISTORY_LIMIT });
      const relabel: Relabel = async (kind, key, format) => {
        const place = join(directory, key, kind === "checkpoint" ? "" : kind === "lease" ? "lease" : "runs");
        const names = kind === "checkpoint" ? ["checkpoint.json"] : await readdir(place);
        for (const name of names.filter((n) => n.endsWith(".json"))) {
          const file = join(place, name);
          const text = await readFile(file, "utf8");
          await writeFile(file, JSON.stringify({ ...JSON.parse(text), version: format }));
        }
      };
      return { store, directory, relabel, cleanup: () => rm(directory, { recursive: true, force: true }) };
    },
  },
  {
    name: "cassandra",
    async open() {
      const client = cassandraClient();
      const keyspace = runScopedName("state");
      const cleanup = async () => {
        await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
        await client.shutdown();
      };
      try {
        const location = { backend: "cassandra", keyspace, table: "synced_state" } as const;
        const options = { historyLimit: HISTORY_LIMIT, createKeyspace: true };
        const relabel: Relabel = async (kind, key, format) => {
          await client.execute(
            `UPDATE ${keyspace}.synced_state SET format = ? WHERE key = ? AND kind = ? AND item IN ?`,
            [format, key, kind, await items(client, `${keyspace}.synced_state`, key, kind)],
            { prepare: true },
          );
        };
        return { store: await openStateStore(location, { cassandra: client }, options), cleanup, relabel };
      } catch (error) {
        await cleanup();
        throw error;
      }
    },
  },
  {
    name: "elasticsearch",
    async open() {
      const client = await connectTestSearch();
      const index = runScopedName("state");
      const cleanup = async () => {
        await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
        await client.close();
      };
      try {
        const options = { historyLimit: HISTORY_LIMIT, replicas: 0 };
        return {
          store: await openStateStore(
            { backend: "elasticsearch", index },
            { elasticsearch: client.client },
            options,
          ),
          cleanup,
          relabel: async (kind, key, format) => {
            const query = { bool: { filter: [{ term: { kind } }, { term: { key } }] } };
            const found = await client.search({ index, query, _source: false });
            for (const hit of found.hits.hits) {
              await client.update({ index, id: hit._id ?? "", doc: { format }, refresh: true });
            }
          },
        };
      } catch (error) {
        await cleanup();
        throw error;
      }
    },
  },
];

/** The clustering values of a key's rows of one kind in a Cassandra state table. */
async function items(client: cassandra.Client, table: string, key: string, kind: string): Promise<string[]> {
  const found = await client.execute(`SELECT item FROM ${table} WHERE key = ? AND kind = ?`, [key, kind], {
    prepare: true,
  });
  return found.rows.map((row) => String(row.get("item")));
}

/** A client as synced makes one (stores/cassandra/connect.ts), with the encoding the state is read in. */
function cassandraClient(): cassandra.Client {
  return new cassandra.Client({ ...cassandraOptions(), encoding: CASSANDRA_ENCODING });
}

const suffix = randomBytes(3).toString("hex");
let keyCount = 0;
function freshKey(label: string): string {
  keyCount += 1;
  return `contract.${label}.${keyCount}.${suffix}`;
}

const t0 = new Date("2030-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function runRecord(
  key: string,
  runId: string,
  finishedMs: number,
  extra: Partial<RunRecord> = {},
): RunRecord {
  return {
    runId,
    key,
    begin: 1_000_000n,
    end: 2_000_000n,
    startedAt: at(finishedMs - 1500),
    finishedAt: at(finishedMs),
    durationMs: 1500,
    outcome: "success",
    counts: { scanned: 10, written: 2 },
    ...extra,
  };
}

function acquiredLease(result: Awaited<ReturnType<StateStore["acquireLease"]>>): Lease {
  assert.ok(
    result.acquired,
    `expected the lease, but ${result.acquired ? "" : result.heldBy.owner} holds it`,
  );
  return result.lease;
}

for (const backend of backends) {
  describe(`state store contract: ${backend.name}`, () => {
    let opened: Awaited<ReturnType<Backend["open"]>> | undefined;
    const store = (): StateStore => {
      assert.ok(opened, "the store did not open");
      return opened.store;
    };

    before(async () => {
      opened = await backend.open();
    });
    after(async () => {
      await opened?.store.close();
      await opened?.cleanup();
    });

    it("saves, overwrites and deletes a checkpoint, keeping every microsecond", async () => {
      const key = freshKey("checkpoint");
      assert.equal(await store().getCheckpoint(key), undefined);
      const before = Date.now();
      await store().setCheckpoint(key, 1_714_557_600_123_456_789n, "run-1");
      const saved = await store().getCheckpoint(key);
      assert.ok(saved);
      assert.equal(saved.key, key);
      assert.equal(saved.position, 1_714_557_600_123_456_789n);
      assert.equal(saved.runId, "run-1");
      assert.ok(saved.updatedAt.getTime() >= before - 1000 && saved.updatedAt.getTime() <= Date.now() + 1000);
      await store().setCheckpoint(key, 5n, "state-set");
      assert.equal((await store().getCheckpoint(key))?.position, 5n);
      await store().deleteCheckpoint(key);
      assert.equal(await store().getCheckpoint(key), undefined);
      await store().deleteCheckpoint(key);
    });

    it("keeps what a checkpoint covers: a list, an empty one, or nothing for everything", async () => {
      const key = freshKey("covers");
      await store().setCheckpoint(key, 7n, "run-1", ["orders:to-es", "users:to-cassandra", "users:to-es"]);
      assert.deepEqual((await store().getCheckpoint(key))?.covers, [
        "orders:to-es",
        "users:to-cassandra",
        "users:to-es",
      ]);
      await store().setCheckpoint(key, 8n, "run-2", []);
      assert.deepEqual((await store().getCheckpoint(key))?.covers, []);
      await store().setCheckpoint(key, 9n, "state-set");
      const everything = await store().getCheckpoint(key);
      assert.equal(everything?.position, 9n);
      assert.equal(everything.covers, undefined);
      await store().deleteCheckpoint(key);
    });

    it("keeps the newest runs first, up to its limit, and round-trips every field", async () => {
      const key = freshKey("runs");
      const full = runRecord(key, "run-full", 3000, {
        outcome: "partial",
        checkpointBefore: 1_000_000n,
        checkpointAfter: 2_000_000n,
        counts: { scanned: 9_007_199_254_740_991, deadLettered: 1 },
        message: "1 record dead-lettered",
      });
      for (const run of [runRecord(key, "run-b", 2000), full, runRecord(key, "run-a", 1000)]) {
        await store().appendRun(run);
      }
      await store().appendRun(full);
      const three = await store().recentRuns(key, 10);
      assert.deepEqual(
        three.map((r) => r.runId),
        ["run-full", "run-b", "run-a"],
      );
      assert.deepEqual(three[0], full);
      assert.equal("message" in (three[1] ?? {}), false);

      for (const [id, ms] of [
        ["run-e", 5000],
        ["run-c", 4000],
        ["run-d", 4000],
      ] as const) {
        await store().appendRun(runRecord(key, id, ms));
      }
      const kept = await store().recentRuns(key, 10);
      assert.deepEqual(
        kept.map((r) => r.runId),
        ["run-e", "run-d", "run-c", "run-full"],
      );
      assert.deepEqual(
        (await store().recentRuns(key, 2)).map((r) => r.runId),
        ["run-e", "run-d"],
      );
      assert.deepEqual(await store().recentRuns(freshKey("no-runs"), 5), []);
    });

    it("lists the keys that have a checkpoint, runs or a lease held or expired, sorted", async () => {
      const withCheckpoint = freshKey("list-b");
      const withRuns = freshKey("list-a");
      // A first run still at work, or killed before it saved anything: its lease is all there is.
      const leaseHeld = freshKey("list-c");
      const leaseExpired = freshKey("list-d");
      const leaseReleased = freshKey("list-e");
      await store().releaseLease(acquiredLease(await store().acquireLease(leaseReleased, "r", "h", 60_000)));
      await store().setCheckpoint(withCheckpoint, 1n, "r");
      await store().appendRun(runRecord(withRuns, "r", 1000));
      acquiredLease(await store().acquireLease(leaseExpired, "r", "h", 1_000, new Date(Date.now() - 60_000)));
      // Last, so that no later write makes it visible: the listing must see a lease at once.
      const held = acquiredLease(await store().acquireLease(leaseHeld, "r", "h", 60_000));
      const keys = await store().listKeys();
      for (const key of [withCheckpoint, withRuns, leaseHeld, leaseExpired]) {
        assert.ok(keys.includes(key), `${key} is missing from ${keys.join(", ")}`);
      }
      // A released lease is no state: such a key has nothing to show but a free lease.
      assert.ok(!keys.includes(leaseReleased), keys.join(", "));
      assert.deepEqual(keys, [...keys].sort());
      await store().releaseLease(held);
      assert.ok(!(await store().listKeys()).includes(leaseHeld), "a lease released just now is still listed");
    });

    it("refuses a second owner while the lease is live, naming the holder", async () => {
      const key = freshKey("lease");
      const lease = acquiredLease(await store().acquireLease(key, "run-a", "host-a:1", 60_000, t0));
      assert.deepEqual(lease, {
        key,
        owner: "run-a",
        holder: "host-a:1",
        acquiredAt: t0,
        expiresAt: at(60_000),
      });
      const refused = await store().acquireLease(key, "run-b", "host-b:2", 60_000, at(59_999));
      assert.ok(!refused.acquired);
      assert.deepEqual(refused.heldBy, lease);
      assert.deepEqual(await store().acquireLease(key, "run-a", "host-a:1", 60_000, at(10)), {
        acquired: true,
        lease,
      });
    });

    it("takes over at once a live lease whose holder was a process of this host that is gone", async () => {
      const key = freshKey("gone");
      // A process that has run and exited: its pid names no process now.
      const exited = spawnSync(process.execPath, ["-e", ""]);
      assert.equal(exited.status, 0);
      const holder = holderName({ ...thisProcess(), pid: exited.pid });
      const a = acquiredLease(await store().acquireLease(key, "run-a", holder, 60_000));
      const b = await store().acquireLease(key, "run-b", holderName(), 60_000);
      assert.ok(b.acquired, "the dead holder's lease was refused");
      assert.deepEqual(b.tookOverFrom, a);
      // A holder that is alive, this very process, keeps its lease.
      const c = await store().acquireLease(key, "run-c", holderName(), 60_000);
      assert.deepEqual(c.acquired ? undefined : c.heldBy, b.lease);
      await store().releaseLease(b.lease);
    });

    it("lets another owner in after a release, and ignores a release by someone else", async () => {
      const key = freshKey("release");
      const a = acquiredLease(await store().acquireLease(key, "run-a", "host-a", 60_000));
      assert.deepEqual(await store().getLease(key), a);
      await store().releaseLease(a);
      assert.equal(await store().getLease(key), undefined);
      await store().releaseLease(a);
      const second = await store().acquireLease(key, "run-b", "host-b", 60_000);
      assert.ok(second.acquired && second.tookOverFrom === undefined);
      await store().releaseLease({ ...second.lease, owner: "run-c" });
      const third = await store().acquireLease(key, "run-c", "host-c", 60_000);
      assert.equal(third.acquired ? "acquired" : third.heldBy.owner, "run-b");
      await store().releaseLease(second.lease);
    });

    it("takes over an expired lease, naming the loser, who can then neither renew nor release", async () => {
      const key = freshKey("stale");
      const a = acquiredLease(await store().acquireLease(key, "run-a", "host-a", 1000, t0));
      const b = await store().acquireLease(key, "run-b", "host-b", 60_000, at(1000));
      assert.ok(b.acquired);
      assert.deepEqual(b.tookOverFrom, a);
      await assert.rejects(store().renewLease(a, 60_000, at(1001)), (error: unknown) => {
        assert.ok(error instanceof LeaseLostError);
        assert.match(error.message, /run-b holds it now/);
        return true;
      });
      await store().releaseLease(a);
      const c = await store().acquireLease(key, "run-c", "host-c", 60_000, at(2000));
      assert.deepEqual(c.acquired ? undefined : c.heldBy, b.lease);
    });

    it("takes over a lease once its real time-to-live has passed", async () => {
      const key = freshKey("ttl");
      const a = acquiredLease(await store().acquireLease(key, "run-a", "host-a", 300));
      assert.equal((await store().acquireLease(key, "run-b", "host-b", 60_000)).acquired, false);
      while (Date.now() < a.expiresAt.getTime()) await delay(a.expiresAt.getTime() - Date.now());
      const b = await store().acquireLease(key, "run-b", "host-b", 60_000);
      assert.ok(b.acquired);
      assert.equal(b.tookOverFrom?.owner, "run-a");
    });

    it("renews a lease so that it outlives its first expiry", async () => {
      const key = freshKey("renew");
      const a = acquiredLease(await store().acquireLease(key, "run-a", "host-a", 1000, t0));
      const renewed = await store().renewLease(a, 1000, at(500));
      assert.deepEqual(renewed, { ...a, expiresAt: at(1500) });
      assert.equal((await store().acquireLease(key, "run-b", "host-b", 1000, at(1200))).acquired, false);
      // Expired but not taken over: still the owner's to renew.
      assert.deepEqual(await store().renewLease(renewed, 1000, at(2000)), { ...a, expiresAt: at(3000) });
      await store().releaseLease(renewed);
      await assert.rejects(store().renewLease(renewed, 1000, at(2100)), LeaseLostError);
    });

    // Five keys at once, so that the contenders' reads and writes interleave on every backend.
    const owners = ["run-1", "run-2", "run-3", "run-4", "run-5"];
    const raceKeys = (label: string) => owners.map(() => freshKey(label));

    it("gives a free lease to exactly one of five concurrent contenders", async () => {
      const rounds = await Promise.all(
        raceKeys("race").map((key) =>
          Promise.all(owners.map((o) => store().acquireLease(key, o, `host:${o}`, 60_000, t0))),
        ),
      );
      for (const results of rounds) {
        const winners = results.flatMap((r) => (r.acquired ? [r] : []));
        assert.equal(winners.length, 1, JSON.stringify(results));
        const [winner] = winners;
        assert.ok(winner && winner.tookOverFrom === undefined);
        for (const r of results) if (!r.acquired) assert.deepEqual(r.heldBy, winner.lease);
      }
    });

    it("gives a stale lease to exactly one of five concurrent contenders", async () => {
      const keys = raceKeys("stale-race");
      const stale = await Promise.all(
        keys.map(async (key) => acquiredLease(await store().acquireLease(key, "run-0", "host-0", 1000, t0))),
      );
      const rounds = await Promise.all(
        keys.map((key) =>
          Promise.all(owners.map((o) => store().acquireLease(key, o, `host:${o}`, 60_000, at(5000)))),
        ),
      );
      rounds.forEach((results, i) => {
        const winners = results.flatMap((r) => (r.acquired ? [r] : []));
        assert.equal(winners.length, 1, JSON.stringify(results));
        const [winner] = winners;
        assert.ok(winner);
        assert.deepEqual(winner.tookOverFrom, stale[i]);
        for (const r of results) if (!r.acquired) assert.deepEqual(r.heldBy, winner.lease);
      });
    });

    // Tried as an operator would after rolling back to an earlier synced: what a later one wrote in
    // another format must be refused, naming it, rather than misread (a lease not seen as held).
    it("refuses a checkpoint, lease and run of a later state format, saying what to run instead", async () => {
      const key = freshKey("format");
      const relabel = opened?.relabel;
      assert.ok(relabel);
      await store().setCheckpoint(key, 10n, "run-1");
      await store().appendRun(runRecord(key, "run-1", 1000));
      acquiredLease(await store().acquireLease(key, "later", "other-host:1:1", 60_000));
      for (const kind of ["checkpoint", "lease", "run"] as const) await relabel(kind, key, STATE_FORMAT + 1);
      const later = (error: unknown): boolean => {
        assert.ok(error instanceof NewerStateError, String(error));
        assert.equal(error.kind, "usage");
        assert.match(
          error.message,
          new RegExp(`state format ${STATE_FORMAT + 1}, written by a later synced`),
        );
        assert.match(error.message, new RegExp(`reads format ${STATE_FORMAT}`));
        assert.match(error.message, /Run the later synced/);
        return true;
      };
      await assert.rejects(store().getCheckpoint(key), later);
      await assert.rejects(store().recentRuns(key, 5), later);
      await assert.rejects(store().getLease(key), later);
      await assert.rejects(store().acquireLease(key, "earlier", "h", 60_000), later);
      for (const kind of ["checkpoint", "lease", "run"] as const) await relabel(kind, key, STATE_FORMAT);
      assert.equal((await store().getCheckpoint(key))?.position, 10n);
      assert.equal((await store().getLease(key))?.owner, "later");
      assert.equal((await store().recentRuns(key, 5)).length, 1);
    });

    it("refuses keys that are not safe names", async () => {
      await assert.rejects(store().getCheckpoint("../escape"), StateError);
      await assert.rejects(store().acquireLease("a/b", "r", "h", 1000), StateError);
    });

    if (backend.name === "file") {
      it("reports a corrupt checkpoint file by name, with the cause and what to do", async () => {
        const key = freshKey("corrupt");
        const directory = join(opened?.directory ?? "", key);
        await mkdir(directory, { recursive: true });
        const file = join(directory, "checkpoint.json");
        await writeFile(file, '{"version":1,"key":"');
        await assert.rejects(store().getCheckpoint(key), (error: unknown) => {
          assert.ok(error instanceof CorruptStateError);
          assert.ok(error.message.includes(file), error.message);
          assert.match(error.message, /not valid JSON/);
          assert.match(error.message, /Fix the file or delete it\. Or place it again with synced state set/);
          assert.match(error.message, /without a checkpoint the next run starts/);
          assert.ok(error.cause instanceof SyntaxError);
          return true;
        });
        await writeFile(file, JSON.stringify({ version: 1, key, position: 12, updatedAt: "x", runId: "r" }));
        await assert.rejects(store().getCheckpoint(key), /'position' must be a whole number/);
        await store().deleteCheckpoint(key);
        assert.equal(await store().getCheckpoint(key), undefined);
      });

      it("lists a key whose only lease file is corrupt, so that reading its lease names the file", async () => {
        const key = freshKey("corrupt-lease");
        const directory = join(opened?.directory ?? "", key, "lease");
        await mkdir(directory, { recursive: true });
        const file = join(directory, "1.json");
        await writeFile(file, "");
        assert.ok((await store().listKeys()).includes(key));
        await assert.rejects(store().getLease(key), (error: unknown) => {
          assert.ok(error instanceof CorruptStateError);
          assert.ok(error.message.includes(file), error.message);
          return true;
        });
      });
    }
  });
}

/**
 * A store opened on a table or index of an earlier version, holding checkpoint 42 of key `app`: it
 * reads that checkpoint as covering everything, and saves what a new one covers.
 */
async function keepsCheckpointAndCovers(store: StateStore): Promise<void> {
  const old = await store.getCheckpoint("app");
  assert.equal(old?.position, 42n);
  assert.equal(old.covers, undefined);
  await store.setCheckpoint("app", 43n, "new", ["users:to-es"]);
  assert.deepEqual((await store.getCheckpoint("app"))?.covers, ["users:to-es"]);
}

describe("state store set-up", () => {
  it("refuses a missing Cassandra keyspace unless asked to create it", async () => {
    const client = cassandraClient();
    try {
      const location = { backend: "cassandra", keyspace: runScopedName("absent"), table: "t" } as const;
      await assert.rejects(openStateStore(location, { cassandra: client }), /does not exist\. Create it/);
    } finally {
      await client.shutdown();
    }
  });

  // Tried as an operator would: the state keyspace given more replicas than the cluster has nodes.
  // The lease's lightweight transactions and the checkpoints' LOCAL_QUORUM were answered "unavailable"
  // and repeated for the whole --state-timeout, then reported as a hung disk or mount.
  it("says at once that a Cassandra state keyspace has fewer replicas than its lease needs", async () => {
    const client = cassandraClient();
    const keyspace = runScopedName("replicas");
    try {
      await client.execute(
        `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}`,
      );
      const location = { backend: "cassandra", keyspace, table: "synced_state" } as const;
      const options = { timeoutMs: 60_000, localDc: "datacenter1" };
      const store = await openStateStore(location, { cassandra: client }, options);
      const started = Date.now();
      await assert.rejects(store.acquireLease(freshKey("replicas"), "r1", "h", 60_000), (error: unknown) => {
        assert.ok(error instanceof StateError, String(error));
        assert.equal(error.kind, "usage");
        assert.match(error.message, /could not take the lease in the state store/);
        assert.match(error.message, /replication factor 2, on 1 node/);
        assert.match(error.message, /no retry can succeed/);
        assert.match(error.message, /ALTER KEYSPACE/);
        assert.doesNotMatch(error.message, /hung disk/);
        return true;
      });
      const letters = await CassandraDeadLetterStore.open(
        client,
        keyspace,
        "letters",
        60_000,
        true,
        "datacenter1",
      );
      await assert.rejects(
        async () => {
          for await (const letter of letters.list(freshKey("replicas"))) assert.fail(String(letter.id));
        },
        (error: unknown) => {
          assert.ok(error instanceof StateError, String(error));
          assert.match(error.message, /dead-letter store .*no retry can succeed.*--dead-letter/);
          return true;
        },
      );
      assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
      await client.shutdown();
    }
  });

  it("refuses an Elasticsearch index that is not a state index", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("notstate");
    try {
      await client.indices.create({ index, mappings: { properties: { kind: { type: "text" } } } });
      await assert.rejects(
        openStateStore({ backend: "elasticsearch", index }, { elasticsearch: client.client }),
        /is not a synced state index/,
      );
    } finally {
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });

  // Tried as an operator would: a cluster whose disk passed its flood-stage watermark blocks the state
  // index for writes and answers 429, which was repeated as a busy cluster for all of --state-timeout
  // and then reported as a store that did not answer in time ("a hung disk or mount"). The cluster
  // answers the same block set by hand alike, disk or no disk, which was then said to be a full store.
  it("says a state index under the read-only-allow-delete block is so, at once, and both ways out", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("flood");
    try {
      const store = await openStateStore(
        { backend: "elasticsearch", index },
        { elasticsearch: client.client },
        { timeoutMs: 20_000 },
      );
      await client.indices.putSettings({ index, settings: { "index.blocks.read_only_allow_delete": true } });
      const started = Date.now();
      await assert.rejects(store.acquireLease("app", "run-1", holderName(), 60_000), (error: unknown) => {
        assert.ok(error instanceof StateError);
        assert.match(
          error.message,
          /could not take the lease in the state store .*: the index has the read-only-allow-delete block/,
        );
        assert.match(error.message, /flood-stage watermark.*set by hand.*reads the same/);
        assert.ok(
          error.message.includes(`PUT ${index}/_settings {"index.blocks.read_only_allow_delete": null}`),
          error.message,
        );
        assert.doesNotMatch(error.message, /it is full/);
        return true;
      });
      assert.ok(Date.now() - started < 10_000, `it took ${Date.now() - started} ms`);
      await store.close();
    } finally {
      await client.indices
        .putSettings({ index, settings: { "index.blocks.read_only_allow_delete": null } })
        .catch(() => undefined);
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });

  // Tried as an operator would: a state index blocked for writes by hand, or closed, was reported as
  // a login whose role lacks a privilege (exit 5), or told to check that it is reachable.
  it("says a state index blocked for writes, read-only or closed is so, and how to lift it, exit 1", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("blocked");
    try {
      const store = await openStateStore(
        { backend: "elasticsearch", index },
        { elasticsearch: client.client },
      );
      await store.setCheckpoint("app", 1000n, "run-0");
      const refused = (setting: string) => (error: unknown) => {
        assert.ok(error instanceof StateError, String(error));
        assert.equal(exitCodeForError(error), EXIT.failure, error.message);
        assert.match(
          error.message,
          new RegExp(`in the state store \\(.* index ${index}\\): the index is blocked`),
        );
        assert.ok(error.message.includes(`PUT ${index}/_settings {"${setting}": null}`), error.message);
        assert.doesNotMatch(error.message, /privilege/);
        return true;
      };
      for (const setting of ["index.blocks.write", "index.blocks.read_only"]) {
        await client.indices.putSettings({ index, settings: { [setting]: true } });
        await assert.rejects(store.acquireLease("app", "run-1", holderName(), 60_000), refused(setting));
        await assert.rejects(store.setCheckpoint("app", 2000n, "run-1"), refused(setting));
        await client.indices.putSettings({ index, settings: { [setting]: null } });
      }
      // A block of its metadata refuses the question whether it exists, with 403 and no reason.
      await client.indices.putSettings({ index, settings: { "index.blocks.metadata": true } });
      const opening = openStateStore({ backend: "elasticsearch", index }, { elasticsearch: client.client });
      await assert.rejects(opening, refused("index.blocks.metadata"));
      await client.indices.putSettings({ index, settings: { "index.blocks.metadata": null } });
      await client.indices.close({ index });
      await assert.rejects(store.getCheckpoint("app"), (error: unknown) => {
        assert.ok(error instanceof StateError, String(error));
        assert.equal(exitCodeForError(error), EXIT.failure, error.message);
        assert.match(
          error.message,
          new RegExp(
            `could not read the checkpoint in the state store \\(.* index ${index}\\): the index is closed`,
          ),
        );
        assert.ok(error.message.includes(`POST ${index}/_open`), error.message);
        return true;
      });
      await client.indices.open({ index });
      assert.equal((await store.getCheckpoint("app"))?.position, 1000n);
      await store.close();
    } finally {
      for (const setting of ["index.blocks.write", "index.blocks.read_only", "index.blocks.metadata"]) {
        await client.indices.putSettings({ index, settings: { [setting]: null } }).catch(() => undefined);
      }
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });

  // Tried as an operator would: the state index deleted while a run worked, whose checkpoint write
  // then made it again with field types Elasticsearch guessed. The next run was told to choose
  // another index name, which would have thrown the configuration's state away.
  it("tells a state index that Elasticsearch made again from a write, and says to delete it", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("guessed");
    try {
      await client.index({
        index,
        id: "checkpoint:app",
        document: { kind: "checkpoint", key: "app", position: "1000", runId: "r" },
        refresh: true,
      });
      await assert.rejects(
        openStateStore({ backend: "elasticsearch", index }, { elasticsearch: client.client }),
        (error: unknown) => {
          assert.match(
            String(error),
            new RegExp(
              `the index ${index} holds synced state with field types ${client.productName} guessed`,
            ),
          );
          assert.match(String(error), new RegExp(`DELETE ${index}`));
          assert.doesNotMatch(String(error), /Choose another index name/);
          return true;
        },
      );
    } finally {
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });

  it("adds what a checkpoint covers to a Cassandra state table of an earlier version, keeping its checkpoint", async () => {
    const client = cassandraClient();
    const keyspace = runScopedName("state_old");
    try {
      await client.execute(
        `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      // The table as the releases before `covers` created it.
      const columns = Object.entries(COLUMNS).filter(([name]) => name !== "covers");
      await client.execute(
        `CREATE TABLE ${keyspace}.st (${columns.map((c) => c.join(" ")).join(", ")}, ` +
          "PRIMARY KEY ((key, kind), item)) WITH CLUSTERING ORDER BY (item DESC)",
      );
      await client.execute(
        `INSERT INTO ${keyspace}.st (key, kind, item, position, updated_at, run_id) ` +
          "VALUES ('app', 'checkpoint', '', 42, '2026-01-01', 'old')",
      );
      const location = { backend: "cassandra", keyspace, table: "st" } as const;
      // Tried as an operator would after an upgrade: synced status and verify, which create nothing,
      // read the table before any run added the column; they failed on it with exit 1.
      const reader = await openStateStore(location, { cassandra: client }, { create: false });
      const read = await reader.getCheckpoint("app");
      assert.equal(read?.position, 42n);
      assert.equal(read.covers, undefined);
      const store = await openStateStore(location, { cassandra: client });
      await keepsCheckpointAndCovers(store);
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
      await client.shutdown();
    }
  });

  it("adds what a checkpoint covers to a state index of an earlier version, keeping its checkpoint", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("state_old");
    try {
      // The index as the releases before `covers` created it: the same strict mapping, without it.
      const { covers, ...properties } = STATE_MAPPINGS.properties;
      assert.ok(covers, "a new state index maps covers");
      await client.indices.create({
        index,
        settings: { number_of_replicas: 0 },
        mappings: { ...STATE_MAPPINGS, properties } as estypes.MappingTypeMapping,
      });
      await client.index({
        index,
        id: "checkpoint:app",
        refresh: true,
        document: {
          kind: "checkpoint",
          key: "app",
          position: "42",
          updatedAt: "2026-01-01T00:00:00Z",
          runId: "old",
        },
      });
      const store = await openStateStore(
        { backend: "elasticsearch", index },
        { elasticsearch: client.client },
      );
      await keepsCheckpointAndCovers(store);
    } finally {
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });

  it("asks for the client a location needs", async () => {
    await assert.rejects(openStateStore({ backend: "elasticsearch", index: "x" }, {}), /needs a connection/);
  });
});
