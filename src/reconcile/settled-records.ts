// What the first direction of a table proved: ids whose two sides held the same record when it
// finished, each with the tag of the second side's copy then (Elasticsearch: its primary term and
// sequence number, which change with every write). The second direction reads that side again; a
// record whose tag is still the same needs no second comparison, and no read of the first side.
//
// Exact and small: each entry is the id's 128 bits and the tag's two numbers in flat typed arrays,
// 33 bytes a slot, kept at most three quarters full, up to a fixed number of entries; past it, records are
// simply compared again. Nothing is hashed into a digest, so no two records can ever be confused,
// and remembering one costs no allocation (a digest per record was a tenth of a rerun's CPU).
import type { RecordTag } from "../core/record.js";

/** Three quarters of 2^20 slots: at most 33 MiB. */
const DEFAULT_CAPACITY = 786_432;
const FIRST_SLOTS = 1024;
/** The id's four 32-bit words, parsed into here by `parseId`; reused, never allocated per call. */
const words = new Uint32Array(4);

export class SettledRecords {
  /** Four words of id per slot. */
  #ids = new Uint32Array(0);
  /** Two numbers of tag per slot. */
  #tags = new Float64Array(0);
  /** 1 where a slot is taken: the nil UUID is a valid id, so no id value can mark an empty slot. */
  #taken = new Uint8Array(0);
  #size = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  get size(): number {
    return this.#size;
  }

  /** Remembers that `id` was settled with the second side's copy tagged `tag`; false when full. */
  add(id: string, tag: RecordTag): boolean {
    if (!parseId(id)) return false;
    if (this.#size > 0) {
      const held = this.#findParsed();
      // Settled again with a newer copy: only the latest tag can still match.
      if (this.#taken[held] === 1) {
        this.#setTag(held, tag);
        return true;
      }
    }
    if (this.#size >= this.capacity) return false;
    if ((this.#size + 1) * 4 > this.#taken.length * 3) this.#grow();
    const slot = this.#findParsed();
    this.#ids.set(words, slot * 4);
    this.#setTag(slot, tag);
    this.#taken[slot] = 1;
    this.#size++;
    return true;
  }

  /** Whether `id` was settled and its copy still carries `tag`. */
  has(id: string, tag: RecordTag): boolean {
    if (this.#size === 0 || !parseId(id)) return false;
    const slot = this.#findParsed();
    return (
      this.#taken[slot] === 1 && this.#tags[slot * 2] === tag.high && this.#tags[slot * 2 + 1] === tag.low
    );
  }

  #setTag(slot: number, tag: RecordTag): void {
    this.#tags[slot * 2] = tag.high;
    this.#tags[slot * 2 + 1] = tag.low;
  }

  /** The slot of the id `parseId` left in `words`. */
  #findParsed(): number {
    return this.#find(words[0] ?? 0, words[1] ?? 0, words[2] ?? 0, words[3] ?? 0);
  }

  /** The slot holding the id of these four words, or the empty slot where it belongs (never full). */
  #find(a: number, b: number, c: number, d: number): number {
    const ids = this.#ids;
    const mask = this.#taken.length - 1;
    for (let slot = mix(a, b, c, d) & mask; ; slot = (slot + 1) & mask) {
      if (this.#taken[slot] === 0) return slot;
      const at = slot * 4;
      if (ids[at] === a && ids[at + 1] === b && ids[at + 2] === c && ids[at + 3] === d) return slot;
    }
  }

  #grow(): void {
    const [ids, tags, taken] = [this.#ids, this.#tags, this.#taken];
    const slots = Math.max(FIRST_SLOTS, taken.length * 2);
    this.#ids = new Uint32Array(slots * 4);
    this.#tags = new Float64Array(slots * 2);
    this.#taken = new Uint8Array(slots);
    // Moved from the old arrays as they are: `words` still holds the id being added, which a growth
    // that parsed into it would have replaced with the last one moved (and lost).
    for (let old = 0; old < taken.length; old++) {
      if (taken[old] !== 1) continue;
      const at = old * 4;
      const slot = this.#find(ids[at] ?? 0, ids[at + 1] ?? 0, ids[at + 2] ?? 0, ids[at + 3] ?? 0);
      this.#ids.set(ids.subarray(at, at + 4), slot * 4);
      this.#tags[slot * 2] = tags[old * 2] ?? 0;
      this.#tags[slot * 2 + 1] = tags[old * 2 + 1] ?? 0;
      this.#taken[slot] = 1;
    }
  }
}

/** Reads a canonical lowercase UUID into `words`; false for anything else, which is not remembered. */
function parseId(id: string): boolean {
  if (id.length !== 36) return false;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const code = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return false;
      continue;
    }
    const value = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1;
    if (value < 0) return false;
    word = ((word << 4) | value) >>> 0;
    if (++digits % 8 === 0) {
      words[digits / 8 - 1] = word;
      word = 0;
    }
  }
  return true;
}

/** A slot for the id: its words mixed, as time-based UUIDs share most of their bits. */
function mix(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(
    a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77) ^ Math.imul(d, 0xc2b2ae3d),
    0x27d4eb2f,
  );
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
