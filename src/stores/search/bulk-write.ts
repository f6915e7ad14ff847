// Writes winning records with bulk requests bounded by bytes and count. Every write is conditional:
// `create` where the document was absent, `index` with if_seq_no/if_primary_term where it existed,
// so a document another application indexed after our read is never overwritten (it answers 409 and
// the engine decides again). External versioning is offered only for deployments where every writer
// uses it: a document indexed with internal versioning loses to any external version.
import type { BulkAction, SearchClient } from "./search-client.js";
import type { CurrentRecord } from "../../core/record.js";
import type { JsonValue } from "../../core/json-value.js";
import type { PlannedWrite, WriteOutcome } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { chunkBySize } from "../../util/chunk-by-size.js";
import { type ItemError, refusedDocumentReason } from "./refused-document.js";
import { mapConcurrent } from "../../util/map-concurrent.js";
import { retryDelay } from "../../util/retry.js";
import { setTimeout as delay } from "node:timers/promises";
import { SyncedError } from "../../core/errors.js";
import { TableIndexRefusedError } from "../../core/table-index-refusal.js";
import { documentId, documentTag, recordToDocument } from "./document-codec.js";
import { documentFields, setField } from "./document-fields.js";
import { documentRouting } from "./routing.js";
import { toJsonText } from "./json-text.js";
import { unwritableVersion } from "./timestamps.js";
import { unwritableNanosWithin } from "./nanos-values.js";
import type { EsToken } from "./fetch-current.js";
import { IndexGoneError } from "./index-gone.js";
import { WriteRefusedError } from "./refused-privilege.js";
import { FLOOD_STAGE } from "./transient-errors.js";
import { allowDeleteBlock } from "./allow-delete-block.js";
import { blockSetting } from "./index-blocks.js";
import type { BulkBodyLimit } from "./body-limit.js";
import { FROM_PAGE, isSearchError, type SearchError, withStatus } from "./search-error.js";

export interface EsWriteSettings {
  readonly client: SearchClient;
  readonly versioning: "optimistic" | "external";
  /** Bulk requests in flight. */
  readonly concurrency: number;
  readonly maxBulkBytes: number;
  readonly maxBulkOperations: number;
  readonly maxDocumentBytes: number;
  /** Runs a whole bulk request again while it fails transiently (see util/retry.ts). */
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
  /** How long items answered 429 or 5xx (busy or failing shards) are retried, item by item. */
  readonly retryWindowMs: number;
  /** The limit on request bodies the run learned from requests refused as too large (413). */
  readonly bodyLimit?: BulkBodyLimit;
  readonly signal?: AbortSignal;
}

interface Operation {
  readonly index: number;
  /** The action's line, as JSON text made once: its size is counted, then it is sent as it is. */
  readonly actionText: string;
  /** The document as JSON text, made once: its size is checked, then it is sent as it is. */
  readonly document: string;
  readonly bytes: number;
  /** The bytes of its lines in a request body, its action's line too. */
  readonly lineBytes: number;
}

