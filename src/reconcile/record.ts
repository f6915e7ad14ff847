// What the engine concludes from two records' contents: whether they are the same, and the digest that
// breaks a tie between them.
import { createHash } from "node:crypto";
import { canonicalEqual, stableStringify } from "../core/canonical-json.js";
import type { SyncRecord } from "../core/record.js";

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
