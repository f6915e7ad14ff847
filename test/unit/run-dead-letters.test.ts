// A run's dead-letter sink settles the letters of earlier runs whose records the run reconciled, and
// only those: a record met again that fails again keeps its (new) letter, and a store holding more
// letters than a run reads as it starts is left to `synced dead-letters replay`.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DeadLetter } from "../../src/reconcile/dead-letter.js";
import { RunDeadLetters } from "../../src/deadletter/run-dead-letters.js";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";

const letter = (id: string, direction: DeadLetter["direction"] = "to-es"): DeadLetter => ({
  table: "things",
  direction,
  from: direction === "to-es" ? "cassandra" : "elasticsearch",
  id,
  reason: "refused",
  record: { id },
});

describe("RunDeadLetters", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "synced-run-letters-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const waitingIds = async (store: FileDeadLetterStore): Promise<string[]> => {
    const ids: string[] = [];
    for await (const l of store.list("k")) ids.push(`${l.direction} ${l.id ?? ""}`);
    return ids.sort();
  };

  it("removes the letters of records the run reconciled, and keeps those it met and failed again", async () => {
    const store = new FileDeadLetterStore(join(dir, "settle.jsonl"));
    const earlier = new RunDeadLetters(store, "k", "run-1");
    for (const id of ["a", "b", "c"]) await earlier.put(letter(id));
    await earlier.put(letter("a", "to-cassandra"));
    await earlier.flush();

    const logged: string[] = [];
    const run = new RunDeadLetters(store, "k", "run-2");
    await run.prepare((message) => logged.push(message));
    run.settle("things", "to-es", "a", () => ["a"]);
    run.settle("things", "to-es", "z", () => ["z"]); // no letter waits for it
    run.settle("other", "to-es", "b", () => ["b"]); // another table's record of that id
    await run.put(letter("c"));
    run.settle("things", "to-es", "c", () => ["c"]); // failed again in this run: its letter stays
    assert.deepEqual(await waitingIds(store), ["to-cassandra a", "to-es a", "to-es b", "to-es c"]);
    await run.flush();
    assert.deepEqual(await waitingIds(store), ["to-cassandra a", "to-es b", "to-es c"]);
    assert.equal(run.settled, 1);
    assert.equal(run.count, 1);
    assert.deepEqual(logged, []);
  });

  // Tried as an operator would: a document indexed under an _id other than its key's was dead-lettered;
  // a run then wrote the key's row as a document of its own, and removed that letter, though the
  // document it named was never synced.
  it("keeps the letter of a document read under another _id than the record's own", async () => {
    const store = new FileDeadLetterStore(join(dir, "misplaced.jsonl"));
    const earlier = new RunDeadLetters(store, "k", "run-1");
    const fromDocument = (id: string, documentId: string): DeadLetter => ({
      ...letter(id, "to-cassandra"),
      record: { _id: documentId, _source: { id } },
    });
    await earlier.put(fromDocument("g1", "wrong1"));
    await earlier.put(fromDocument("g2", "g2"));
    await earlier.flush();
    const run = new RunDeadLetters(store, "k", "run-2");
    await run.prepare(() => undefined);
    run.settle("things", "to-cassandra", "g1", () => ["g1"]);
    run.settle("things", "to-cassandra", "g2", () => ["g2"]);
    await run.flush();
    assert.deepEqual(await waitingIds(store), ["to-cassandra g1"]);
    assert.equal(run.settled, 1);
  });

  it("settles none where more letters wait than a run reads, and says so", async () => {
    const store = new FileDeadLetterStore(join(dir, "many.jsonl"));
    const earlier = new RunDeadLetters(store, "k", "run-1");
    for (const id of ["a", "b", "c"]) await earlier.put(letter(id));
    await earlier.flush();
    const logged: string[] = [];
    const run = new RunDeadLetters(store, "k", "run-2", () => new Date(), 2);
    await run.prepare((message) => logged.push(message));
    run.settle("things", "to-es", "a", () => ["a"]);
    await run.flush();
    assert.equal(run.settled, 0);
    assert.equal((await waitingIds(store)).length, 3);
    assert.match(logged.join("\n"), /more than 2 dead letters wait: .*synced dead-letters replay does/);
  });

  it("settles none, and says so, where the letters cannot be listed", async () => {
    // A directory where the file should be: its letters cannot be read.
    const store = new FileDeadLetterStore(dir);
    const logged: string[] = [];
    const run = new RunDeadLetters(store, "k", "run-2");
    await run.prepare((message) => logged.push(message));
    run.settle("things", "to-es", "a", () => ["a"]);
    assert.equal(run.settled, 0);
    assert.match(logged.join("\n"), /could not list the dead letters waiting; this run settles none/);
  });
});
