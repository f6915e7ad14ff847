// The cassandra-driver encoding options the value layer is written for. Every Client that reads or
// writes row values must be created with them (`new Client({ ..., encoding: CASSANDRA_ENCODING })`):
// - map: Map. Without it the driver turns a map into a plain object, so an int, uuid, timestamp or
//   blob key becomes whatever its toString gives (a Date loses its milliseconds, a Buffer its bytes),
//   and binding an object makes every key a string, which int keys refuse.
// - set: Set, so a set reads as one; arrays are still accepted when binding.
// - useBigIntAsLong, useBigIntAsVarint: bigint, counter and varint are exact JS bigints both ways,
//   the same type the engine uses for microsecond versions (also for `USING TIMESTAMP ?`).
// Beside them, a user-defined type is decoded with each field an own property, a field named
// `__proto__` too (own-udt-fields.ts): whoever builds a client with these options gets that as well.
import type { ClientOptions } from "cassandra-driver";
import { decodeUdtFieldsAsOwn } from "./own-udt-fields.js";

decodeUdtFieldsAsOwn();

export const CASSANDRA_ENCODING = {
  map: Map,
  set: Set,
  useBigIntAsLong: true,
  useBigIntAsVarint: true,
} as const satisfies NonNullable<ClientOptions["encoding"]>;