function operationFor(
  settings: EsWriteSettings,
  plan: TablePlan,
  write: PlannedWrite,
  index: number,
): Operation | string {
  const current = write.current as CurrentRecord<EsToken> | undefined;
  const { version } = write;
  // An existing document is written under its own _id, whatever case it spells the UUID in, and on
  // the shard it was found on.
  const id = current?.token.documentId ?? documentId(plan, write.record.id);
  // Elasticsearch refuses the whole bulk request over one such _id, so it is refused here, alone.
  const idBytes = Buffer.byteLength(id);
  if (idBytes > MAX_ID_BYTES) {
    return (
      `its _id is ${idBytes} bytes, over the ${MAX_ID_BYTES} ${settings.client.productName} allows, so no document can ` +
      "hold this record: shorten its key at the source, or leave the table out with --exclude-tables"
    );
  }
  const unwritable = unwritableVersion(version, plan.es.timestampPrecision, documentFields(plan).timestamp);
  if (unwritable !== undefined) return unwritable;
  if (plan.es.nanosColumns !== undefined)
    for (const column of plan.es.nanosColumns) {
      const refused = unwritableNanosWithin(write.record.content[column.name], column, plan.es.index);
      if (refused !== undefined) return refused;
    }
  const fields = recordToDocument(plan, write.record, version);
  // The document replaces the one read, guarded by its sequence number: what synced does not own
  // goes back as it was read.
  const kept = current?.token.kept;
  if (kept !== undefined) for (const field in kept) setField(fields, field, kept[field] as JsonValue);
  const document = toJsonText(fields);
  const bytes = Buffer.byteLength(document);
  if (bytes > settings.maxDocumentBytes) {
    return (
      `document is ${bytes} bytes, too large for ${settings.client.productName}: a request may hold at most ` +
      `${settings.maxDocumentBytes} bytes of document (the cluster's http.max_content_length). Shorten it at ` +
      "its source, or raise http.max_content_length on every node; then replay the letter"
    );
  }
  const routing = current?.token.routing ?? documentRouting(plan, write.record.id);
  const pipeline = plan.es.pipeline;
  const target = {
    _index: plan.es.index,
    _id: id,
    ...(routing === undefined ? {} : { routing }),
    ...(pipeline === undefined ? {} : { pipeline }),
  };
  let action: BulkAction;
  if (settings.versioning === "external") {
    if (version < 0n) return "external versioning cannot store a version before 1970";
    action = { index: { ...target, version: Number(version), version_type: "external_gte" } };
  } else if (current === undefined) {
    action = { create: target };
  } else {
    action = {
      index: { ...target, if_seq_no: current.token.seqNo, if_primary_term: current.token.primaryTerm },
    };
  }
  const actionText = JSON.stringify(action);
  const lineBytes = Buffer.byteLength(actionText) + bytes + 2;
  return { index, actionText, document, bytes, lineBytes };
}

const CONFLICT: WriteOutcome = Object.freeze({ status: "conflict" });
const SENT_AGAIN: WriteOutcome = Object.freeze({ status: "conflict", sentAgain: true });

/** The longest `_id` Elasticsearch and OpenSearch take, in bytes of UTF-8. */
const MAX_ID_BYTES = 512;

/** Why the store would refuse `write` before sending it; undefined: it would send it. */
export function writeRefusal(
  settings: EsWriteSettings,
  plan: TablePlan,
  write: PlannedWrite,
): string | undefined {
  const op = operationFor(settings, plan, write, 0);
  return typeof op === "string" ? op : undefined;
}

export async function bulkWrite(
  settings: EsWriteSettings,
  plan: TablePlan,
  writes: readonly PlannedWrite[],
): Promise<WriteOutcome[]> {
  const outcomes = new Array<WriteOutcome>(writes.length);
  await mapConcurrent(bulkBodies(settings, plan, writes, outcomes), settings.concurrency, (body) =>
    writeChunk(settings, plan, body, outcomes),
  );
  return outcomes;
}

/**
 * A bulk request's body as its NDJSON text, made once. The operations' actions and documents are let
 * go as soon as it is made: they would otherwise stay alive while the request is in flight, and the
 * collector would copy them at every scavenge, where one text of a whole request is not copied.
 */
interface BulkBody {
  readonly text: string;
  /** The index among the writes of each operation, in the order of the text. */
  readonly writes: readonly number[];
  /** Where each operation's lines end in the text; the next one's begin there. */
  readonly ends: readonly number[];
}

/** The bodies of the requests that write `writes`; a write refused before sending gets its outcome. */
function bulkBodies(
  settings: EsWriteSettings,
  plan: TablePlan,
  writes: readonly PlannedWrite[],
  outcomes: WriteOutcome[],
): BulkBody[] {
  const operations: Operation[] = [];
  for (const [i, write] of writes.entries()) {
    const op = operationFor(settings, plan, write, i);
    if (typeof op === "string") outcomes[i] = { status: "rejected", reason: op };
    else operations.push(op);
  }
  const learned = settings.bodyLimit?.maxBytes;
  const limits = {
    maxBytes: Math.min(settings.maxBulkBytes, learned ?? Infinity),
    maxCount: settings.maxBulkOperations,
  };
  const size = learned === undefined ? (op: Operation) => op.bytes : (op: Operation) => op.lineBytes;
  return chunkBySize(operations, size, limits).map((chunk) => {
    const lines: string[] = [];
    const ends: number[] = [];
    let end = 0;
    for (const op of chunk) {
      const text = `${op.actionText}\n${op.document}\n`;
      lines.push(text);
      end += text.length;
      ends.push(end);
    }
    return { text: lines.join(""), writes: chunk.map((op) => op.index), ends };
  });
}

