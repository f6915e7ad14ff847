// What a lightweight transaction's answer tells the engine: a transaction answered "not applied" after
// it was sent again, or one that timed out undecided, may have met its own first sending, and is
// marked so that the engine reads the row back. The client is a fake transport: the real server's
// answers are the integration tier's (lost-cql-answer.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { native } from "../../src/core/cql-type.js";
import type { PlannedWrite } from "../../src/reconcile/record-store.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { writeRecords, type WriteSettings } from "../../src/stores/cassandra/write.js";
import { plan as planOf } from "../support/memory-stores.js";

const plan: TablePlan = { ...planOf("t"), contentColumns: [{ name: "a", type: native("text") }] };

const write: PlannedWrite = {
  record: {
    id: cassandra.types.Uuid.random().toString(),
    version: 1_000n,
    deleted: false,
    content: { a: "x" },
  },
  version: 1_000n,
  current: undefined,
};

/** A client whose transactions answer `applied` in turn, or fail with the error given. */
function client(answers: (boolean | Error)[]): cassandra.Client {
  let sent = 0;
  return {
    execute: () => {
      const answer = answers[Math.min(sent++, answers.length - 1)];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ wasApplied: () => answer });
    },
  } as unknown as cassandra.Client;
}

function settings(of: cassandra.Client, sendings: number): WriteSettings {
  return {
    client: of,
    consistency: 1,
    concurrency: 1,
    mode: "lwt",
    marginMicros: 0n,
    now: () => 10n ** 18n,
    // The first sendings' answers are lost: only the last one's is heard.
    retry: async (operation) => {
      for (let i = 1; i < sendings; i++) await operation().catch(() => undefined);
      return operation();
    },
  };
}

describe("a lightweight transaction's outcome", () => {
  it("is a plain conflict when sent once and not applied", async () => {
    assert.deepEqual(await writeRecords(settings(client([false]), 1), plan, [write]), [
      { status: "conflict" },
    ]);
  });

  it("is a conflict marked sent again when a repeat is not applied after the first sending applied", async () => {
    assert.deepEqual(await writeRecords(settings(client([true, false]), 2), plan, [write]), [
      { status: "conflict", sentAgain: true },
    ]);
  });

  it("is a conflict marked sent again when it timed out undecided (a CAS write timeout)", async () => {
    const timeout = new cassandra.errors.ResponseError(
      cassandra.types.responseErrorCodes.writeTimeout,
      "timed out",
    );
    Object.assign(timeout, { writeType: "CAS" });
    assert.deepEqual(await writeRecords(settings(client([timeout]), 1), plan, [write]), [
      { status: "conflict", sentAgain: true },
    ]);
  });
});
