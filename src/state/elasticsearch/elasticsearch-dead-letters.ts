// Dead letters in an Elasticsearch index, beside an Elasticsearch state index, so they outlive a
// CronJob's pod. One document per letter (`<key>:<letter id>`): putting a letter again overwrites it.
// Writes refresh at once, as the state index's do: letters are few, and a count or a list right after
// a run must see them. A letter's record is kept whole only up to MAX_RECORD_BYTES (letter-size.ts),
// and letters are sent in requests of at most BULK_BYTES, so no request comes near the nodes'
// http.max_content_length (100 MB by default).
import type { BulkLine, BulkResult, SearchClient, SearchHit } from "../../stores/search/search-client.js";
import {
  missingFields,
  type FieldMapping,
  type FieldMappings,
  type IndexMapping,
} from "../../stores/search/mapping.js";
import type { Query, SortValue } from "../../stores/search/query.js";
import { parseJsonLossless, stableStringify } from "../../core/canonical-json.js";
import type { JsonValue } from "../../core/json-value.js";
import { CorruptStateError, inStateStore, StateSetupError } from "../state-errors.js";
import { checkIndexName } from "./elasticsearch-schema.js";
import { isSearchError } from "../../stores/search/search-error.js";
import { indexExists } from "../blocked-index.js";
import { DEFAULT_STATE_TIMEOUT_MS } from "../state-store.js";
import { laterFormat, STATE_FORMAT } from "../state-format.js";
import { RefusedItemError } from "../refused-privilege.js";
import type { DeadLetterStore, LaterLetter, StoredLetter } from "../../deadletter/dead-letter-store.js";
import { letterFromJson, letterToStoredJson } from "../../deadletter/letter-json.js";
import { isTransientStateSearchError } from "../../stores/search/transient-errors.js";
import { chunkBySize } from "../../util/chunk-by-size.js";

/**
 * A keyword that may hold long values: a record's id (a text key of 40,000 bytes, dead-lettered for
 * its _id) or a path a letter left out (a map key). Lucene refuses a whole document with a term over
 * 32,766 bytes of UTF-8, so such a letter failed the run; at 4 bytes a character, 8,191 characters
 * always fit. A longer value is kept in the letter's source and only left out of the index: letters
 * are never searched by these fields.
 */
const LONG_KEYWORD: FieldMapping = { type: "keyword", ignore_above: 8191 };

/** Added after the first release: an index of an earlier version gets it when it is opened. */
const RECORD_CUT: FieldMapping = {
  properties: { bytes: { type: "long" }, omitted: LONG_KEYWORD },
};

/** The state format (state-format.ts), added after the first release: letters written before it have none. */
const FORMAT: FieldMapping = { type: "integer" };

const MAPPINGS: IndexMapping = {
  dynamic: "strict",
  _meta: { purpose: "synced dead letters: records waiting to be fixed and replayed" },
  properties: {
    format: FORMAT,
    key: { type: "keyword" },
    letterId: { type: "keyword" },
    at: { type: "date" },
    runId: { type: "keyword" },
    table: { type: "keyword" },
    direction: { type: "keyword" },
    from: { type: "keyword" },
    id: LONG_KEYWORD,
    reason: { type: "text" },
    recordCut: RECORD_CUT,
    // Kept as text, never searched: a record's fields would otherwise grow the mapping, and its
    // large integers would lose digits as JSON numbers.
    record: { type: "keyword", index: false, doc_values: false },
  },
};

/** Letters read per request: a page of letters at their largest stays a few MiB. */
const PAGE = 50;
/** Letter ids read per request: small, whatever the letters hold. */
const ID_PAGE = 1000;
/** Bytes of letters per bulk request. */
const BULK_BYTES = 1024 * 1024;

/** Throws for the first item of a bulk response that failed, other than with the statuses allowed. */
function failedItem(response: BulkResult, action: "index" | "delete", allowed: number[]): void {
  for (const item of response.items) {
    const result = item[action];
    const status = result?.status ?? 500;
    // A blocked index refuses with 403 too; its block, not a privilege, is what to tell (blocked-index.ts).
    const blocked = result?.error?.type === "cluster_block_exception";
    if (!blocked && (status === 401 || status === 403))
      throw new RefusedItemError(status, result?.error?.reason ?? "");
    if (status >= 300 && !allowed.includes(status)) {
      throw new Error(
        `${action} of ${String(result?._id)} answered ${status}: ${JSON.stringify(result?.error)}`,
      );
    }
  }
}