/** The body of those of `body`'s operations at `positions` (in its order). */
function bodyOf(body: BulkBody, positions: readonly number[]): BulkBody {
  const lines: string[] = [];
  const ends: number[] = [];
  let end = 0;
  for (const j of positions) {
    const text = body.text.slice(body.ends[j - 1] ?? 0, body.ends[j]);
    lines.push(text);
    end += text.length;
    ends.push(end);
  }
  return { text: lines.join(""), writes: positions.map((j) => body.writes[j] ?? -1), ends };
}

/** Sends one body, retrying the items answered as overloaded; fills in `outcomes` by write index. */
async function writeChunk(
  settings: EsWriteSettings,
  plan: TablePlan,
  body: BulkBody,
  outcomes: WriteOutcome[],
): Promise<void> {
  let pending = body;
  let firstRefusalAt: number | undefined;
  // The writes of a request sent more than once, or sent again after an item answer of 5xx: where an
  // earlier sending landed unanswered, the repeat meets that write, and the engine tells it from
  // another writer's by reading it back.
  const sentAgain = new Set<number>();
  for (let attempt = 1; pending.writes.length > 0; attempt++) {
    const text = pending.text;
    let response;
    let sent = 0;
    try {
      response = await settings.retry(() => {
        sent++;
        return settings.client.bulk({ lines: text });
      });
    } catch (error) {
      if (!isSearchError(error, "refused") || error.answer.status !== 413) throw error;
      settings.bodyLimit?.refused(Buffer.byteLength(text));
      await writeTooLarge(settings, plan, pending, outcomes, error);
      return;
    }
    settings.bodyLimit?.accepted(Buffer.byteLength(text));
    if (sent > 1) for (const index of pending.writes) sentAgain.add(index);
    const throttled: number[] = [];
    let refusal: { status: number; reason: string | undefined } | undefined;
    for (const [j, item] of response.items.entries()) {
      const index = pending.writes[j];
      const result = Object.values(item)[0];
      if (index === undefined || result === undefined) continue;
      const status = result.status;
      if (status >= 200 && status < 300) {
        const tag =
          result._seq_no === undefined || result._primary_term === undefined
            ? undefined
            : documentTag(result._primary_term, result._seq_no);
        outcomes[index] = tag === undefined ? { status: "written" } : { status: "written", tag };
      } else if (status === 409) outcomes[index] = sentAgain.has(index) ? SENT_AGAIN : CONFLICT;
      // A block on the index (a write block during a migration, a read-only index) refuses every item
      // alike: the index is blocked, not the records, so none is dead-lettered for it. (The flood-stage
      // block answers 429 instead, and is waited out below.)
      else if (result.error?.type === "cluster_block_exception" && status !== 429) {
        // A close in progress blocks writes too ("index preparing to close"): the fix is to open it.
        if (CLOSING.test(result.error.reason ?? ""))
          throw new IndexGoneError(plan, "closed", settings.client.productName);
        throw new IndexBlockedError(plan, result.error.reason ?? undefined);
      } else if (missingPipeline(result.error) !== undefined) {
        // A pipeline that does not exist refuses every write alike: the setting naming it is at
        // fault, not the records, so none is dead-lettered for it.
        throw new PipelineMissingError(plan, missingPipeline(result.error) ?? "");
      } else if (result.error?.type === "index_not_found_exception") {
        throw new IndexGoneError(plan, "deleted", settings.client.productName);
      } else if (result.error?.type === "index_closed_exception") {
        throw new IndexGoneError(plan, "closed", settings.client.productName);
      } else if (status === 401 || status === 403) {
        // A role without write on this index (one it was never granted, a pattern that misses it)
        // refuses every item alike: the user is refused, not the records, so none is dead-lettered.
        const reason = result.error
          ? `${result.error.type}: ${result.error.reason ?? ""}`
          : `status ${status}`;
        throw new WriteRefusedError(settings.client.productName, plan.es.index, plan.table, status, reason);
      } else if (status === 429 || status >= 500) {
        refusal ??= { status, reason: result.error?.reason ?? undefined };
        throttled.push(j);
        // A 429 item was not applied; a failing shard's answer does not say so, and its repeat may
        // meet it.
        if (status !== 429) sentAgain.add(index);
      } else {
        outcomes[index] = {
          status: "rejected",
          reason: refusedDocumentReason(settings.client.productName, plan.es.index, status, result.error),
        };
      }
    }
    pending = bodyOf(pending, throttled);
    if (refusal !== undefined) {
      const now = Date.now();
      firstRefusalAt ??= now;
      const wait = retryDelay(refusal, attempt, firstRefusalAt, now, {
        windowMs: settings.retryWindowMs,
        baseDelayMs: 200,
        maxDelayMs: 5_000,
        isTransient: () => true,
      });
      if (wait === undefined) {
        throw new BulkRetriesExhaustedError(
          settings.client.productName,
          plan,
          refusal.status,
          attempt,
          settings.retryWindowMs,
          refusal.reason,
        );
      }
      await delay(wait, undefined, settings.signal ? { signal: settings.signal } : undefined);
    }
  }
}

