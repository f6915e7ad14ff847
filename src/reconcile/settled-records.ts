// What the first direction of a table proved: ids whose two sides held the same record when it
// finished, each with the tag of the second side's copy then (Elasticsearch: its primary term and
// sequence number, which change with every write). The second direction reads that side again; a
// record whose tag is still the same needs no second comparison, and no read of the first side.
//
// Memory stays small and bounded: each entry is a 128-bit digest of id and tag in a flat table of
// 16 bytes per slot, kept at most half full, up to a fixed number of entries; past it, records are
// simply compared again. A false match would need two 128-bit digests to collide.
import { createHash } from "node:crypto";

/** A million entries: at most 32 MiB of table. */
const DEFAULT_CAPACITY = 1_000_000;
const FIRST_SLOTS = 1024;

export class SettledRecords {
  #high = new BigUint64Array(0);
  #low = new BigUint64Array(0);
  #size = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  get size(): number {
    return this.#size;
  }

  /** Remembers that `id` was settled with the second side's copy tagged `tag`; false when full. */
  add(id: string, tag: string): boolean {
    if (this.#size >= this.capacity) return false;
    if ((this.#size + 1) * 2 > this.#high.length) this.#grow();
    const [high, low] = digest(id, tag);
    this.#insert(high, low);
    return true;
  }

  /** Whether `id` was settled and its copy still carries `tag`. */
  has(id: string, tag: string): boolean {
    if (this.#size === 0) return false;
    const [high, low] = digest(id, tag);
    const slot = this.#find(high, low);
    return this.#high[slot] === high && this.#low[slot] === low;
  }

  #insert(high: bigint, low: bigint): void {
    const slot = this.#find(high, low);
    if (this.#high[slot] === 0n && this.#low[slot] === 0n) {
      this.#high[slot] = high;
      this.#low[slot] = low;
      this.#size++;
    }
  }

  /** The slot holding the digest, or the empty slot where it belongs (the table is never full). */
  #find(high: bigint, low: bigint): number {
    const mask = this.#high.length - 1;
    for (let slot = Number(low & BigInt(mask)); ; slot = (slot + 1) & mask) {
      const h = this.#high[slot];
      const l = this.#low[slot];
      if ((h === high && l === low) || (h === 0n && l === 0n)) return slot;
    }
  }

  #grow(): void {
    const [high, low] = [this.#high, this.#low];
    const slots = Math.max(FIRST_SLOTS, high.length * 2);
    this.#high = new BigUint64Array(slots);
    this.#low = new BigUint64Array(slots);
    this.#size = 0;
    for (let i = 0; i < high.length; i++) {
      const h = high[i] ?? 0n;
      const l = low[i] ?? 0n;
      if (h !== 0n || l !== 0n) this.#insert(h, l);
    }
  }
}

function digest(id: string, tag: string): [bigint, bigint] {
  const bytes = createHash("md5").update(id).update("\u0000").update(tag).digest();
  const low = bytes.readBigUInt64BE(8);
  // The all-zero digest marks an empty slot; moving it aside costs nothing but a bit.
  const high = bytes.readBigUInt64BE(0) || (low === 0n ? 1n : 0n);
  return [high, low];
}
