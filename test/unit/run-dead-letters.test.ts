// A run's dead-letter sink settles the letters of earlier runs whose records the run reconciled, and
// only those: a record met again that fails again keeps its (new) letter, and a store holding more
// letters than a run will learn the ids of is left to `synced dead-letters replay`.
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
    run.settle("things", "to-es", "a");
    run.settle("things", "to-es", "z"); // no letter waits for it
    run.settle("other", "to-es", "b"); // another table's record of that id
    await run.put(letter("c"));
    run.settle("things", "to-es", "c"); // failed again in this run: its letter stays
    assert.deepEqual(await waitingIds(store), ["to-cassandra a", "to-es a", "to-es b", "to-es c"]);
    await run.flush();
    assert.deepEqual(await waitingIds(store), ["to-cassandra a", "to-es b", "to-es c"]);
    assert.equal(run.settled, 1);
    assert.equal(run.count, 1);
    assert.deepEqual(logged, []);
  });

  it("settles none where more letters wait than a run learns the ids of, and says so", async () => {
    const store = new FileDeadLetterStore(join(dir, "many.jsonl"));
    const earlier = new RunDeadLetters(store, "k", "run-1");
    for (const id of ["a", "b", "c"]) await earlier.put(letter(id));
    await earlier.flush();
    const logged: string[] = [];
    const run = new RunDeadLetters(store, "k", "run-2", () => new Date(), 2);
    await run.prepare((message) => logged.push(message));
    run.settle("things", "to-es", "a");
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
    run.settle("things", "to-es", "a");
    assert.equal(run.settled, 0);
    assert.match(logged.join("\n"), /could not list the dead letters waiting; this run settles none/);
  });
});