/**
 * A request refused whole as too large (413: a proxy's limit on request bodies, such as nginx's
 * client_max_body_size of 1 MiB, or the nodes' http.max_content_length): its halves are sent, one
 * after the other, and a document refused alone is dead-lettered with the limit it met. Nothing in a
 * refused request was written, so sending its operations again repeats nothing.
 */
async function writeTooLarge(
  settings: EsWriteSettings,
  plan: TablePlan,
  body: BulkBody,
  outcomes: WriteOutcome[],
  error: SearchError,
): Promise<void> {
  const count = body.writes.length;
  if (count > 1) {
    const positions = Array.from({ length: count }, (_, j) => j);
    const half = Math.ceil(count / 2);
    await writeChunk(settings, plan, bodyOf(body, positions.slice(0, half)), outcomes);
    await writeChunk(settings, plan, bodyOf(body, positions.slice(half)), outcomes);
    return;
  }
  const index = body.writes[0];
  if (index === undefined) return;
  const { answer } = error;
  const said = answer.status === undefined ? "413" : withStatus(answer.status, answer.reason);
  const from = answer.status !== undefined && answer.page === true ? FROM_PAGE : settings.client.productName;
  outcomes[index] = {
    status: "rejected",
    reason:
      `${said} (${from}) to a request holding only this document, ${Buffer.byteLength(body.text)} bytes: ` +
      "raise the limit on request bodies (a proxy's, such as nginx's client_max_body_size, or the nodes' " +
      "http.max_content_length), or shorten the record at its source; then replay the letter",
  };
}

/**
 * The index refuses every write (a block), with no letter: its table is refused and the others are
 * synced (the engine's choice), or where this stops the run, it keeps its checkpoint. `planned`: a
 * dry run found the block's setting on the index, before any write.
 */
export class IndexBlockedError extends TableIndexRefusedError {
  constructor(plan: TablePlan, reason: string | undefined, planned?: { readonly setting: string }) {
    const index = plan.es.index;
    // Elasticsearch before 7.10 refused writes to an index with the read-only-allow-delete block with
    // a 403, as for the other blocks, where later servers (and OpenSearch) answer 429
    // (BulkRetriesExhaustedError): its own words then, disk space first.
    const allowDelete =
      planned === undefined && FLOOD_STAGE.test(reason ?? "")
        ? allowDeleteBlock(index, "Elasticsearch")
        : undefined;
    const setting = planned?.setting ?? blockSetting(reason ?? "");
    const said =
      planned !== undefined
        ? planned.setting
        : `cluster_block_exception${reason === undefined ? "" : `: ${reason}`}`;
    const blocked = `index ${index} is blocked for writes (${said})`;
    const why = allowDelete === undefined ? "" : `; ${allowDelete.why}`;
    const lift =
      allowDelete?.todo ??
      "Lift the block once the index may be written again (" +
        (setting === undefined
          ? `for a write block, PUT ${index}/_settings {"index.blocks.write": null}; for a read-only one, ` +
            '"index.blocks.read_only": null)'
          : `PUT ${index}/_settings {"${setting}": null})`);
    const refuses = planned
      ? "a run would refuse the table at its first write, dead-lettering none"
      : "the index is blocked, not the records, so none was dead-lettered for it";
    super(
      plan.table,
      `${blocked}${why}: ${refuses}. ${lift} and run again.`,
      planned ? "The dry run wrote nothing." : "The run stopped without moving the checkpoint.",
      { index },
      // A replay's letter waits for the block to be lifted, not for its record to be fixed.
      `${blocked}, so the cluster ${planned ? "would refuse" : "refuses"} the record, as every write of ` +
        `table ${plan.table}${why}. ${lift}; then replay this letter.`,
    );
  }
}

