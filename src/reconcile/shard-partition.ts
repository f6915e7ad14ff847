// Which records a shard of a sharded configuration reads depends on --splits (token ranges: splits × N
// pieces, shard i takes every N-th) and --slices (scroll slices × N, alike). Neither is in the state
// key, so a change moves ranges between shards under the same keys: a range a lagging shard held may
// go to one whose checkpoint is further ahead, which would never read what lies between the two.
// So each shard's checkpoint records the partition it was made under, and how far every range was
// known covered then (`ring`); a run under another partition begins from there instead of its own
// checkpoint. Both ride in Checkpoint.covers as one item, which no table item can look like (those
// end in their direction), so an earlier version of synced reading it ignores it.
import { formatMicros } from "../core/micros.js";
import type { Checkpoint } from "../state/state-store.js";

/** The options that decide a shard's part of the data. */
export interface Partition {
  readonly splits: number;
  readonly slices: number;
}

const ITEM = /^partition:splits=(\d+),slices=(\d+)(?:,ring=(-?\d+))?$/;

const describe = (p: Partition): string => `--splits ${p.splits} --slices ${p.slices}`;
const same = (a: Partition, b: Partition): boolean => a.splits === b.splits && a.slices === b.slices;

/** The covers item recording `partition` and how far every range was covered when it was made. */
export function partitionItem(partition: Partition, ring: bigint | undefined): string {
  const item = `partition:splits=${partition.splits},slices=${partition.slices}`;
  return ring === undefined ? item : `${item},ring=${ring}`;
}

export function isPartitionItem(item: string): boolean {
  return ITEM.test(item);
}

/** A partition item for a person: `--splits 7 --slices 2, every range covered up to <time>`. */
export function describePartitionItem(item: string): string {
  const { partition, ring } = recordedIn([item]);
  if (partition === undefined) return item;
  return ring === undefined
    ? describe(partition)
    : `${describe(partition)}, every shard's ranges covered up to ${formatMicros(ring)}`;
}

interface Recorded {
  readonly partition?: Partition;
  readonly ring?: bigint;
}

function recorded(checkpoint: Checkpoint): Recorded {
  return recordedIn(checkpoint.covers ?? []);
}

function recordedIn(covers: readonly string[]): Recorded {
  for (const item of covers) {
    const match = ITEM.exec(item);
    if (match === null) continue;
    const partition = { splits: Number(match[1]), slices: Number(match[2]) };
    return match[3] === undefined ? { partition } : { partition, ring: BigInt(match[3]) };
  }
  return {};
}

/** Where a shard's run continues from, and what its checkpoint records once moved. */
export interface ShardStart {
  /** Its own checkpoint, or one moved back to where every range was covered (absent: none at all). */
  readonly checkpoint: Checkpoint | undefined;
  /** How far every range of the configuration is known covered, whichever shard holds it now. */
  readonly ring: bigint | undefined;
  /** Set when the partition changed since the checkpoint was made: what the run does instead. */
  readonly notice?: string;
}

/**
 * Where shard `own` continues from under `partition`, given the checkpoints of the configuration's
 * other shards (undefined where a shard has none). A checkpoint that records no partition (saved by
 * an earlier version of synced, or placed by `synced state set`) is taken as made under this one.
 */
export function shardStart(
  own: Checkpoint | undefined,
  siblings: readonly (Checkpoint | undefined)[],
  partition: Partition,
): ShardStart {
  const ring = ringCovered([own, ...siblings], partition);
  if (own === undefined) return { checkpoint: undefined, ring };
  const before = recorded(own).partition ?? partition;
  if (same(before, partition)) return { checkpoint: own, ring };
  // Never past its own checkpoint: one moved back by hand is to be read again from there.
  const position = ring === undefined || ring < own.position ? ring : own.position;
  const from =
    position === undefined
      ? "the earliest version, as no position is known up to which every shard covered its ranges"
      : `${formatMicros(position)}, up to which every shard covered its ranges`;
  const notice =
    `this shard's checkpoint ${formatMicros(own.position)} was made with ${describe(before)}, this run ` +
    `has ${describe(partition)}: ranges moved between the shards, so it reads from ${from}`;
  if (position === undefined) return { checkpoint: undefined, ring, notice };
  const covers = commonCovers([own, ...siblings]);
  const moved: Checkpoint = { key: own.key, position, updatedAt: own.updatedAt, runId: own.runId };
  return { checkpoint: covers === undefined ? moved : { ...moved, covers }, ring, notice };
}

