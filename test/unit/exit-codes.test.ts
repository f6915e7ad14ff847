// Every expected failure has a kind, and every kind a documented exit code; anything else is a bug.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EXIT, exitCodeForError, exitCodeForOutcome } from "../../src/cli/exit-codes.js";
import { ConfigError, SyncedError, UsageError } from "../../src/core/errors.js";
import { ValueError } from "../../src/core/value-error.js";
import { CircuitOpenError, InterruptedError, LeaseHeldError } from "../../src/reconcile/run-errors.js";
import {
  CorruptStateError,
  LeaseContendedError,
  LeaseLostError,
  NoStateError,
  StateError,
  StateSetupError,
} from "../../src/state/state-errors.js";
import { AuthenticationError, ConnectionError } from "../../src/stores/store-errors.js";

describe("exit codes", () => {
  it("maps each error of the hierarchy to the code its kind documents", () => {
    const cases: [SyncedError, number][] = [
      [new SyncedError("x"), EXIT.failure],
      [new UsageError("x"), EXIT.usage],
      [new ConfigError("lag", undefined, "x"), EXIT.usage],
      [new StateSetupError("no such keyspace"), EXIT.usage],
      [new NoStateError("directory /x", "the directory does not exist"), EXIT.usage],
      [new StateError("x"), EXIT.failure],
      [new CorruptStateError("f", "p", "r"), EXIT.failure],
      [new LeaseLostError("k", "a", "b"), EXIT.failure],
      [new LeaseContendedError("x"), EXIT.leaseHeld],
      [new LeaseHeldError("k", "h", "o", new Date(0), "l"), EXIT.leaseHeld],
      [new ConnectionError("x"), EXIT.unreachable],
      [new AuthenticationError("x"), EXIT.unreachable],
      [new CircuitOpenError(3, "t", "to-es"), EXIT.circuitOpen],
      [new InterruptedError("SIGTERM"), EXIT.interrupted],
      [new ValueError("n", "not an int"), EXIT.failure],
    ];
    for (const [error, code] of cases) assert.equal(exitCodeForError(error), code, error.name);
  });

  it("treats an error from outside the hierarchy as a failure", () => {
    assert.equal(exitCodeForError(new TypeError("x is undefined")), EXIT.failure);
    assert.equal(exitCodeForError("a string"), EXIT.failure);
  });

  it("maps run outcomes, and a failed run by its error", () => {
    assert.equal(exitCodeForOutcome("success", undefined), EXIT.success);
    assert.equal(exitCodeForOutcome("partial", undefined), EXIT.partial);
    // Letters of earlier runs that still wait make a clean run partial too.
    assert.equal(exitCodeForOutcome("success", undefined, 0), EXIT.success);
    assert.equal(exitCodeForOutcome("success", undefined, 2), EXIT.partial);
    assert.equal(exitCodeForOutcome("failed", new CircuitOpenError(1, "t", "to-es"), 5), EXIT.circuitOpen);
    assert.equal(exitCodeForOutcome("interrupted", undefined), EXIT.interrupted);
    assert.equal(exitCodeForOutcome("failed", new CircuitOpenError(1, "t", "to-es")), EXIT.circuitOpen);
    assert.equal(exitCodeForOutcome("failed", undefined), EXIT.failure);
  });
});
