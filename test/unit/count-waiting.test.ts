// The dead letters waiting after a run: counted for the summary and the exit code, and a store that
// cannot count them is a warning that says what that costs and what to check, never a failed run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { countWaitingLetters } from "../../src/cli/count-waiting.js";

function recorder(): {
  logger: { warn: (message: string, fields?: Record<string, unknown>) => void };
  warned: { message: string; fields?: Record<string, unknown> }[];
} {
  const warned: { message: string; fields?: Record<string, unknown> }[] = [];
  return {
    logger: {
      warn: (message, fields) => {
        warned.push({ message, ...(fields === undefined ? {} : { fields }) });
      },
    },
    warned,
  };
}

describe("countWaitingLetters", () => {
  it("counts the letters of the key, and warns of nothing", async () => {
    const { logger, warned } = recorder();
    const store = { location: "state/app.ndjson", count: (key: string) => Promise.resolve(key.length) };
    assert.equal(await countWaitingLetters(store, "app.app", logger), 7);
    assert.deepEqual(warned, []);
  });

  it("warns, saying what the operator misses and what to check, when the store cannot count them", async () => {
    const { logger, warned } = recorder();
    const store = {
      location: "es:app-dead-letters",
      count: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9200")),
    };
    assert.equal(await countWaitingLetters(store, "app.app", logger), undefined);
    assert.deepEqual(warned, [
      {
        message:
          "could not count the dead letters waiting in es:app-dead-letters: letters of earlier runs may " +
          "wait unseen, as the summary and the exit code count only this run's; check that this host " +
          "reaches the dead-letter store, then see what waits with synced dead-letters list",
        fields: { location: "es:app-dead-letters", error: "connect ECONNREFUSED 127.0.0.1:9200" },
      },
    ]);
  });
});
