// The benchmark's records: one "latest" table shape, each record about 400 bytes as JSON, the same
// for the same seed and position, so every run and both stores see identical data.

/** The CQL columns, in the order of `rowOf`. */
export const COLUMNS = ["id", "tmstmp", "name", "email", "age", "score", "active", "tags", "bio"] as const;

export function createTableCql(keyspace: string, table: string): string {
  return (
    `CREATE TABLE ${keyspace}.${table} (id uuid PRIMARY KEY, tmstmp timestamp, name text, email text, ` +
    `age int, score double, active boolean, tags list<text>, bio text)`
  );
}

export interface BenchRecord {
  readonly id: string;
  readonly tmstmp: Date;
  readonly name: string;
  readonly email: string;
  readonly age: number;
  readonly score: number;
  readonly active: boolean;
  readonly tags: readonly string[];
  readonly bio: string;
}

/** Record i is dated BASE + i seconds: old enough for any begin the runs use, and in a known range. */
export const DATA_BEGIN = "2024-01-01T00:00:00.000Z";
const BASE_MS = Date.parse(DATA_BEGIN);

const FIRST = [
  "Ada",
  "Alan",
  "Barbara",
  "Claude",
  "Donald",
  "Edsger",
  "Frances",
  "Grace",
  "John",
  "Kathleen",
];
const LAST = [
  "Hopper",
  "Turing",
  "Liskov",
  "Shannon",
  "Knuth",
  "Dijkstra",
  "Allen",
  "Backus",
  "Booth",
  "Lamport",
];
const WORDS = [
  "storage",
  "compiler",
  "network",
  "latency",
  "replica",
  "partition",
  "index",
  "shard",
  "cluster",
  "cache",
  "queue",
  "stream",
  "schema",
  "token",
  "version",
  "snapshot",
];

/** A 32-bit integer hash whose steps (xor-shift, odd multiply) are each invertible, so it never collides. */
function mix32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A small deterministic generator; one per record so any record can be made without the ones before. */
class Random {
  private state: number;
  constructor(seed: number, position: number) {
    this.state = mix32((position ^ mix32(seed)) >>> 0);
  }
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }
  below(n: number): number {
    return this.next() % n;
  }
  pick<T>(list: readonly T[]): T {
    const item = list[this.below(list.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/**
 * A version 4 UUID. Its first 32 bits are the generator's first output, a bijection of the position
 * for a given seed, so the ids of one data set never collide.
 */
function uuidOf(random: Random): string {
  const a = hex32(random.next());
  const b = hex32(random.next());
  const c = hex32(random.next());
  const d = hex32(random.next());
  const variant = ((parseInt(c.slice(0, 1), 16) & 0x3) | 0x8).toString(16);
  return `${a}-${b.slice(0, 4)}-4${b.slice(4, 7)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

function sentence(random: Random, minLength: number): string {
  const words: string[] = [];
  let length = 0;
  // Bounded: every word adds at least four characters.
  while (length < minLength) {
    const word = random.pick(WORDS);
    words.push(word);
    length += word.length + 1;
  }
  return words.join(" ");
}

/** The content fields of a record; `round` makes a changed record's content differ from every earlier one. */
function content(random: Random, position: number, round: number): Omit<BenchRecord, "id" | "tmstmp"> {
  const first = random.pick(FIRST);
  const last = random.pick(LAST);
  const tagCount = 1 + random.below(4);
  return {
    name: round === 0 ? `${first} ${last}` : `${first} ${last} (rev ${round})`,
    email: `${first}.${last}.${position}@example.com`.toLowerCase(),
    age: 18 + random.below(70),
    // Two decimals, so the number reads back from JSON exactly as written.
    score: random.below(1_000_000) / 100,
    active: random.below(2) === 1,
    tags: Array.from({ length: tagCount }, () => random.pick(WORDS)),
    bio: sentence(random, 170),
  };
}

export function recordAt(seed: number, position: number): BenchRecord {
  const random = new Random(seed, position);
  const id = uuidOf(random);
  return { id, tmstmp: new Date(BASE_MS + position * 1000), ...content(random, position, 0) };
}

/** Record `position` with new content and the given, newer tmstmp. */
export function changedRecordAt(seed: number, position: number, round: number, tmstmp: Date): BenchRecord {
  const original = recordAt(seed, position);
  // A different stream than the original's content, chosen by the round.
  const random = new Random(seed + round * 7919, position);
  return { id: original.id, tmstmp, ...content(random, position, round) };
}

export function* records(seed: number, count: number): Generator<BenchRecord> {
  for (let position = 0; position < count; position++) yield recordAt(seed, position);
}

/** `count` positions spread evenly over a data set of `size`, so changes touch every token range. */
export function spreadPositions(size: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => Math.floor((k * size) / count));
}

/** Bind values for an INSERT of COLUMNS, in that order. */
export function rowOf(record: BenchRecord): unknown[] {
  return [
    record.id,
    record.tmstmp,
    record.name,
    record.email,
    record.age,
    record.score,
    record.active,
    [...record.tags],
    record.bio,
  ];
}

/** The Elasticsearch `_source`, as synced writes it: tmstmp as ISO-8601 with milliseconds. */
export function documentOf(record: BenchRecord): Record<string, unknown> {
  return {
    id: record.id,
    tmstmp: record.tmstmp.toISOString(),
    name: record.name,
    email: record.email,
    age: record.age,
    score: record.score,
    active: record.active,
    tags: [...record.tags],
    bio: record.bio,
  };
}
