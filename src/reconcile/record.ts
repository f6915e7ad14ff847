// The shape both stores translate their rows and documents into, so the engine never sees a driver type.
import { createHash } from "node:crypto";
import { stableStringify } from "../core/canonical-json.js";
import type { JsonValue } from "../core/json-value.js";

/** One version of one record, as a store holds it. */
export interface SyncRecord {
  /** Canonical lowercase UUID. */
  readonly id: string;
  /** Integer microseconds since the epoch, already truncated to the store's precision. */
  readonly version: bigint;
  readonly deleted: boolean;
  /** Canonical field values without the id, version and tombstone fields. */
  readonly content: Readonly<Record<string, JsonValue>>;
  /** Digest of the deleted flag and the canonical content, for cheap equality and tie-breaks. */
  readonly digest: string;
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
}

/** Builds a record, computing the digest from the deleted flag and the canonical content. */
export function makeRecord(
  id: string,
  version: bigint,
  deleted: boolean,
  content: Readonly<Record<string, JsonValue>>,
): SyncRecord {
  return { id, version, deleted, content, digest: contentDigest(deleted, content) };
}

function contentDigest(deleted: boolean, content: Readonly<Record<string, JsonValue>>): string {
  return createHash("sha256")
    .update(deleted ? "deleted\n" : "live\n")
    .update(stableStringify(content))
    .digest("hex");
}