/**
 * The long-valued keywords that an index of an earlier version maps without ignore_above, mapped
 * again with it (a keyword's ignore_above may change), so that its letters of long ids are stored.
 */
function unboundedLongKeywords(properties: FieldMappings): FieldMappings {
  const unbounded = (mapped: FieldMapping | undefined): boolean =>
    mapped?.type === "keyword" && mapped.ignore_above === undefined;
  return {
    ...(unbounded(properties["id"]) ? { id: LONG_KEYWORD } : {}),
    ...(unbounded(properties["recordCut"]?.properties?.["omitted"])
      ? { recordCut: { properties: { omitted: LONG_KEYWORD } } }
      : {}),
  };
}

/** The keyword field to find `field` by: itself, or the sub-field dynamic mapping gives a string. */
function keywordOf(field: string, properties: FieldMappings): string | undefined {
  const mapped = properties[field];
  if (mapped?.type === "keyword") return field;
  const guessed = mapped?.type === "text" && mapped.fields?.["keyword"]?.type === "keyword";
  return guessed ? `${field}.keyword` : undefined;
}

export class ElasticsearchDeadLetterStore implements DeadLetterStore {
  readonly backend = "elasticsearch";
  readonly location: string;
  /**
   * The fields letters are found and ordered by: synced's keyword fields, or their keyword sub-fields
   * in an index the cluster made again with the types it guesses (deleted while a run wrote letters,
   * then made from the run's next ones), whose letters are read as they are.
   */
  #by = { key: "key", letterId: "letterId" };

  private constructor(
    private readonly client: SearchClient,
    private readonly index: string,
    private readonly timeoutMs: number,
  ) {
    this.location = `${client.productName} index ${index}`;
  }

  /** Creates the index if it is missing; the client stays the caller's to close. */
  static async open(
    client: SearchClient,
    index: string,
    options: { readonly timeoutMs?: number; readonly replicas?: number } = {},
  ): Promise<ElasticsearchDeadLetterStore> {
    const store = new ElasticsearchDeadLetterStore(
      client,
      checkIndexName(index),
      options.timeoutMs ?? DEFAULT_STATE_TIMEOUT_MS,
    );
    await inStateStore(
      "prepare the dead-letter index",
      store.location,
      () => store.prepare(options.replicas),
      {
        timeoutMs: store.timeoutMs,
        as: StateSetupError,
        store: "dead-letter store",
        transient: isTransientStateSearchError,
      },
    );
    return store;
  }

  put(letters: readonly StoredLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    return this.step("write dead letters", async () => {
      for (const lines of this.bulks(letters)) {
        failedItem(await this.client.bulk({ refresh: true, lines }), "index", []);
      }
    });
  }

  async *list(key: string, unread?: ReadonlySet<string>): AsyncIterable<StoredLetter> {
    for await (const hit of this.hits(key, PAGE, true)) {
      const id = hit._id ?? "";
      if (unread?.has(id.slice(key.length + 1)) !== true) yield this.letter(id, hit._source);
    }
  }

  async *ids(key: string): AsyncIterable<string> {
    // Each letter's _id is `<key>:<letter id>`.
    for await (const hit of this.hits(key, ID_PAGE, false)) yield (hit._id ?? "").slice(key.length + 1);
  }

  async *later(key: string): AsyncIterable<LaterLetter> {
    const later: Query = { range: { format: { gte: String(STATE_FORMAT + 1) } } };
    for await (const hit of this.hits(key, PAGE, true, later)) {
      const format = laterFormat(hit._source?.["format"]);
      if (format !== undefined) yield { letterId: (hit._id ?? "").slice(key.length + 1), format };
    }
  }

