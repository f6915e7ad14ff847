// CQL inet is 4 or 16 bytes. The driver's own InetAddress.fromString accepts malformed text and its
// toString can pick the wrong run of zeros to compress, so both directions are done here: Node's
// `net` validates, and IPv6 is printed in the RFC 5952 form that Elasticsearch's `ip` field reads.
import { isIPv4, isIPv6 } from "node:net";
import cassandra from "cassandra-driver";

const { types } = cassandra;

/** The address bytes of IPv4 or IPv6 text (no zone index), or undefined. */
export function parseInet(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split(".").map(Number));
  if (!isIPv6(text) || text.includes("%")) return undefined;
  let groups = text.toLowerCase();
  const lastColon = groups.lastIndexOf(":");
  const tail = groups.slice(lastColon + 1);
  if (tail.includes(".")) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split(".").map(Number);
    groups = `${groups.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = groups.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  const all = [...left, ...zeros, ...right];
  if (all.length !== 8) return undefined;
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

/** Dotted IPv4, or RFC 5952 IPv6 (IPv4-mapped addresses keep their dotted tail). */
export function formatInet(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length !== 16) return undefined;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${Array.from(bytes.subarray(12)).join(".")}`;
  }
  let [bestStart, bestLength] = [-1, 1];
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const before = hex.slice(0, bestStart).join(":");
  const after = hex.slice(bestStart + bestLength).join(":");
  return `${before}::${after}`;
}

const V4_MAPPED_PREFIX = Buffer.from("00000000000000000000ffff", "hex");

/**
 * A list's or set's element, or a map's key or value, as Cassandra keeps it: an IPv4-mapped IPv6
 * address (::ffff:1.2.3.4) bound there becomes its 4 IPv4 bytes, as Java's InetAddress reads it,
 * while a column, a vector's element and anything inside a tuple or a UDT, a collection there
 * included, keep the 16 bytes they were given: Cassandra reads a tuple's or UDT's bytes as they are.
 * Both directions compare such an element as the IPv4 one: a document's "::ffff:1.2.3.4" is the row's
 * copy, and a row that holds the 16 bytes in a collection all the same (written as a CQL
 * literal, blobAsInet(0x...ffff01020304)) is copied as the IPv4 one, which is all a write can keep.
 */
export function asCollectionHolds(value: unknown): unknown {
  if (!(value instanceof types.InetAddress)) return value;
  const bytes = value.getBuffer();
  return bytes.length === 16 && bytes.subarray(0, 12).equals(V4_MAPPED_PREFIX)
    ? new types.InetAddress(bytes.subarray(12))
    : value;
}

/** A value inside a tuple or a UDT, a collection's there included: Cassandra keeps it as given. */
function asGiven(value: unknown): unknown {
  return value;
}

/** How an element of a collection is kept: as given within a tuple or a UDT (`inRecord`), else asCollectionHolds. */
export function collectionHolds(inRecord: boolean): (value: unknown) => unknown {
  return inRecord ? asGiven : asCollectionHolds;
}