/**
 * How far every range is known covered: the furthest any shard recorded (coverage only grows), or the
 * earliest checkpoint where every shard has one made under one partition (together they hold every
 * range). Undefined when neither is known.
 */
function ringCovered(all: readonly (Checkpoint | undefined)[], partition: Partition): bigint | undefined {
  let ring: bigint | undefined;
  const raise = (to: bigint | undefined): void => {
    if (to !== undefined && (ring === undefined || to > ring)) ring = to;
  };
  for (const c of all) if (c !== undefined) raise(recorded(c).ring);
  const made = all.map((c) => (c === undefined ? undefined : (recorded(c).partition ?? partition)));
  const first = made[0];
  if (first !== undefined && made.every((p) => p !== undefined && same(p, first))) {
    const positions = all.map((c) => c?.position ?? 0n);
    raise(positions.reduce((a, b) => (b < a ? b : a)));
  }
  return ring;
}

/** The table items every shard's checkpoint covers; undefined (everything) where none says. */
function commonCovers(all: readonly (Checkpoint | undefined)[]): string[] | undefined {
  let common: string[] | undefined;
  for (const c of all) {
    if (c?.covers === undefined) continue;
    const items = c.covers.filter((item) => !isPartitionItem(item));
    common = common === undefined ? items : common.filter((item) => items.includes(item));
  }
  return common;
}

/** The configuration's checkpoints under another shard count; `total` undefined: its unsharded key. */
export interface OtherSharding {
  readonly total: number | undefined;
  /** One a shard, undefined where that shard has none. */
  readonly checkpoints: readonly (Checkpoint | undefined)[];
}

/**
 * Where a run with no checkpoint of its own begins when the configuration ran under another shard
 * count (or without --shard): from the furthest point up to which one such count covered every range,
 * since a record before it was read whichever shard holds it now. Undefined when there is none.
 */
export function carriedStart(key: string, others: readonly OtherSharding[]): ShardStart | undefined {
  if (others.length === 0) return undefined;
  let best: { position: bigint; from: OtherSharding } | undefined;
  for (const other of others) {
    // Each checkpoint's own partition decides; one recording none was made under the same as its siblings.
    const position = ringCovered(other.checkpoints, { splits: 0, slices: 0 });
    if (position !== undefined && (best === undefined || position > best.position))
      best = { position, from: other };
  }
  if (best === undefined) {
    const why = others
      .map((o) =>
        o.total === undefined
          ? "the key without --shard has no checkpoint"
          : `under ${describeSharding(o.total)} a shard has none`,
      )
      .join("; ");
    const notice =
      "no checkpoint under this key, and the configuration's keys under other shard counts do not " +
      `cover every range (${why}): it reads from the earliest version`;
    return { checkpoint: undefined, ring: undefined, notice };
  }
  const saved = best.from.checkpoints.filter((c) => c !== undefined);
  const latest = saved.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
  const covers = commonCovers(saved);
  const moved: Checkpoint = {
    key,
    position: best.position,
    updatedAt: latest.updatedAt,
    runId: latest.runId,
  };
  const notice =
    `no checkpoint under this key, but the configuration's checkpoints under ${describeSharding(best.from.total)} ` +
    `cover every range up to ${formatMicros(best.position)}: it reads from there`;
  return { checkpoint: covers === undefined ? moved : { ...moved, covers }, ring: best.position, notice };
}

/** A shard count for a person: `--shard i/4`, or `no --shard` for the unsharded key. */
export function describeSharding(total: number | undefined): string {
  return total === undefined ? "no --shard" : `--shard i/${total}`;
}
