// One contract for every dead-letter backend, run against the real servers: a temporary file, a
// per-run Cassandra keyspace and a per-run Elasticsearch index, all removed afterwards.
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { openDeadLetterStore } from "../../src/deadletter/dead-letter-location.js";
import {
  storedLetter,
  type DeadLetterStore,
  type StoredLetter,
} from "../../src/deadletter/dead-letter-store.js";
import type { DeadLetter } from "../../src/reconcile/dead-letter.js";
import { StateSetupError } from "../../src/state/state-errors.js";
import { cassandraOptions, connectTestSearch, runScopedName } from "../support/servers.js";

interface Backend {
  readonly name: string;
  open(): Promise<{ store: DeadLetterStore; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: "file",
    async open() {
      const directory = await mkdtemp(join(tmpdir(), "synced-letters-"));
      const store = await openDeadLetterStore(
        { backend: "file", path: join(directory, "letters.ndjson") },
        {},
      );
      return { store, cleanup: () => rm(directory, { recursive: true, force: true }) };
    },
  },
  {
    name: "cassandra",
    async open() {
      const client = new cassandra.Client(cassandraOptions());
      const keyspace = runScopedName("letters");
      const cleanup = async () => {
        await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
        await client.shutdown();
      };
      await client.execute(
        `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      const location = { backend: "cassandra", keyspace, table: "state_dead_letters" } as const;
      return { store: await openDeadLetterStore(location, { cassandra: client }), cleanup };
    },
  },
  {
    name: "elasticsearch",
    async open() {
      const client = await connectTestSearch();
      const index = runScopedName("letters");
      const cleanup = async () => {
        await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
        await client.close();
      };
      return {
        store: await openDeadLetterStore({ backend: "elasticsearch", index }, { elasticsearch: client }),
        cleanup,
      };
    },
  },
];

const ID = "6d1f1f0e-8a4c-4a57-9a1b-000000000001";

function letter(overrides: Partial<DeadLetter> = {}, key = "app", at = new Date("2026-01-02T03:04:05Z")) {
  const base: DeadLetter = {
    table: "users",
    direction: "to-es",
    from: "cassandra",
    id: ID,
    reason: "the first reason",
    // A value past 2^53 must come back with every digit.
    record: { id: ID, big: 12345678901234567890n, tags: new Set(["a"]), bytes: Buffer.from("hi") },
    ...overrides,
  };
  return storedLetter(key, "run-1", at, base);
}

async function all(store: DeadLetterStore, key: string): Promise<StoredLetter[]> {
  const out: StoredLetter[] = [];
  for await (const l of store.list(key)) out.push(l);
  return out;
}

for (const backend of backends) {
  describe(`dead-letter store: ${backend.name}`, () => {
    let store: DeadLetterStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await backend.open());
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it("keeps one letter per record: putting it again replaces the reason", async () => {
      await store.put([letter()]);
      await store.put([letter({ reason: "the second reason" })]);
      const letters = await all(store, "app");
      assert.equal(letters.length, 1);
      assert.equal(letters[0]?.reason, "the second reason");
      assert.equal(await store.count("app"), 1);
    });

    it("gives back what was put, with exact large integers", async () => {
      const [found] = await all(store, "app");
      assert.ok(found);
      assert.equal(found.id, ID);
      assert.equal(found.table, "users");
      assert.equal(found.direction, "to-es");
      assert.equal(found.from, "cassandra");
      assert.equal(found.at.toISOString(), "2026-01-02T03:04:05.000Z");
      assert.deepEqual(found.record, { id: ID, big: 12345678901234567890n, tags: ["a"], bytes: "aGk=" });
    });

    it("keeps records of other tables, directions and configurations apart", async () => {
      await store.put([letter({ direction: "to-cassandra", from: "elasticsearch" })]);
      await store.put([letter({ table: "orders" })]);
      await store.put([letter({ id: undefined, record: { raw: "no id at all" } })]);
      await store.put([letter({}, "other")]);
      assert.equal(await store.count("app"), 4);
      assert.equal(await store.count("other"), 1);
      assert.equal(await store.count("nobody"), 0);
      const ids = new Set((await all(store, "app")).map((l) => l.letterId));
      assert.equal(ids.size, 4);
    });

    it("removes the named letters of one configuration only", async () => {
      const letters = await all(store, "app");
      const gone = letters.filter((l) => l.table === "orders" || l.id === undefined).map((l) => l.letterId);
      assert.equal(gone.length, 2);
      await store.remove("app", [...gone, "not-a-letter"]);
      assert.equal(await store.count("app"), 2);
      assert.deepEqual(
        (await all(store, "app")).map((l) => l.letterId).filter((id) => gone.includes(id)),
        [],
      );
      assert.equal(await store.count("other"), 1);
    });

    it("streams long lists page by page", async () => {
      const many = Array.from({ length: 1_100 }, (_, i) =>
        letter({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` }, "many"),
      );
      for (let i = 0; i < many.length; i += 50) await store.put(many.slice(i, i + 50));
      const listed = await all(store, "many");
      assert.equal(listed.length, 1_100);
      assert.equal(new Set(listed.map((l) => l.id)).size, 1_100);
      assert.equal(await store.count("many"), 1_100);
    });
  });
}

describe("dead-letter store: file", () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), "synced-letters-"));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  it("reads the lines of earlier versions, which named no key and no letter id, as the file's configuration's", async () => {
    const path = join(directory, "old.ndjson");
    const old = {
      at: "2025-05-01T00:00:00.000Z",
      runId: "r",
      table: "t",
      direction: "to-es",
      from: "cassandra",
      id: ID,
      reason: "old",
      record: { id: ID },
    };
    await appendFile(path, `${JSON.stringify(old)}\n`);
    const store = await openDeadLetterStore({ backend: "file", path }, {});
    const [found] = await all(store, "app");
    assert.ok(found);
    assert.equal(found.reason, "old");
    assert.equal(found.key, "app");
    await store.remove("app", [found.letterId]);
    assert.equal(await readFile(path, "utf8"), "");
  });

  it("names the file and the line of a damaged letter", async () => {
    const path = join(directory, "bad.ndjson");
    await appendFile(path, "{not json\n");
    const store = await openDeadLetterStore({ backend: "file", path }, {});
    await assert.rejects(store.count("app"), /bad\.ndjson line 1.*not valid JSON/s);
  });
});

describe("dead-letter store: Cassandra", () => {
  it("refuses a keyspace that does not exist, naming it", async () => {
    const client = new cassandra.Client(cassandraOptions());
    try {
      const location = { backend: "cassandra", keyspace: runScopedName("absent"), table: "t" } as const;
      await assert.rejects(openDeadLetterStore(location, { cassandra: client }), (error: unknown) => {
        assert.ok(error instanceof StateSetupError);
        assert.match(error.message, /dead-letter table/);
        return true;
      });
    } finally {
      await client.shutdown();
    }
  });
});
