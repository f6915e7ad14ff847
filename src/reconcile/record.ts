// What the engine concludes from two records' contents: whether they are the same, and the digest that
// breaks a tie between them.
import { createHash } from "node:crypto";
import { canonicalEqual, stableStringify } from "../core/canonical-json.js";
import type { JsonValue } from "../core/json-value.js";
import type { SyncRecord } from "../core/record.js";
import { ownValue } from "../core/own-value.js";

/** Whether two records hold the same thing: both deleted or both live, with the same canonical content. */
export function sameContent(a: SyncRecord, b: SyncRecord): boolean {
  return a.deleted === b.deleted && canonicalEqual(a.content, b.content);
}

/**
 * A digest of the deleted flag and the canonical content, which orders the two sides of a tie the
 * same way whichever side asks. Only ties need it, so it is computed then, not for every record.
 */
export function recordDigest(record: SyncRecord): string {
  return createHash("sha256")
    .update(record.deleted ? "deleted\n" : "live\n")
    .update(stableStringify(record.content))
    .digest("hex");
}

/**
 * 1 where `a` holds every value `b` holds and more, -1 the other way round, else 0 (the same values,
 * or a value the two disagree on). A field without a value (null, or no field) holds none.
 */
export function fullerContent(a: SyncRecord, b: SyncRecord): -1 | 0 | 1 {
  let aMore = false;
  let bMore = false;
  const value = (record: SyncRecord, field: string): JsonValue => ownValue(record.content, field) ?? null;
  for (const field of new Set([...Object.keys(a.content), ...Object.keys(b.content)])) {
    const [va, vb] = [value(a, field), value(b, field)];
    if (va === null && vb === null) continue;
    if (vb === null) aMore = true;
    else if (va === null) bMore = true;
    else if (!canonicalEqual(va, vb)) return 0;
  }
  return aMore === bMore ? 0 : aMore ? 1 : -1;
}