/**
 * The ingest pipeline a write goes through does not exist, whether the table's `pipeline` setting or
 * the index's own settings name it: every write is refused alike, so the table is refused with no
 * letter, as for a block. `planned`: a dry run found it so, before any write.
 */
export class PipelineMissingError extends TableIndexRefusedError {
  constructor(plan: TablePlan, pipeline: string, planned = false) {
    const create = `Create the pipeline (PUT _ingest/pipeline/${pipeline})`;
    const fix =
      pipeline === plan.es.pipeline
        ? `The config file's tables.${plan.table}.pipeline names it. ${create}, or name one that exists ` +
          "there, or remove the setting"
        : "The index's own settings name it (index.default_pipeline or index.final_pipeline, set by an " +
          `operator or an index template). ${create}, or name one that exists in that setting ` +
          `(PUT ${plan.es.index}/_settings)`;
    const refuses = planned
      ? "would refuse each one a run writes, and the run would refuse the table at its first write, " +
        "dead-lettering none"
      : "refuses each one: the pipeline is at fault, not the records, so none was dead-lettered for it";
    const sends = `index ${plan.es.index} sends every write through the ingest pipeline ${pipeline}, which does not exist`;
    super(
      plan.table,
      `${sends}, so the cluster ${refuses}. ${fix}; then run again.`,
      planned ? "The dry run wrote nothing." : "The run stopped without moving the checkpoint.",
      { index: plan.es.index, pipeline },
      // A replay's letter waits for the pipeline, not for its record to be fixed.
      `${sends}, so the cluster ${planned ? "would refuse" : "refuses"} the record, as every write of ` +
        `table ${plan.table}. ${fix}; then replay this letter.`,
    );
  }
}

/** Elasticsearch kept refusing items as overloaded or failing; the run stops and keeps its checkpoint. */
export class BulkRetriesExhaustedError extends SyncedError {
  constructor(
    product: string,
    plan: TablePlan,
    status: number,
    attempts: number,
    windowMs: number,
    reason: string | undefined,
  ) {
    // The flood-stage block answers 429 too, but no lower load lifts it: disk space or its lifting does.
    const block = FLOOD_STAGE.test(reason ?? "") ? allowDeleteBlock(plan.es.index, product) : undefined;
    const cause =
      block !== undefined
        ? `${block.why}. The run stopped without moving the checkpoint. ${block.todo}, then run again.`
        : "the cluster is overloaded or failing. The run stopped without moving the checkpoint; run again " +
          "when the cluster is healthy, or lower --concurrency and --batch-size.";
    super(
      `${product} answered ${status} for writes to ${plan.es.index} ${attempts} times over ` +
        `${Math.round(windowMs / 1000)} s (--retry-window)` +
        `${reason === undefined ? "" : ` (${reason})`}; ${cause}`,
      { index: plan.es.index, table: plan.table, status, attempts, windowMs },
    );
  }
}

/** The pipeline an item was refused for as one that does not exist (both products' words); else undefined. */
function missingPipeline(error: ItemError | undefined): string | undefined {
  if (error?.type !== "illegal_argument_exception") return undefined;
  return /^pipeline with id \[(.*)\] does not exist$/.exec(error.reason ?? "")?.[1];
}

/** The block of an index being closed, in the cluster's words. */
const CLOSING = /index preparing to close|index closed/i;
