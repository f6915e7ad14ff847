// State in an Elasticsearch index, for runs whose filesystem does not last, such as a CronJob's pod.
// Checkpoints are read with realtime GETs. Run history and the key list are searched, so writes
// refresh the index at once: it holds a few documents per configuration and sees a few writes per
// run, so that costs little, while waiting for the next scheduled refresh ("wait_for") adds up to a
// second per write, and an explicit refresh call would need a privilege beyond writing.
import { missingFields } from "../../stores/search/mapping.js";
import { LeasedStateStore } from "../leased-state-store.js";
import type { SearchClient } from "../../stores/search/search-client.js";
import type { SortValue } from "../../stores/search/query.js";
import type { Checkpoint, RunRecord, StateStore } from "../state-store.js";
import { DEFAULT_RUN_HISTORY_LIMIT, DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { checkpointFromJson, checkpointToJson, runFromJson, runToJson } from "../state-json.js";
import { CHECKPOINT_WAY_OUT, NoStateError, StateError, StateSetupError } from "../state-errors.js";
import { validateStateKey } from "../state-key.js";
import {
  checkIndexName,
  documentId,
  kindQuery,
  NEWEST_RUN_FIRST,
  runDocumentId,
  STATE_MAPPINGS,
  stateDocument,
} from "./elasticsearch-schema.js";
import { ElasticsearchLeases } from "./elasticsearch-lease.js";
import { repeatTransient } from "../repeat-transient.js";
import { isSearchError } from "../../stores/search/search-error.js";
import { indexExists } from "../blocked-index.js";
import { isTransientStateSearchError } from "../../stores/search/transient-errors.js";

type CompositeKey = Readonly<Record<string, SortValue>>;

export interface ElasticsearchStateStoreOptions {
  readonly index: string;
  /** Replicas of a newly created index; the cluster's default when absent, as for any other index. */
  readonly replicas?: number;
  /** False for commands that only read: a missing index is a NoStateError, and nothing is created. */
  readonly create?: boolean;
  readonly historyLimit?: number;
  readonly timeoutMs?: number;
}

export class ElasticsearchStateStore extends LeasedStateStore implements StateStore {
  readonly backend = "elasticsearch";

  private constructor(
    private readonly client: SearchClient,
    private readonly index: string,
    private readonly historyLimit: number,
    timeoutMs: number,
  ) {
    const location = `${client.productName} index ${index}`;
    const repeat = repeatTransient(isTransientStateSearchError, timeoutMs);
    super(
      location,
      new ElasticsearchLeases(client, index, location, repeat),
      timeoutMs,
      isTransientStateSearchError,
    );
  }

  /** Creates the index if it is missing; the client stays the caller's to close. */
  static async open(
    client: SearchClient,
    options: ElasticsearchStateStoreOptions,
  ): Promise<ElasticsearchStateStore> {
    const index = checkIndexName(options.index);
    const store = new ElasticsearchStateStore(
      client,
      index,
      options.historyLimit ?? DEFAULT_RUN_HISTORY_LIMIT,
      options.timeoutMs ?? DEFAULT_STATE_TIMEOUT_MS,
    );
    await store.step(
      "prepare the state index",
      () => store.prepare(options.replicas, options.create ?? true),
      StateSetupError,
    );
    return store;
  }

  getCheckpoint(key: string): Promise<Checkpoint | undefined> {
    return this.step("read the checkpoint", async () => {
      const id = documentId("checkpoint", validateStateKey(key));
      try {
        const found = await this.client.getDocument({ index: this.index, id });
        const remedy = `Fix the document, or delete it (DELETE ${this.index}/_doc/${id}). ${CHECKPOINT_WAY_OUT}`;
        return checkpointFromJson(found._source, {
          location: `document ${id} in index ${this.index}`,
          remedy,
        });
      } catch (error) {
        if (isSearchError(error, "not-found")) return undefined;
        throw error;
      }
    });
  }

  setCheckpoint(key: string, position: bigint, runId: string, covers?: readonly string[]): Promise<void> {
    return this.step("save the checkpoint", async () => {
      const checkpoint: Checkpoint = {
        key: validateStateKey(key),
        position,
        updatedAt: new Date(),
        runId,
        ...(covers === undefined ? {} : { covers }),
      };
      await this.client.putDocument({
        index: this.index,
        id: documentId("checkpoint", key),
        document: stateDocument("checkpoint", checkpointToJson(checkpoint)),
        refresh: true,
      });
    });
  }

  deleteCheckpoint(key: string): Promise<void> {
    return this.step("delete the checkpoint", async () => {
      try {
        const id = documentId("checkpoint", validateStateKey(key));
        await this.client.deleteDocument({ index: this.index, id, refresh: true });
      } catch (error) {
        if (!isSearchError(error, "not-found")) throw error;
      }
    });
  }

  appendRun(run: RunRecord): Promise<void> {
    return this.step("save the run history", async () => {
      validateStateKey(run.key);
      await this.client.putDocument({
        index: this.index,
        id: runDocumentId(run),
        document: stateDocument("run", runToJson(run)),
        refresh: true,
      });
      const older = await this.client.search({
        index: this.index,
        query: kindQuery("run", run.key),
        sort: NEWEST_RUN_FIRST,
        from: this.historyLimit,
        size: 1000,
        _source: false,
      });
      if (older.hits.length === 0) return;
      await this.client.bulk({
        lines: older.hits.map((hit) => ({ delete: { _index: this.index, _id: hit._id ?? "" } })),
        refresh: true,
      });
    });
  }

  recentRuns(key: string, limit: number): Promise<RunRecord[]> {
    return this.step("read the run history", async () => {
      const found = await this.client.search({
        index: this.index,
        query: kindQuery("run", validateStateKey(key)),
        sort: NEWEST_RUN_FIRST,
        size: Math.max(0, Math.min(limit, this.historyLimit)),
      });
      const remedy = "Delete the document; it holds the history of one past run only.";
      return found.hits.map((hit) =>
        runFromJson(hit._source, { location: `document ${hit._id ?? "?"} in index ${this.index}`, remedy }),
      );
    });
  }

  /**
   * A lease counts: it is all that a first run still at work, or killed before it saved anything,
   * leaves. Releasing deletes it, so a released lease lists nothing.
   */
  listKeys(): Promise<string[]> {
    return this.step("list the state keys", async () => {
      const keys: string[] = [];
      type Composite = { buckets: { key: CompositeKey }[]; after_key?: CompositeKey } | undefined;
      let after: CompositeKey | undefined;
      do {
        const found = await this.client.search({
          index: this.index,
          size: 0,
          query: { terms: { kind: ["checkpoint", "lease", "run"] } },
          aggs: {
            keys: {
              composite: {
                size: 1000,
                sources: [{ key: { terms: { field: "key" } } }],
                ...(after ? { after } : {}),
              },
            },
          },
        });
        const composite = found.aggregations?.["keys"] as Composite;
        for (const bucket of composite?.buckets ?? []) keys.push(String(bucket.key["key"]));
        after = composite?.buckets.length ? composite.after_key : undefined;
      } while (after !== undefined);
      return keys.sort();
    });
  }

  close(): Promise<void> {
    // The client belongs to the caller.
    return Promise.resolve();
  }

  private async prepare(replicas: number | undefined, create: boolean): Promise<void> {
    if (!(await indexExists(this.client, this.index))) {
      if (!create) throw new NoStateError(this.location, "the index does not exist");
      try {
        await this.client.createIndex({
          index: this.index,
          // State is a few documents per configuration.
          shards: 1,
          ...(replicas === undefined ? {} : { replicas }),
          mappings: STATE_MAPPINGS,
        });
      } catch (error) {
        // Another run created it first.
        if (!isSearchError(error, "already-exists")) throw error;
      }
    }
    const mappings = await this.client.readMappings({ index: this.index });
    const properties = Object.values(mappings)[0] ?? {};
    const kind = properties["kind"];
    const key = properties["key"];
    if (kind?.type !== "keyword" || key?.type !== "keyword") {
      // Dynamic mapping's way with a string (text, with a keyword subfield): synced's own documents,
      // written after the index was deleted under a run, which the cluster then made again.
      const guessed = [kind, key].every((f) => f?.type === "text" && f.fields?.["keyword"] !== undefined);
      if (guessed) {
        throw new StateError(
          `the index ${this.index} holds synced state with field types ${this.client.productName} guessed: it was ` +
            "deleted while a run worked, and made again from that run's write (unless " +
            `action.auto_create_index forbids it). Delete it (DELETE ${this.index}): the next run makes ` +
            "it anew, without a checkpoint, so it reads every table from the earliest version.",
          { index: this.index },
        );
      }
      throw new StateError(
        `the index ${this.index} exists but is not a synced state index (its mapping lacks keyword fields ` +
          "kind and key). Choose another index name in the state location.",
        { index: this.index },
      );
    }
    // A state index of an earlier version lacks the fields added since; its mapping is strict.
    const missing = missingFields(STATE_MAPPINGS.properties, properties);
    if (Object.keys(missing).length > 0 && create) {
      await this.client.addFields({ index: this.index, properties: missing });
    }
  }
}
