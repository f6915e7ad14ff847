// Time-based UUIDs built from microsecond versions. Cassandra orders timeuuids by their timestamp and
// then by their last 8 bytes compared as signed bytes, which is what the range bounds rely on.
import { createHash } from "node:crypto";
import { floorDiv } from "../../core/micros.js";

/** 100-nanosecond intervals between the Gregorian epoch (1582-10-15) and the Unix epoch. */
const GREGORIAN_OFFSET = 0x01b21dd213814000n;
/** The smallest last-8-bytes under signed-byte order, as Cassandra's minTimeuuid() uses. */
const MIN_LSB = Buffer.alloc(8, 0x80);
/** The largest last-8-bytes under signed-byte order. */
const MAX_LSB = Buffer.alloc(8, 0x7f);

function ticksFromMicros(micros: bigint): bigint {
  const ticks = micros * 10n + GREGORIAN_OFFSET;
  if (ticks < 0n || ticks >= 1n << 60n) {
    throw new RangeError(`${micros} microseconds since the epoch is outside the range of a timeuuid`);
  }
  return ticks;
}

function format(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function build(ticks: bigint, lsb: Buffer): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32BE(Number(ticks & 0xffffffffn), 0);
  bytes.writeUInt16BE(Number((ticks >> 32n) & 0xffffn), 4);
  bytes.writeUInt16BE(Number((ticks >> 48n) & 0x0fffn) | 0x1000, 6);
  lsb.copy(bytes, 8, 0, 8);
  return format(bytes);
}

/** The smallest timeuuid at `micros`: `tmstmp >= lowerBound(b) AND tmstmp < lowerBound(e)` is `[b, e)`. */
export function timeuuidLowerBound(micros: bigint): string {
  return build(ticksFromMicros(micros), MIN_LSB);
}

/**
 * The timeuuid synced writes for a record's version in a versioned table. It depends only on the
 * table, the id and the version, so writing the same version twice lands on the same row instead of
 * adding a duplicate version.
 */
export function deterministicTimeuuid(micros: bigint, table: string, id: string): string {
  const digest = createHash("sha256").update(`${table}\u0000${id}`).digest();
  const lsb = Buffer.from(digest.subarray(0, 8));
  lsb[0] = ((lsb[0] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  lsb[2] = (lsb[2] ?? 0) | 0x01; // multicast bit: a node id that is not a real MAC address
  return build(ticksFromMicros(micros), lsb);
}

/** The version a timeuuid carries, in microseconds since the epoch (sub-microsecond ticks dropped). */
export function timeuuidMicros(uuid: string): bigint {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== "1") {
    throw new RangeError(`'${uuid}' is not a version 1 (time-based) UUID`);
  }
  const low = BigInt(`0x${hex.slice(0, 8)}`);
  const mid = BigInt(`0x${hex.slice(8, 12)}`);
  const high = BigInt(`0x${hex.slice(13, 16)}`);
  const ticks = (high << 48n) | (mid << 32n) | low;
  return floorDiv(ticks - GREGORIAN_OFFSET, 10n);
}

/**
 * The largest timeuuid that still carries `micros`: its last 100-nanosecond tick, and the largest last
 * 8 bytes. A tie's winner written here is a row of the version it tied with that sorts above every
 * other row of that microsecond (the application's included), so it is the newest row, and the copy it
 * won over in the index is at its version already. Where a row holds this very timeuuid (a tie won
 * here before), the winner goes one microsecond above instead (`write.ts`).
 */
export function topTimeuuid(micros: bigint): string {
  return build(ticksFromMicros(micros) + 9n, MAX_LSB);
}

/** Cassandra's order of timeuuids: by timestamp, then by the last 8 bytes as signed bytes. */
export function compareTimeuuids(a: string, b: string): number {
  const [x, y] = [Buffer.from(a.replace(/-/g, ""), "hex"), Buffer.from(b.replace(/-/g, ""), "hex")];
  const ticks = (u: Buffer): bigint =>
    (BigInt(u.readUInt16BE(6) & 0x0fff) << 48n) |
    (BigInt(u.readUInt16BE(4)) << 32n) |
    BigInt(u.readUInt32BE(0));
  const [tx, ty] = [ticks(x), ticks(y)];
  if (tx !== ty) return tx < ty ? -1 : 1;
  for (let i = 8; i < 16; i++) {
    const d = x.readInt8(i) - y.readInt8(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