  /**
   * The key's letter documents (those `only` matches, if given) in letter id order, a page of `size`
   * at a time, with or without sources.
   */
  private async *hits(key: string, size: number, sources: boolean, only?: Query): AsyncIterable<SearchHit> {
    let after: readonly SortValue[] | undefined;
    for (;;) {
      const page = await this.step("read the dead letters", () =>
        this.client.search({
          index: this.index,
          size,
          ...(sources ? {} : { _source: false }),
          query:
            only === undefined
              ? { term: { [this.#by.key]: key } }
              : { bool: { filter: [{ term: { [this.#by.key]: key } }, only] } },
          sort: [{ [this.#by.letterId]: "asc" }],
          ...(after === undefined ? {} : { search_after: after }),
        }),
      );
      yield* page.hits;
      if (page.hits.length < size) return;
      after = page.hits[page.hits.length - 1]?.sort;
    }
  }

  /** The letters as bulk operations, in requests of at most BULK_BYTES (or one letter). */
  private bulks(letters: readonly StoredLetter[]): BulkLine[][] {
    const sized = letters.map((letter) => {
      const document = { ...letterToStoredJson(letter), record: stableStringify(letter.record) };
      const action = { index: { _index: this.index, _id: `${letter.key}:${letter.letterId}` } };
      return { lines: [action, document], size: Buffer.byteLength(JSON.stringify(document)) + 256 };
    });
    return chunkBySize(sized, (item) => item.size, { maxBytes: BULK_BYTES }).map((bulk) =>
      bulk.flatMap((item) => item.lines),
    );
  }

  count(key: string): Promise<number> {
    return this.step("count the dead letters", async () => {
      return await this.client.count({ index: this.index, query: { term: { [this.#by.key]: key } } });
    });
  }

  remove(key: string, letterIds: readonly string[]): Promise<void> {
    if (letterIds.length === 0) return Promise.resolve();
    return this.step("remove dead letters", async () => {
      const response = await this.client.bulk({
        refresh: true,
        lines: letterIds.map((id) => ({ delete: { _index: this.index, _id: `${key}:${id}` } })),
      });
      const failed = response.items.find((item) => {
        const status = item.delete?.status ?? 500;
        return status >= 300 && status !== 404;
      });
      if (failed !== undefined) {
        throw new Error(
          `removing ${String(failed.delete?._id)} failed: ${JSON.stringify(failed.delete?.error)}`,
        );
      }
    });
  }

  close(): Promise<void> {
    // The client belongs to the caller.
    return Promise.resolve();
  }

  private letter(id: string, source: Readonly<Record<string, unknown>> | undefined): StoredLetter {
    const where = {
      location: `document ${id} in index ${this.index}`,
      remedy: `Fix the document or delete it (DELETE ${this.index}/_doc/${id}).`,
    };
    let record: JsonValue = null;
    const text = source?.["record"];
    if (typeof text === "string") {
      try {
        record = parseJsonLossless(text) as JsonValue;
      } catch (error) {
        throw new CorruptStateError(
          where.location,
          `its record is not JSON (${String(error)})`,
          where.remedy,
        );
      }
    }
    return letterFromJson({ ...source, record }, where);
  }

  private async prepare(replicas: number | undefined): Promise<void> {
    if (await indexExists(this.client, this.index)) {
      await this.readMapping();
      return;
    }
    try {
      await this.client.createIndex({
        index: this.index,
        shards: 1,
        ...(replicas === undefined ? {} : { replicas }),
        mappings: MAPPINGS,
      });
    } catch (error) {
      // Another run created it first.
      if (!isSearchError(error, "already-exists")) throw error;
    }
  }

  /**
   * Finds the fields letters are found by, refusing an index that holds something else, and adds what
   * the mapping of an index of an earlier version lacks (adding it twice is harmless).
   */
  private async readMapping(): Promise<void> {
    const found = await this.client.readMappings({ index: this.index });
    const properties = Object.values(found)[0] ?? {};
    const [key, letterId] = [keywordOf("key", properties), keywordOf("letterId", properties)];
    if (key === undefined || letterId === undefined) {
      throw new StateSetupError(
        `the index ${this.index} exists but is not a synced dead-letter index (its mapping lacks the ` +
          "keyword fields key and letterId). Choose another index for --dead-letter.",
        { index: this.index },
      );
    }
    this.#by = { key, letterId };
    const missing = {
      ...missingFields({ recordCut: RECORD_CUT, format: FORMAT }, properties),
      ...unboundedLongKeywords(properties),
    };
    if (Object.keys(missing).length > 0)
      await this.client.addFields({ index: this.index, properties: missing });
  }

  private step<T>(action: string, work: () => Promise<T>): Promise<T> {
    return inStateStore(action, this.location, work, {
      timeoutMs: this.timeoutMs,
      store: "dead-letter store",
      // Letters are written and removed by id, so a repeat leaves one letter per record.
      transient: isTransientStateSearchError,
    });
  }
}
