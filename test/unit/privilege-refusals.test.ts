// A store that refuses synced's login a privilege says so, with the store's reason and what to grant,
// and exits 5, on the data side as on the state side. Tried as an operator would,
// with a role that could read the state index but not see its settings: the run said only
// "could not prepare the state index ...: ." with nothing after the colon, and exit 2.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { exitCodeForError } from "../../src/cli/exit-codes.js";
import { cassandraFailure } from "../../src/stores/cassandra/cassandra-errors.js";
import { answerError } from "../../src/stores/search/search-error.js";
import { inStateStore, StateSetupError } from "../../src/state/state-errors.js";

const refusing = (error: Error) => (): Promise<void> => Promise.reject(error);

describe("a state store that refuses a privilege", () => {
  it("names the status, the reason and what to grant, with exit 5, for the search side", async () => {
    // A HEAD request (does the index exist?) is answered 403 with no body at all.
    const head = answerError(403, undefined, "", undefined);
    await assert.rejects(
      inStateStore("prepare the state index", "Elasticsearch index app-state", refusing(head), {
        timeoutMs: 1000,
        as: StateSetupError,
      }),
      (error) => {
        assert.ok(error instanceof Error);
        assert.equal(
          error.message,
          "could not prepare the state index in the state store (Elasticsearch index app-state): it " +
            "answered 403: the login was accepted, but its role lacks a privilege this " +
            'needs: grant it (see "Privileges" in the README for what each command needs).',
        );
        assert.equal(exitCodeForError(error), 5);
        return true;
      },
    );
    const body = {
      error: {
        type: "security_exception",
        reason: "action [indices:data/write/index] is unauthorized for user [app]",
      },
    };
    await assert.rejects(
      inStateStore(
        "take the lease",
        "Elasticsearch index app-state",
        refusing(answerError(403, body, "", 0)),
        {
          timeoutMs: 1000,
          store: "state store",
        },
      ),
      (error) => {
        assert.ok(error instanceof Error);
        assert.match(
          error.message,
          /^could not take the lease in the state store \(Elasticsearch index app-state\): it answered 403 \(security_exception: action \[indices:data\/write\/index\] is unauthorized for user \[app\]\): the login was accepted/,
        );
        assert.equal(exitCodeForError(error), 5);
        return true;
      },
    );
  });

  it("names Cassandra's refusal and what to grant, with exit 5", async () => {
    const refused = new cassandra.errors.ResponseError(
      cassandra.types.responseErrorCodes.unauthorized,
      "User app has no MODIFY permission on <table app.synced_state> or any of its parents",
    );
    await assert.rejects(
      inStateStore("save the checkpoint", "Cassandra table app.synced_state", refusing(refused), {
        timeoutMs: 1000,
      }),
      (error) => {
        assert.ok(error instanceof Error);
        assert.equal(
          error.message,
          "could not save the checkpoint in the state store (Cassandra table app.synced_state): " +
            "Cassandra refused it (User app has no MODIFY permission on <table app.synced_state> or any " +
            "of its parents): grant the role the permission named " +
            '(see "Privileges" in the README for what each command needs).',
        );
        assert.equal(exitCodeForError(error), 5);
        return true;
      },
    );
  });
});

// Tried as an operator would, with a role granted SELECT but not MODIFY on the keyspace: the run
// stopped with Cassandra's words and exit 1, where the search side's refusal of a privilege exits 5.
describe("Cassandra refusing a privilege on a table", () => {
  it("says what was refused and what to grant, with exit 5", () => {
    const refused = new cassandra.errors.ResponseError(
      cassandra.types.responseErrorCodes.unauthorized,
      "User app has no MODIFY permission on <table app.things> or any of its parents",
    );
    const error = cassandraFailure(refused, "write to table app.things");
    assert.equal(
      error.message,
      "Cassandra refused to write to table app.things (User app has no MODIFY permission on <table " +
        "app.things> or any of its parents): grant the role the permission named " +
        '(see "Privileges" in the README for what each command needs).',
    );
    assert.equal(exitCodeForError(error), 5);
  });
});
