// State in a directory on the local disk: the default, for runs by hand and from cron. A CronJob's
// pod loses its filesystem, so there the Cassandra or Elasticsearch backend is the right choice.
import { LeasedStateStore } from "../leased-state-store.js";
import { randomBytes } from "node:crypto";
import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Checkpoint, RunRecord, StateStore } from "../state-store.js";
import { DEFAULT_RUN_HISTORY_LIMIT, DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { checkpointFromJson, checkpointToJson, runFromJson, runToJson } from "../state-json.js";
import { makeDirectory } from "../../util/make-directory.js";
import { CHECKPOINT_WAY_OUT, CorruptStateError, NoStateError, StateSetupError } from "../state-errors.js";
import { isValidStateKey } from "../state-key.js";
import {
  checkpointFile,
  flushDirectory,
  isNotFound,
  keyDirectory,
  leaseDirectory,
  readJsonFile,
  RUN_FILE,
  runFileName,
  runsDirectory,
  toFileText,
  writeFileAtomically,
} from "./file-schema.js";
import { FileLeases } from "./file-lease.js";
import { removeLeftovers } from "./file-leftovers.js";

export interface FileStateStoreOptions {
  /** The state directory; `open` creates it, the constructor leaves that to the first write. */
  readonly directory: string;
  readonly historyLimit?: number;
  readonly timeoutMs?: number;
}

const CHECKPOINT_REMEDY = `Fix the file or delete it. ${CHECKPOINT_WAY_OUT}`;
const RUN_REMEDY = "Delete the file; it holds the history of one past run only.";

export class FileStateStore extends LeasedStateStore implements StateStore {
  readonly backend = "file";
  private readonly root: string;
  private readonly historyLimit: number;
  private readonly fileLeases: FileLeases;
  /** The keys whose directories this store has looked for leftover copies in (file-leftovers.ts). */
  private readonly tidied = new Set<string>();

  constructor(options: FileStateStoreOptions) {
    const root = resolve(options.directory);
    const leases = new FileLeases(root, `directory ${root}`);
    super(`directory ${root}`, leases, options.timeoutMs ?? DEFAULT_STATE_TIMEOUT_MS);
    this.root = root;
    this.fileLeases = leases;
    this.historyLimit = options.historyLimit ?? DEFAULT_RUN_HISTORY_LIMIT;
  }

  /** The store, once its directory exists and takes a new file: a bad --state fails before any work. */
  static async open(options: FileStateStoreOptions): Promise<FileStateStore> {
    const store = new FileStateStore(options);
    await store.step(
      "prepare the state directory",
      async () => {
        await makeDirectory(store.root);
        const probe = join(store.root, `.probe-${randomBytes(6).toString("hex")}.tmp`);
        await writeFile(probe, "", { flag: "wx", mode: 0o600 });
        await rm(probe, { force: true });
      },
      StateSetupError,
    );
    return store;
  }

  /** The store of a directory that exists, for commands that only read: nothing is created or written. */
  static async openExisting(options: FileStateStoreOptions): Promise<FileStateStore> {
    const store = new FileStateStore(options);
    await store.step(
      "find the state directory",
      async () => {
        let found;
        try {
          found = await stat(store.root);
        } catch (error) {
          if (isNotFound(error)) throw new NoStateError(store.location, "the directory does not exist");
          throw error;
        }
        if (!found.isDirectory()) throw new StateSetupError(`${store.root} is not a directory`, {});
      },
      StateSetupError,
    );
    return store;
  }

  getCheckpoint(key: string): Promise<Checkpoint | undefined> {
    return this.step("read the checkpoint", async () => {
      const path = checkpointFile(this.root, key);
      const value = await readJsonFile(path, CHECKPOINT_REMEDY);
      if (value === undefined) return undefined;
      const checkpoint = checkpointFromJson(value, { location: path, remedy: CHECKPOINT_REMEDY });
      if (checkpoint.key !== key) {
        throw new CorruptStateError(path, `it belongs to key '${checkpoint.key}'`, CHECKPOINT_REMEDY);
      }
      return checkpoint;
    });
  }

  async setCheckpoint(
    key: string,
    position: bigint,
    runId: string,
    covers?: readonly string[],
  ): Promise<void> {
    await this.step("save the checkpoint", async () => {
      const made = await makeDirectory(keyDirectory(this.root, key));
      // A first checkpoint's directory is on disk only with its entry in the state directory.
      if (made) await flushDirectory(this.root);
      const checkpoint: Checkpoint = {
        key,
        position,
        updatedAt: new Date(),
        runId,
        ...(covers === undefined ? {} : { covers }),
      };
      await writeFileAtomically(checkpointFile(this.root, key), toFileText(checkpointToJson(checkpoint)));
    });
    await this.tidyOnce(key);
  }

  /**
   * Removes the copies a process killed mid-write left beside the key's checkpoint, lease and run
   * history, and the start-up check's probes in the state directory, once per key and store: by the time a checkpoint is saved, under the lease. Only old
   * ones go (file-leftovers.ts). One that cannot be removed costs disk space, not the checkpoint,
   * which is saved already.
   */
  private async tidyOnce(key: string): Promise<void> {
    if (this.tidied.has(key)) return;
    // The state directory itself holds only the start-up check's probes, looked for once per store.
    const root = this.tidied.size === 0 ? [this.root] : [];
    this.tidied.add(key);
    const directories = [
      ...root,
      ...[keyDirectory, leaseDirectory, runsDirectory].map((place) => place(this.root, key)),
    ];
    await this.step("remove leftover copies", async () => {
      for (const directory of directories) await removeLeftovers(directory);
    }).catch(() => undefined);
  }

  deleteCheckpoint(key: string): Promise<void> {
    return this.step("delete the checkpoint", () => rm(checkpointFile(this.root, key), { force: true }));
  }

  appendRun(run: RunRecord): Promise<void> {
    return this.step("save the run history", async () => {
      const directory = runsDirectory(this.root, run.key);
      await makeDirectory(directory);
      await writeFileAtomically(join(directory, runFileName(run)), toFileText(runToJson(run)));
      const names = await this.runFileNames(run.key);
      for (const name of names.slice(this.historyLimit)) await rm(join(directory, name), { force: true });
    });
  }

  recentRuns(key: string, limit: number): Promise<RunRecord[]> {
    return this.step("read the run history", async () => {
      const directory = runsDirectory(this.root, key);
      const names = (await this.runFileNames(key)).slice(0, Math.max(0, Math.min(limit, this.historyLimit)));
      const runs: RunRecord[] = [];
      for (const name of names) {
        const path = join(directory, name);
        const value = await readJsonFile(path, RUN_REMEDY);
        // A concurrent append may have trimmed it.
        if (value !== undefined) runs.push(runFromJson(value, { location: path, remedy: RUN_REMEDY }));
      }
      return runs;
    });
  }

  listKeys(): Promise<string[]> {
    return this.step("list the state keys", async () => {
      let entries;
      try {
        entries = await readdir(this.root, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      const keys: string[] = [];
      for (const entry of entries) {
        if (entry.isDirectory() && isValidStateKey(entry.name) && (await this.holdsState(entry.name))) {
          keys.push(entry.name);
        }
      }
      return keys.sort();
    });
  }

  close(): Promise<void> {
    // Nothing stays open between calls.
    return Promise.resolve();
  }

  private async holdsState(key: string): Promise<boolean> {
    if (await exists(checkpointFile(this.root, key))) return true;
    if ((await this.runFileNames(key)).length > 0) return true;
    return this.holdsLease(key);
  }

  /**
   * A held or expired lease: what a first run that is still at work, or was killed before it saved
   * anything, leaves. A released one is no state, as in the other backends, which delete it.
   */
  private async holdsLease(key: string): Promise<boolean> {
    try {
      return (await this.fileLeases.current(key)) !== undefined;
    } catch (error) {
      // Listed, so that status names the file to fix rather than hide what may keep runs out.
      if (error instanceof CorruptStateError) return true;
      throw error;
    }
  }

  /** Newest first. */
  private async runFileNames(key: string): Promise<string[]> {
    try {
      const names = await readdir(runsDirectory(this.root, key));
      return names.filter((name) => RUN_FILE.test(name)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
