// The shape both stores translate their rows and documents into, so the engine never sees a driver type.
import type { JsonValue } from "./json-value.js";

/** One version of one record, as a store holds it. */
export interface SyncRecord {
  /** Canonical lowercase UUID. */
  readonly id: string;
  /** Integer microseconds since the epoch, already truncated to the store's precision. */
  readonly version: bigint;
  readonly deleted: boolean;
  /** Canonical field values without the id, version and tombstone fields. */
  readonly content: Readonly<Record<string, JsonValue>>;
  /**
   * The store's tag for the copy this record was read from, where the store keeps one: it changes
   * with every write to that copy (Elasticsearch: primary term and sequence number).
   */
  readonly tag?: RecordTag;
}

/**
 * Two whole numbers, each exact in a double, that together change with every write to a copy
 * (Elasticsearch: the primary term and the sequence number).
 */
export interface RecordTag {
  readonly high: number;
  readonly low: number;
}

/** A record as the target holds it now, with what the target needs to write over it safely. */
export interface CurrentRecord<Token = unknown> extends SyncRecord {
  /** Store-specific concurrency token: sequence number and primary term, or cell write times. */
  readonly token: Token;
}

/** A source row or document that cannot become a record, kept for the dead-letter store. */
export interface BadRecord {
  readonly kind: "bad";
  /** Best-effort id for the message; absent when the record has none. */
  readonly id?: string;
  readonly reason: string;
  readonly raw: unknown;
  /** A document's fields that no column of the table holds, when that is why it is bad. */
  readonly unmappedFields?: readonly string[];
  /** Its version, where its timestamp could be read: where a backfill must begin to meet it again. */
  readonly version?: bigint;
  /** The `_id` of the document it was read from: an operator finds (or deletes) it by that. */
  readonly documentId?: string;
  /**
   * It has no version at all (no tmstmp): no range holds it, and every run meets it, as each looks for
   * such records beyond its range, so no backfill is needed to meet it again.
   */
  readonly undated?: true;
}

export function makeRecord(
  id: string,
  version: bigint,
  deleted: boolean,
  content: Readonly<Record<string, JsonValue>>,
  tag?: RecordTag,
): SyncRecord {
  return tag === undefined ? { id, version, deleted, content } : { id, version, deleted, content, tag };
}
