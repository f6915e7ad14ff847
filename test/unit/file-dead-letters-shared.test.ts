// Two processes given one --dead-letter file: a rewrite (a letter put again, letters settled) copies
// the file and renames the copy over it. What another process appended or rewrote between the check
// that the file had not changed and the rename must not be lost with the old file.
import assert from "node:assert/strict";
import { lstat, lutimes, mkdtemp, open, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { StoredLetter } from "../../src/deadletter/dead-letter-store.js";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";
import { holderName, thisProcess } from "../../src/state/lease-holder.js";
import { LOCK_STALE_MS, takeFileLock } from "../../src/state/file/file-lock.js";
import { thingsLetter } from "../support/letters.js";
import { until } from "../support/until.js";

function letter(key: string, id: string, reason = "bad"): StoredLetter {
  return thingsLetter(key, id, { reason });
}

async function ids(store: FileDeadLetterStore, key: string): Promise<string[]> {
  const found: string[] = [];
  for await (const l of store.list(key)) found.push(`${l.id ?? ""}:${l.reason}`);
  return found.sort();
}

/** Dates the lock as one its holder stopped renewing a second longer ago than the takeover waits for. */
async function leftUnrenewed(lock: string): Promise<void> {
  const past = new Date(Date.now() - LOCK_STALE_MS - 1000);
  await lutimes(lock, past, past);
}

describe("one dead-letter file shared by two processes", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "synced-shared-letters-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  /**
   * Store `a` rewrites the file; between its check and its rename, store `b` (another process) makes
   * `change`. The hook lets the rename go on once `b` has finished, or waits for `a`'s lock.
   */
  async function race(
    name: string,
    change: (b: FileDeadLetterStore) => Promise<void>,
  ): Promise<{ a: FileDeadLetterStore; path: string }> {
    const path = join(root, `${name}.ndjson`);
    let busy = (): void => undefined;
    const waits = new Promise<void>((resolve) => {
      busy = resolve;
    });
    const b = new FileDeadLetterStore(path, 5000, {
      lockBusy: () => {
        busy();
      },
    });
    let other: Promise<void> | undefined;
    const a = new FileDeadLetterStore(path, 5000, {
      beforeRename: async () => {
        if (other !== undefined) return;
        other = change(b);
        await Promise.race([other, waits]);
      },
    });
    await a.put([letter("one", "a1"), letter("one", "a2")]);
    // Put again with a new reason: a rewrite.
    await a.put([letter("one", "a1", "again")]);
    assert.ok(other !== undefined);
    await other;
    return { a, path };
  }

  it("keeps a letter another process appended while the file was rewritten", async () => {
    const { a } = await race("append", (b) => b.put([letter("two", "b1")]));
    assert.deepEqual(await ids(a, "one"), ["a1:again", "a2:bad"]);
    assert.deepEqual(await ids(a, "two"), ["b1:bad"]);
  });

  it("keeps what another process's rewrite changed while the file was rewritten", async () => {
    const { a } = await race("rewrite", async (b) => {
      await b.put([letter("one", "a2", "replaced")]);
    });
    assert.deepEqual(await ids(a, "one"), ["a1:again", "a2:replaced"]);
  });

  it("leaves no lock file behind", async () => {
    const path = join(root, "tidy.ndjson");
    const store = new FileDeadLetterStore(path);
    await store.put([letter("one", "a1")]);
    await store.put([letter("one", "a1", "again")]);
    await store.remove("one", [letter("one", "a1").letterId]);
    assert.deepEqual(await readdir(root).then((names) => names.filter((n) => n.startsWith("tidy"))), [
      "tidy.ndjson",
    ]);
  });

  it("never reads through a link planted at the lock, nor shows what a file there holds", async () => {
    const secret = join(root, "secret.txt");
    await writeFile(secret, "hunter2-password\n", { mode: 0o600 });
    const linked = join(root, "linked.ndjson");
    await symlink(secret, `${linked}.lock`);
    await assert.rejects(
      new FileDeadLetterStore(linked, 300).put([letter("one", "a1")]),
      (error: unknown) => {
        assert.match(String(error), /linked\.ndjson\.lock is a symbolic link/);
        assert.doesNotMatch(String(error), /hunter2/);
        return true;
      },
    );
    const planted = join(root, "planted.ndjson");
    await writeFile(`${planted}.lock`, "hunter2-password\n");
    await assert.rejects(
      new FileDeadLetterStore(planted, 300).put([letter("one", "a1")]),
      (error: unknown) => {
        assert.match(
          String(error),
          /planted\.ndjson\.lock is held by something that names no synced process/,
        );
        assert.doesNotMatch(String(error), /hunter2/);
        return true;
      },
    );
  });

  it("takes over the lock of a process of this host that is gone, and waits a bounded time for one alive", async () => {
    const path = join(root, "stale.ndjson");
    await writeFile(path, "");
    // Held by this very process under another host's name: alive as far as anyone can tell.
    await writeFile(`${path}.lock`, "elsewhere:1:pidns1\n");
    const store = new FileDeadLetterStore(path, 300);
    await assert.rejects(store.put([letter("one", "a1")]), (error: unknown) => {
      assert.match(String(error), /stale\.ndjson\.lock is held by elsewhere:1:pidns1/);
      assert.match(String(error), /delete .*stale\.ndjson\.lock/);
      return true;
    });
    assert.deepEqual(await ids(store, "one"), []);

    // Held by a process of this host that has ended (killed while it held it): taken over at once.
    const ended = spawnSync(process.execPath, ["-e", ""]).pid;
    const me = thisProcess();
    if (me.namespace === undefined) return;
    await writeFile(`${path}.lock`, `${holderName({ ...me, pid: ended })}\n`);
    await store.put([letter("one", "a1")]);
    assert.deepEqual(await ids(store, "one"), ["a1:bad"]);
    assert.deepEqual(await readdir(root).then((names) => names.filter((n) => n.startsWith("stale"))), [
      "stale.ndjson",
    ]);
  });

  it("takes over a lock that another host or container left and no longer renews", async () => {
    // A CronJob's pod killed while it held the lock: the next pod has another host name and pid
    // namespace, and cannot tell whether that holder lives. Before, every later run failed at its
    // first letter after waiting, until someone deleted the lock by hand.
    const path = join(root, "left.ndjson");
    await writeFile(path, "");
    await writeFile(`${path}.lock`, "old-pod:1:pidns1\ntoken\n");
    await leftUnrenewed(`${path}.lock`);
    const store = new FileDeadLetterStore(path, 300);
    await store.put([letter("one", "a1")]);
    assert.deepEqual(await ids(store, "one"), ["a1:bad"]);
    assert.deepEqual(await readdir(root).then((names) => names.filter((n) => n.startsWith("left"))), [
      "left.ndjson",
    ]);
  });

  // Tried as an operator would: a pod killed while it changed the letters file left its lock, and the
  // next pod's run stood still for up to half a minute without a word until the lock went stale.
  it("says what it waits for when another host or container holds the lock", async () => {
    const path = join(root, "told.ndjson");
    await writeFile(path, "");
    await writeFile(`${path}.lock`, "old-pod:7:pidns1\ntoken\n");
    const past = new Date(Date.now() - LOCK_STALE_MS + 300);
    await lutimes(`${path}.lock`, past, past);
    const told: string[] = [];
    const store = new FileDeadLetterStore(path, 5000, { lockBusy: (message) => told.push(message) });
    await store.put([letter("one", "a1")]);
    assert.deepEqual(await ids(store, "one"), ["a1:bad"]);
    assert.equal(told.length, 1);
    assert.match(told[0] ?? "", /waiting up to 5 s for .*told\.ndjson\.lock, held by old-pod:7:pidns1/);
    assert.match(told[0] ?? "", /taken over once it has gone unrenewed for 30 s/);
  });

  // The exclusive create is the lock: what the file holds is read only by processes of this machine,
  // which see it whole without a flush. Each letter written to the file took the lock, so each put
  // waited for a flush to disk of a file that is removed a moment later.
  it("takes the lock without flushing it to disk", async () => {
    const path = join(root, "unflushed.ndjson");
    const probe = await open(path, "w");
    const handles = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const sync = handles.sync;
    let flushes = 0;
    handles.sync = function (this: unknown) {
      flushes++;
      return sync.call(this);
    };
    try {
      const lock = await takeFileLock(path, { waitMs: 300 });
      await lock.release();
    } finally {
      handles.sync = sync;
    }
    assert.equal(flushes, 0);
    assert.equal(await lstat(`${path}.lock`).catch(() => undefined), undefined);
  });

  it("takes over an empty lock no longer renewed, as a machine that stopped before writing it leaves", async () => {
    const path = join(root, "empty.ndjson");
    await writeFile(path, "");
    await writeFile(`${path}.lock`, "");
    const store = new FileDeadLetterStore(path, 300);
    await assert.rejects(
      store.put([letter("one", "a1")]),
      /empty\.ndjson\.lock is held by something that names no synced process/,
    );
    await leftUnrenewed(`${path}.lock`);
    await store.put([letter("one", "a1")]);
    assert.deepEqual(await ids(store, "one"), ["a1:bad"]);
    assert.deepEqual(await readdir(root).then((names) => names.filter((n) => n.startsWith("empty"))), [
      "empty.ndjson",
    ]);
  });

  it("renews the lock while it holds it, so that a live holder is never taken for gone", async () => {
    const path = join(root, "renewed.ndjson");
    const lock = await takeFileLock(path, { waitMs: 300, renewMs: 10 });
    try {
      await leftUnrenewed(`${path}.lock`);
      await until("the lock renewed", async () => {
        const age = Date.now() - (await lstat(`${path}.lock`)).mtimeMs;
        return age < LOCK_STALE_MS ? true : undefined;
      });
    } finally {
      await lock.release();
    }
    assert.equal(await lstat(`${path}.lock`).catch(() => undefined), undefined);
  });
});
