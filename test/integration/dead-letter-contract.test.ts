// One contract for every dead-letter backend, run against the real servers: a temporary file, a
// per-run Cassandra keyspace and a per-run Elasticsearch index, all removed afterwards.
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { openDeadLetterStore } from "../../src/deadletter/dead-letter-location.js";
import { stableStringify } from "../../src/core/canonical-json.js";
import {
  storedLetter,
  type DeadLetterStore,
  type LaterLetter,
  type StoredLetter,
} from "../../src/deadletter/dead-letter-store.js";
import { letterToJson } from "../../src/deadletter/letter-json.js";
import type { DeadLetter } from "../../src/reconcile/dead-letter.js";
import { StateError, StateSetupError } from "../../src/state/state-errors.js";
import { EXIT, exitCodeForError } from "../../src/cli/exit-codes.js";
import { NewerStateError, STATE_FORMAT } from "../../src/state/state-format.js";
import { cassandraOptions, connectTestSearch, runScopedName } from "../support/servers.js";

interface Opened {
  readonly store: DeadLetterStore;
  /** How many letters the backend holds, counted where they are kept (lines, rows, documents). */
  readonly stored: () => Promise<number>;
  readonly cleanup: () => Promise<void>;
  /** Marks every letter of `key` as written in state format `format`, as a later synced would. */
  readonly relabel: (key: string, format: number) => Promise<void>;
}

interface Backend {
  readonly name: string;
  open(): Promise<Opened>;
}

