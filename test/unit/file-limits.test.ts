// File-system steps that cannot hang a run: a directory made level by level, a FIFO refused instead of
// waited on, and a time limit on anything else that never answers.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { makeDirectory } from "../../src/util/make-directory.js";
import {
  appendToRegularFile,
  FileTooLargeError,
  NotAFileError,
  readRegularFile,
} from "../../src/util/regular-file.js";
import { withTimeLimit } from "../../src/util/time-limit.js";
import { inStateStore, StateError, StateSetupError } from "../../src/state/state-errors.js";
import { checkDeadLetterFile } from "../../src/state/file/file-dead-letter-check.js";
import { NewerStateError, STATE_FORMAT } from "../../src/state/state-format.js";

const run = promisify(execFile);

describe("file steps with limits", () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "synced-limits-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("makes every missing level of a directory, and accepts one that exists", async () => {
    const deep = join(root, "a", "b", "c");
    await makeDirectory(deep);
    assert.ok((await stat(deep)).isDirectory());
    await makeDirectory(deep);
  });

  it("fails, instead of retrying forever, where a parent refuses new entries", async () => {
    await assert.rejects(makeDirectory("/proc/synced-test/state"), /ENOENT|EACCES|EPERM/);
    const file = join(root, "plain");
    await writeFile(file, "x");
    await assert.rejects(makeDirectory(file), /plain exists and is not a directory/);
    await assert.rejects(makeDirectory(join(file, "below")), /ENOTDIR/);
  });

  it("reads and appends regular files, and refuses a FIFO at once", async () => {
    const file = join(root, "letters.ndjson");
    await appendToRegularFile(file, "one\n");
    await appendToRegularFile(file, "two\n");
    assert.equal(await readRegularFile(file), "one\ntwo\n");
    const fifo = join(root, "fifo");
    await run("mkfifo", [fifo]);
    await assert.rejects(readRegularFile(fifo), NotAFileError);
    await assert.rejects(appendToRegularFile(fifo, "x"), /is a FIFO, not a regular file/);
    await assert.rejects(readRegularFile(root), /is a directory, not a regular file/);
    assert.equal(await readFile(file, "utf8"), "one\ntwo\n");
  });

  it("reads a file up to a bound and refuses a larger one unread, whatever its size says", async () => {
    const file = join(root, "bounded.txt");
    await writeFile(file, "é".repeat(10));
    assert.equal(await readRegularFile(file, { maxBytes: 20 }), "é".repeat(10));
    await assert.rejects(readRegularFile(file, { maxBytes: 19 }), FileTooLargeError);
    // Files under /proc say they are empty and are not.
    await assert.rejects(readRegularFile("/proc/self/maps", { maxBytes: 100 }), /larger than 100 bytes/);
    await assert.rejects(readRegularFile("/dev/zero", { maxBytes: 100 }), /is a device, not a regular file/);
  });

  it("gives up on work that never settles after the limit, with the error it is told", async () => {
    const never = new Promise<string>(() => undefined);
    await assert.rejects(
      withTimeLimit(never, 20, () => new Error("too slow")),
      /too slow/,
    );
    assert.equal(await withTimeLimit(Promise.resolve("fast"), 20, () => new Error("too slow")), "fast");
  });

  it("names the state store, the step and the option to raise when a step times out", async () => {
    const never = (): Promise<void> => new Promise<void>(() => undefined);
    await assert.rejects(
      inStateStore("read the checkpoint", "directory /x", never, { timeoutMs: 20 }),
      (error) => {
        assert.ok(error instanceof StateError);
        assert.match(
          error.message,
          /could not read the checkpoint in the state store \(directory \/x\): it did not finish within 20 ms.*--state-timeout/,
        );
        return true;
      },
    );
    const failing = (): Promise<void> => Promise.reject(new Error("EACCES: permission denied"));
    await assert.rejects(
      inStateStore("prepare the state directory", "directory /x", failing, {
        timeoutMs: 1000,
        as: StateSetupError,
      }),
      (error) => error instanceof StateSetupError && error.message.includes("EACCES"),
    );
  });

  it("says a store's file or disk is full, and what to do, rather than to check that it is reachable", async () => {
    for (const [code, said] of [
      ["EFBIG", /it is full: the file is as large as this process may make a file \(ulimit -f\)/],
      ["ENOSPC", /it is full: no space is left on its file system/],
      ["EDQUOT", /it is full: the user's disk quota is used up/],
    ] as const) {
      const full = (): Promise<void> =>
        Promise.reject(Object.assign(new Error(`${code}: no room, write`), { code }));
      await assert.rejects(
        inStateStore("write dead letters", "file /x/l.ndjson", full, {
          timeoutMs: 1000,
          store: "dead-letter store",
        }),
        (error) => {
          assert.ok(error instanceof StateError);
          assert.match(
            error.message,
            /^could not write dead letters in the dead-letter store \(file \/x\/l\.ndjson\): /,
          );
          assert.match(error.message, said);
          assert.match(
            error.message,
            /Make room \(or raise the limit\), or choose another place with --dead-letter, and run again\.$/,
          );
          assert.doesNotMatch(error.message, /reachable/);
          return true;
        },
      );
    }
  });

  // Tried as an operator would: a --dead-letter file in a place no file can be made was told to
  // "move what is there out of the way", where nothing was. sysfs refuses a new file even to root.
  it("says a dead-letter file's place may not be written, and what to do, before the run connects", async () => {
    await assert.rejects(checkDeadLetterFile("/sys/synced-letters.ndjson", 2000), (error: unknown) => {
      assert.ok(error instanceof StateSetupError);
      assert.match(
        error.message,
        /\(file \/sys\/synced-letters\.ndjson\): the user synced runs as \(uid \d+\)/,
      );
      assert.match(error.message, /may not write there \(EACCES/);
      assert.match(error.message, /choose another place with --dead-letter/);
      assert.doesNotMatch(error.message, /out of the way/);
      return true;
    });
  });

  // Tried as an operator would after rolling back to an earlier synced: a run refused a file of letters
  // a later synced wrote as "something other than dead letters", pointing at the wrong remedy.
  it("refuses a dead-letter file whose first letter a later synced wrote, naming its state format", async () => {
    const file = join(root, "later-letters.ndjson");
    const later = {
      format: STATE_FORMAT + 1,
      key: "app",
      letterId: "abc",
      at: "2026-01-01T00:00:00.000Z",
      runId: "run-1",
      table: "users",
      direction: "to-es",
      from: "cassandra",
      id: "1",
      reason: "why",
      record: { id: "1" },
    };
    await writeFile(file, `${JSON.stringify(later)}\n`);
    await assert.rejects(checkDeadLetterFile(file, 2000), (error: unknown) => {
      assert.ok(error instanceof NewerStateError, String(error));
      assert.match(error.message, /first line of .*later-letters\.ndjson is in state format 2/);
      assert.match(error.message, /another --dead-letter/);
      assert.doesNotMatch(error.message, /something other than dead letters/);
      return true;
    });
  });

  // Tried as an operator would: a volume the kernel remounted read-only after I/O errors, or a
  // directory the user synced runs as may not write (a pod without fsGroup), was told to check that
  // the store is reachable, which it was.
  it("says a store's file system is read-only, or not the user's to write, and what to do", async () => {
    for (const [code, said, todo] of [
      [
        "EROFS",
        /: its file system is mounted read-only \(EROFS/,
        /Mount it read-write .*or choose another place with --state/,
      ],
      [
        "EACCES",
        /: the user synced runs as \(uid \d+\) may not write there \(EACCES/,
        /Give that user write access .*fsGroup.*or choose another place with --state/,
      ],
      [
        "EPERM",
        /: the user synced runs as \(uid \d+\) may not write there \(EPERM/,
        /Give that user write access/,
      ],
    ] as const) {
      const refused = (): Promise<void> =>
        Promise.reject(Object.assign(new Error(`${code}: refused, open '/x/.1.tmp'`), { code }));
      await assert.rejects(
        inStateStore("save the checkpoint", "directory /x", refused, { timeoutMs: 1000 }),
        (error) => {
          assert.ok(error instanceof StateError);
          assert.match(error.message, /^could not save the checkpoint in the state store \(directory \/x\)/);
          assert.match(error.message, said);
          assert.match(error.message, todo);
          assert.doesNotMatch(error.message, /reachable/);
          return true;
        },
      );
    }
  });
});