const backends: Backend[] = [
  {
    name: "file",
    async open() {
      const directory = await mkdtemp(join(tmpdir(), "synced-letters-"));
      const path = join(directory, "letters.ndjson");
      const store = await openDeadLetterStore({ backend: "file", path }, {});
      const stored = async () => (await readFile(path, "utf8")).split("\n").filter((l) => l !== "").length;
      const relabel = async (key: string, format: number) => {
        const lines = (await readFile(path, "utf8")).split("\n").filter((l) => l !== "");
        const marked = lines.map((line) => {
          const letter = JSON.parse(line) as Record<string, unknown>;
          return JSON.stringify(letter["key"] === key ? { ...letter, format } : letter);
        });
        await writeFile(path, marked.map((line) => `${line}\n`).join(""));
      };
      return { store, stored, relabel, cleanup: () => rm(directory, { recursive: true, force: true }) };
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
      const stored = async () => {
        const result = await client.execute(`SELECT COUNT(*) AS n FROM ${keyspace}.state_dead_letters`);
        return Number(result.rows[0]?.get("n"));
      };
      const relabel = async (key: string, format: number) => {
        const table = `${keyspace}.state_dead_letters`;
        const ids = await client.execute(`SELECT letter_id FROM ${table} WHERE key = ?`, [key], {
          prepare: true,
        });
        for (const row of ids.rows) {
          await client.execute(
            `UPDATE ${table} SET format = ? WHERE key = ? AND letter_id = ?`,
            [format, key, row.get("letter_id")],
            { prepare: true },
          );
        }
      };
      return { store: await openDeadLetterStore(location, { cassandra: client }), stored, relabel, cleanup };
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
      const stored = async () => (await client.count({ index })).count;
      return {
        store: await openDeadLetterStore(
          { backend: "elasticsearch", index },
          { elasticsearch: client.client },
        ),
        stored,
        relabel: async (key: string, format: number) => {
          const found = await client.search({ index, query: { term: { key } }, _source: false });
          for (const hit of found.hits.hits) {
            await client.update({ index, id: hit._id ?? "", doc: { format }, refresh: true });
          }
        },
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

async function later(store: DeadLetterStore, key: string): Promise<LaterLetter[]> {
  const out: LaterLetter[] = [];
  for await (const l of store.later(key)) out.push(l);
  return out;
}

for (const backend of backends) {
  describe(`dead-letter store: ${backend.name}`, () => {
    let store: DeadLetterStore;
    let stored: () => Promise<number>;
    let cleanup: () => Promise<void>;
    let relabel: Opened["relabel"];
    before(async () => {
      ({ store, stored, cleanup, relabel } = await backend.open());
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

    it("holds one copy of a letter put again and again, as every run puts an unfixed record's", async () => {
      for (let run = 0; run < 4; run++) await store.put([letter({ reason: "the second reason" })]);
      assert.equal(await stored(), 1);
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

    it("gives the ids of one configuration's letters without reading them", async () => {
      const ids: string[] = [];
      for await (const id of store.ids("app")) ids.push(id);
      assert.deepEqual(ids.sort(), (await all(store, "app")).map((l) => l.letterId).sort());
      assert.equal(ids.length, 4);
      for await (const id of store.ids("nobody")) assert.fail(`no letter expected, found ${id}`);
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

    it("keeps the key and reason of a record too large to store whole, and says what was cut", async () => {
      // 6.5 MB: over the test Cassandra's mutation limit (4 MB) and its search node's request limit (6 MB).
      const record = {
        id: ID,
        tmstmp: "2026-01-02T03:04:05Z",
        a: "a".repeat(3_250_000),
        b: "b".repeat(3_250_000),
      };
      const big = letter({ table: "big", reason: "too large for the target", record });
      await store.put([big]);
      const found = (await all(store, "app")).find((l) => l.table === "big");
      assert.ok(found);
      assert.equal(found.letterId, big.letterId);
      assert.equal(found.id, ID);
      assert.equal(found.reason, "too large for the target");
      assert.deepEqual(found.record, { id: ID, tmstmp: "2026-01-02T03:04:05Z" });
      assert.deepEqual(found.recordCut, { bytes: stableStringify(record).length, omitted: ["a", "b"] });
      await store.remove("app", [found.letterId]);
    });

    // Tried as an operator with large values would: a text key over 32,766 bytes (its record is
    // dead-lettered for its _id) had a letter the search index refused as an immense term in the
    // keyword field id, so every run with its letters there failed and kept its checkpoint.
    it("keeps a letter whose record id, or a field it left out, is longer than a search term may be", async () => {
      const long = "k".repeat(40_000);
      const record = { [long]: "v".repeat(300_000), n: 1 };
      await store.put([letter({ table: "long", id: long, reason: "its _id is too long", record }, "long")]);
      const [found] = await all(store, "long");
      assert.equal(found?.id, long);
      assert.deepEqual(found.recordCut?.omitted, [long]);
      assert.equal(await store.count("long"), 1);
    });

    it("stores many large letters at once, each under the limit but together over any one request's", async () => {
      const large = Array.from({ length: 40 }, (_, i) =>
        letter(
          {
            id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
            record: { id: String(i), body: "x".repeat(250_000) },
          },
          "large",
        ),
      );
      await store.put(large);
      const listed = await all(store, "large");
      assert.equal(listed.length, 40);
      assert.ok(listed.every((l) => l.recordCut === undefined && JSON.stringify(l.record).length > 250_000));
    });

    // Tried as an unlucky operator would: 3,000 bad documents in one run, whose batches put their
    // letters at once. The file's appends of each put went in pieces, and another's landed between
    // them: torn lines, after which every run and every dead-letters command refused the file.
    // Tried as an operator would after rolling back to an earlier synced: letters a later one wrote in
    // another format must be refused, naming the letter, rather than misread and replayed wrongly.
    it("refuses a letter of a later state format, naming it, finds it by id, and reads it again once of the current one", async () => {
      const key = "later";
      await store.put([letter({}, key)]);
      await relabel(key, STATE_FORMAT + 1);
      await assert.rejects(all(store, key), (error: unknown) => {
        assert.ok(error instanceof NewerStateError, String(error));
        assert.equal(error.format, STATE_FORMAT + 1);
        assert.match(
          error.message,
          new RegExp(`state format ${STATE_FORMAT + 1}, written by a later synced`),
        );
        assert.match(error.message, /another --dead-letter/);
        return true;
      });
      // Found without reading the letters, so that nothing replaces or removes them.
      assert.deepEqual(await later(store, key), [
        { letterId: letter({}, key).letterId, format: STATE_FORMAT + 1 },
      ]);
      assert.deepEqual(await later(store, "app"), []);
      // Passed over unread: the letters this synced wrote are listed beside it.
      const unread: StoredLetter[] = [];
      for await (const l of store.list(key, new Set([letter({}, key).letterId]))) unread.push(l);
      assert.deepEqual(unread, []);
      await relabel(key, STATE_FORMAT);
      assert.deepEqual(await later(store, key), []);
      assert.equal((await all(store, key)).length, 1);
      await store.remove(key, [...(await all(store, key)).map((l) => l.letterId)]);
    });

    it("keeps every letter of puts and removes that overlap, as a run's batches make them", async () => {
      const batch = (from: number, reason: string) =>
        Array.from({ length: 1_500 }, (_, i) =>
          letter(
            {
              id: `00000000-0000-4000-8000-${String(from + i).padStart(12, "0")}`,
              reason,
              record: { id: String(from + i), body: "x".repeat(1_000) },
            },
            "overlap",
          ),
        );
      const [first, second, third] = [batch(0, "first"), batch(1_500, "second"), batch(3_000, "third")];
      await store.put(third);
      await Promise.all([
        store.put(first),
        store.put(second),
        // A letter put again (a rewrite) and letters removed, among the appends.
        store.put(third.slice(0, 10).map((l) => ({ ...l, reason: "third again" }))),
        store.remove(
          "overlap",
          third.slice(10, 20).map((l) => l.letterId),
        ),
        store.put(batch(4_500, "fourth")),
      ]);
      const listed = await all(store, "overlap");
      assert.equal(listed.length, 5_990);
      assert.equal(new Set(listed.map((l) => l.letterId)).size, 5_990);
      assert.equal(listed.filter((l) => l.reason === "third again").length, 10);
      assert.equal(await store.count("overlap"), 5_990);
      await store.remove(
        "overlap",
        listed.map((l) => l.letterId),
      );
      assert.equal(await store.count("overlap"), 0);
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

  it("reads a file that earlier versions appended a letter to again and again as one letter, and compacts it", async () => {
    const path = join(directory, "repeated.ndjson");
    const lines = [1, 2, 3].map((run) => {
      const json = letterToJson(letter({ reason: `run ${run}` }));
      return `${stableStringify({ ...json, runId: `run-${run}` })}\n`;
    });
    await appendFile(path, lines.join(""));
    const store = await openDeadLetterStore({ backend: "file", path }, {});
    const listed = await all(store, "app");
    assert.deepEqual(
      listed.map((l) => l.reason),
      ["run 3"],
    );
    assert.equal(await store.count("app"), 1);
    await store.put([letter({ reason: "run 4" })]);
    const text = await readFile(path, "utf8");
    assert.equal(text.split("\n").filter((l) => l !== "").length, 1, text.slice(0, 500));
    assert.match(text, /"reason":"run 4"/);
  });

  it("passes over a last line that a crash cut short, and the next letter puts it right", async () => {
    const path = join(directory, "torn.ndjson");
    const whole = `${stableStringify(letterToJson(letter()))}\n`;
    await appendFile(path, `${whole}${whole.slice(0, 40)}`);
    const store = await openDeadLetterStore({ backend: "file", path }, {});
    assert.equal(await store.count("app"), 1);
    await store.put([letter({ table: "orders" })]);
    const lines = (await readFile(path, "utf8")).split("\n");
    assert.equal(lines.pop(), "");
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { table: string }).table),
      ["users", "orders"],
    );
    // The letter written carries its state format; the one of an earlier version still has none.
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { format?: number }).format),
      [undefined, STATE_FORMAT],
    );
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

/** Runs `work` with a client and a keyspace of its own, dropped afterwards. */
async function inKeyspace(
  name: string,
  work: (client: cassandra.Client, keyspace: string) => Promise<void>,
): Promise<void> {
  const client = new cassandra.Client(cassandraOptions());
  const keyspace = runScopedName(name);
  try {
    await client.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await work(client, keyspace);
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await client.shutdown();
  }
}

/** A letter too large to keep whole, to store in a table or index of an earlier version. */
const oversized = (): StoredLetter =>
  letter({ reason: "too large", record: { id: ID, body: "x".repeat(5_000_000) } });

/** The table `dl` as the first release created it, holding one letter with the reason "old". */
async function firstReleaseTable(client: cassandra.Client, keyspace: string): Promise<void> {
  await client.execute(
    `CREATE TABLE ${keyspace}.dl (key text, letter_id text, at timestamp, run_id text, tbl text, ` +
      "direction text, source text, record_id text, reason text, record text, PRIMARY KEY ((key), letter_id))",
  );
  await client.execute(
    `INSERT INTO ${keyspace}.dl (key, letter_id, at, run_id, tbl, direction, source, record_id, reason, record) ` +
      "VALUES ('app', 'old', '2025-05-01', 'r', 't', 'to-es', 'cassandra', null, 'old', '{\"a\":1}')",
  );
}

describe("dead-letter store: Cassandra table of an earlier version", () => {
  it("gets the columns that say what a letter left out, and keeps its letters", async () => {
    await inKeyspace("letters_old", async (client, keyspace) => {
      await firstReleaseTable(client, keyspace);
      const location = { backend: "cassandra", keyspace, table: "dl" } as const;
      const store = await openDeadLetterStore(location, { cassandra: client });
      await store.put([oversized()]);
      const letters = await all(store, "app");
      assert.deepEqual(
        letters.map((l) => [l.reason, l.recordCut?.omitted]),
        [
          ["too large", ["body"]],
          ["old", undefined],
        ],
      );
      // Opening it again, as every run does, finds the columns there.
      await openDeadLetterStore(location, { cassandra: client });
    });
  });

  // Tried as an operator would, just after upgrading synced: `dead-letters list` failed on the columns
  // a run would have added ("Undefined column name record_bytes ... check that the store is reachable").
  it("is read by the dead-letters commands before any run, the columns added as a run adds them", async () => {
    await inKeyspace("letters_first", async (client, keyspace) => {
      await firstReleaseTable(client, keyspace);
      const location = { backend: "cassandra", keyspace, table: "dl" } as const;
      const store = await openDeadLetterStore(location, { cassandra: client }, { create: false });
      assert.deepEqual(
        (await all(store, "app")).map((l) => l.reason),
        ["old"],
      );
    });
  });
});

// Tried as an operator would: a letter row damaged (its reason null, after a column was dropped and
// added again) made every dead-letters command fail, purge too, whose message named that very purge.
describe("dead-letter store: a damaged Cassandra letter", () => {
  it("cannot be listed, but its id is read and it is purged", async () => {
    await inKeyspace("letters_damaged", async (client, keyspace) => {
      const location = { backend: "cassandra", keyspace, table: "dl" } as const;
      const store = await openDeadLetterStore(location, { cassandra: client });
      await store.put([letter()]);
      await client.execute(`UPDATE ${keyspace}.dl SET reason = null WHERE key = 'app' AND letter_id = ?`, [
        letter().letterId,
      ]);
      await assert.rejects(all(store, "app"), /'reason' must be a string/);
      const ids: string[] = [];
      for await (const id of store.ids("app")) ids.push(id);
      assert.deepEqual(ids, [letter().letterId]);
      await store.remove("app", ids);
      assert.equal(await store.count("app"), 0);
    });
  });
});

// Tried as an operator would: --dead-letter cassandra:<a table of the synced keyspace> added synced's
// columns to that table, then failed on the first letter. --state refused the same table untouched.
describe("dead-letter store: a Cassandra table that holds something else", () => {
  it("is refused, and left as it was", async () => {
    await inKeyspace("letters_taken", async (client, keyspace) => {
      await client.execute(`CREATE TABLE ${keyspace}.gadgets (id uuid PRIMARY KEY, tmstmp timestamp, n int)`);
      const location = { backend: "cassandra", keyspace, table: "gadgets" } as const;
      await assert.rejects(
        openDeadLetterStore(location, { cassandra: client }),
        (error: unknown) =>
          error instanceof StateSetupError &&
          /exists but is not a synced dead-letter table \(it lacks key, letter_id, .*Choose another table/.test(
            error.message,
          ),
      );
      const columns = await client.execute(
        "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'gadgets'",
        [keyspace],
        { prepare: true },
      );
      assert.deepEqual(columns.rows.map((r) => String(r.get("column_name"))).sort(), ["id", "n", "tmstmp"]);
    });
  });
});

describe("dead-letter store: search index of an earlier version", () => {
  it("gets the field that says what a letter left out, and keeps its letters", async () => {
    const client = await connectTestSearch();
    const [current, index] = [runScopedName("letters_new"), runScopedName("letters_old")];
    try {
      // The index as the first release created it: the same strict mapping, without recordCut.
      await openDeadLetterStore(
        { backend: "elasticsearch", index: current },
        { elasticsearch: client.client },
      );
      const mapping = Object.values(await client.indices.getMapping({ index: current }))[0]?.mappings;
      const { recordCut, ...properties } = mapping?.properties ?? {};
      assert.ok(recordCut, "a new index maps recordCut");
      // Its record ids were keywords without ignore_above.
      await client.indices.create({
        index,
        mappings: { ...mapping, properties: { ...properties, id: { type: "keyword" } } },
      });
      await client.index({
        index,
        id: "app:old",
        refresh: true,
        document: { ...letterToJson(letter({ reason: "old", table: "old" })), record: "{}" },
      });

      const store = await openDeadLetterStore(
        { backend: "elasticsearch", index },
        { elasticsearch: client.client },
      );
      await store.put([oversized(), letter({ table: "long", id: "k".repeat(40_000), reason: "long id" })]);
      const letters = await all(store, "app");
      assert.deepEqual(letters.map((l) => [l.reason, l.recordCut?.omitted]).sort(), [
        ["long id", undefined],
        ["old", undefined],
        ["too large", ["body"]],
      ]);
    } finally {
      for (const name of [current, index]) {
        await client.indices.delete({ index: name, ignore_unavailable: true }).catch(() => undefined);
      }
      await client.close();
    }
  });
});

// Tried as an unlucky operator would: the letter index deleted while a run wrote letters. The search
// cluster made it again from the run's next letters, with the field types it guesses (text with a
// keyword sub-field), and none of those letters could be counted, listed or replayed any more: the
// run said "0 waiting" and the next ones succeeded over them. An index that holds something else
// (the state index, named by mistake) took letters it could never list.
describe("dead-letter store: a search index made by the cluster, or holding something else", () => {
  it("reads and counts the letters of an index whose field types the cluster guessed", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("letters_guessed");
    try {
      const first = await openDeadLetterStore(
        { backend: "elasticsearch", index },
        { elasticsearch: client.client },
      );
      await client.indices.delete({ index });
      // The next letters make the index again, as the run's did.
      await first.put([letter({}, "app"), letter({ table: "orders" }, "app"), letter({}, "other")]);
      const mapping = await client.indices.getMapping({ index });
      assert.equal(mapping[index]?.mappings.properties?.["key"]?.type, "text");

      const store = await openDeadLetterStore(
        { backend: "elasticsearch", index },
        { elasticsearch: client.client },
        { create: false },
      );
      assert.equal(await store.count("app"), 2);
      const listed = await all(store, "app");
      assert.deepEqual(listed.map((l) => l.table).sort(), ["orders", "users"]);
      await store.remove("app", [listed[0]?.letterId ?? ""]);
      await client.indices.refresh({ index });
      assert.equal(await store.count("app"), 1);
      assert.equal(await store.count("other"), 1);
    } finally {
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });

  // Tried as an operator would: a letters index blocked for writes was reported as a login whose role
  // lacks a privilege (exit 5), and a closed one was told to check that it is reachable.
  it("says a letters index blocked for writes or closed is so, and how to lift it, exit 1", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("letters_blocked");
    try {
      const store = await openDeadLetterStore(
        { backend: "elasticsearch", index },
        { elasticsearch: client.client },
      );
      await store.put([letter()]);
      const [kept] = await all(store, "app");
      await client.indices.putSettings({ index, settings: { "index.blocks.write": true } });
      const blocked = (action: string) => (error: unknown) => {
        assert.ok(error instanceof StateError, String(error));
        assert.equal(exitCodeForError(error), EXIT.failure, error.message);
        assert.match(
          error.message,
          new RegExp(
            `could not ${action} in the dead-letter store \\(.* index ${index}\\): the index is blocked`,
          ),
        );
        assert.ok(
          error.message.includes(`PUT ${index}/_settings {"index.blocks.write": null}`),
          error.message,
        );
        assert.doesNotMatch(error.message, /privilege/);
        return true;
      };
      await assert.rejects(store.put([letter({ reason: "another" })]), blocked("write dead letters"));
      await assert.rejects(store.remove("app", [kept?.letterId ?? ""]), blocked("remove dead letters"));
      await client.indices.putSettings({ index, settings: { "index.blocks.write": null } });
      await client.indices.close({ index });
      await assert.rejects(store.count("app"), (error: unknown) => {
        assert.ok(error instanceof StateError, String(error));
        assert.equal(exitCodeForError(error), EXIT.failure, error.message);
        assert.match(error.message, /the index is closed/);
        assert.ok(error.message.includes(`POST ${index}/_open`), error.message);
        return true;
      });
      await client.indices.open({ index });
      assert.deepEqual(
        (await all(store, "app")).map((l) => l.reason),
        ["the first reason"],
      );
    } finally {
      await client.indices
        .putSettings({ index, settings: { "index.blocks.write": null } })
        .catch(() => undefined);
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });

  it("refuses an index that holds something else", async () => {
    const client = await connectTestSearch();
    const index = runScopedName("letters_other");
    try {
      await client.indices.create({ index, mappings: { properties: { key: { type: "keyword" } } } });
      await assert.rejects(
        openDeadLetterStore({ backend: "elasticsearch", index }, { elasticsearch: client.client }),
        (error: unknown) =>
          error instanceof StateSetupError &&
          /exists but is not a synced dead-letter index .*Choose another index for --dead-letter/.test(
            error.message,
          ),
      );
    } finally {
      await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      await client.close();
    }
  });
});
